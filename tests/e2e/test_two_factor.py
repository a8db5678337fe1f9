"""Two-factor sign-in in a real browser: enrol by the QR page, then sign in with a TOTP."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pyotp
import pytest

from tests.e2e.test_staff import sign_in

pytestmark = pytest.mark.e2e


def test_enrol_then_sign_in_with_a_totp(
    live_server: Any, staff_user: dict[str, str], page: Any
) -> None:
    base = live_server.url
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    sign_in(page, base, staff_user)
    page.get_by_role("link", name="Account security").click()
    page.wait_for_url(base + "/staff/account/security")

    uri = page.locator("#otpauth-uri").inner_text()
    secret = parse_qs(urlsplit(uri).query)["secret"][0]
    qr = page.get_by_alt_text("QR code of the sign-in secret")
    # The QR code is drawn (a data: URI image, allowed by the CSP) and is square.
    size = qr.evaluate("img => [img.complete, img.naturalWidth, img.naturalHeight]")
    assert size[0] and size[1] > 100 and size[1] == size[2]

    totp = pyotp.TOTP(secret)
    page.get_by_label("Code").fill(totp.now())
    page.get_by_role("button", name="Confirm and turn on").click()
    page.get_by_text("Your recovery codes").wait_for()
    codes = page.locator(".recovery-codes li").all_inner_texts()
    assert len(codes) == 10

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base + "/login")
    page.get_by_label("Email").fill(staff_user["email"])
    page.get_by_label("Password").fill(staff_user["password"])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/login/code")
    # The enrolment used this step's code: the next step's code is the fresh one.
    page.get_by_label("Code").fill(totp.at(dt.datetime.now(dt.UTC), counter_offset=1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/staff")
    assert page.get_by_role("heading", level=1).count() >= 1
    assert [m for m in console if "Content Security Policy" in m] == []
