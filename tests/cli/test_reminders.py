"""`tracker reminders send`: each caseworker's digest, mailed to a real SMTP server on loopback."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskCliRunner
from sqlalchemy import update

from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.commands.reminders import reminders
from tracker.models import Appeal, Case, User
from tracker.services.accounts.users import create_user
from tracker.services.custody.placements import add_hearing

TODAY = dt.date(2024, 5, 1)


def _dated(db: Any, appeal: Any, deadline: dt.date) -> Any:
    """An active appeal whose date is `deadline` (the clock says TODAY only to the reminders:
    saving an active appeal with a date already past is refused)."""
    db.execute(update(Appeal).where(Appeal.id == appeal.id).values(deadline=deadline))
    db.expire(appeal)
    return appeal


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    inbox = Inbox()
    with socket.socket() as probe:  # a free loopback port for the server
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        monkeypatch.setitem(app.config, "MAIL_URL", f"smtp://127.0.0.1:{port}")
        monkeypatch.setitem(app.config, "MAIL_FROM", "tracker@example.org")
        monkeypatch.setitem(app.config, "BASE_URL", "https://tracker.example.org")
        yield inbox
    finally:
        controller.stop()


def _body(msg: EmailMessage, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_type() == f"text/{subtype}"
    return str(part.get_content())


def test_each_caseworker_gets_a_digest_of_their_cases_needing_action(
    db: Any, runner: FlaskCliRunner, smtp: Inbox, caseworker: User
) -> None:
    other = create_user(db, None, "other@example.org", "correct-horse-7", "caseworker")
    idle = create_user(db, None, "idle@example.org", "correct-horse-7", "caseworker")
    addressee = make_addressee(db, caseworker)
    soon = make_case(db, caseworker, "VN-R1", "Deadline Soon", public=False)
    soon.assigned_to_id = caseworker.id
    _dated(db, make_appeal(db, caseworker, soon, addressee), TODAY + dt.timedelta(days=5))
    later = make_case(db, caseworker, "VN-R2", "Deadline Later")
    later.assigned_to_id = caseworker.id
    _dated(db, make_appeal(db, caseworker, later, addressee), TODAY + dt.timedelta(days=10))
    quiet = make_case(db, caseworker, "VN-R3", "Quiet Held")
    quiet.assigned_to_id = other.id
    fresh = make_case(db, caseworker, "VN-R4", "Fresh Held")
    fresh.assigned_to_id = idle.id
    db.commit()
    # Untouched since 2023 (saving a case stamps updated_at, so set it underneath).
    db.execute(
        update(Case)
        .where(Case.id == quiet.id)
        .values(updated_at=dt.datetime(2023, 1, 1, tzinfo=dt.UTC))
    )
    db.commit()

    result = runner.invoke(reminders, ["send", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Sent 2 digest(s)." in result.output
    by_rcpt = {rcpts[0]: msg for rcpts, msg in smtp.messages}
    assert set(by_rcpt) == {"caseworker@example.org", "other@example.org"}  # idle gets none

    mine = by_rcpt["caseworker@example.org"]
    assert mine["From"] == "tracker@example.org"
    assert mine["Subject"] == "Tracker: 1 item needs your action"
    text, html = _body(mine, "plain"), _body(mine, "html")
    assert "Appeal deadlines in the next 7 days" in text
    assert "VN-R1 Deadline Soon (2024-05-06)" in text
    assert f"https://tracker.example.org/staff/cases/{soon.id}" in text
    assert "VN-R2" not in text and "Deadline Later" not in html
    assert (
        f'<a href="https://tracker.example.org/staff/cases/{soon.id}">VN-R1 Deadline Soon</a>'
        in html
    )

    theirs = by_rcpt["other@example.org"]
    assert "Held, with no change in 90 days" in _body(theirs, "plain")
    assert "VN-R3 Quiet Held" in _body(theirs, "html")


def test_nothing_private_in_a_subject_line(
    db: Any, runner: FlaskCliRunner, smtp: Inbox, caseworker: User
) -> None:
    case = make_case(db, caseworker, "SECRET-REF-9", "Secret Name", public=False)
    case.assigned_to_id = caseworker.id
    _dated(db, make_appeal(db, caseworker, case, make_addressee(db, caseworker)), TODAY)
    db.commit()
    assert runner.invoke(reminders, ["send", "--today", TODAY.isoformat()]).exit_code == 0
    ((_rcpts, msg),) = smtp.messages
    assert "SECRET" not in msg["Subject"] and "Secret" not in msg["Subject"]
    assert "SECRET-REF-9" in _body(msg, "plain")


def test_dry_run_sends_nothing_and_missing_mail_settings_are_explained(
    app: Flask,
    db: Any,
    runner: FlaskCliRunner,
    smtp: Inbox,
    caseworker: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = make_case(db, caseworker, "VN-R5", "Dry Run")
    case.assigned_to_id = caseworker.id
    _dated(db, make_appeal(db, caseworker, case, make_addressee(db, caseworker)), TODAY)
    db.commit()
    dry = runner.invoke(reminders, ["send", "--dry-run", "--today", TODAY.isoformat()])
    assert "Would send 1 item(s) to caseworker@example.org" in dry.output
    assert smtp.messages == []
    monkeypatch.setitem(app.config, "MAIL_URL", "")
    unset = runner.invoke(reminders, ["send", "--today", TODAY.isoformat()])
    assert unset.exit_code == 1 and "TRACKER_MAIL_URL" in unset.output
    monkeypatch.setitem(app.config, "MAIL_URL", "http://127.0.0.1:25")
    wrong = runner.invoke(reminders, ["send", "--today", TODAY.isoformat()])
    assert wrong.exit_code == 1 and "smtp://host:port" in wrong.output


def test_a_hearing_within_14_days_is_in_the_digest_and_a_later_one_is_not(
    db: Any, runner: FlaskCliRunner, smtp: Inbox, caseworker: User
) -> None:
    soon = make_case(db, caseworker, "VN-H1", "Court Soon")
    soon.assigned_to_id = caseworker.id
    later = make_case(db, caseworker, "VN-H2", "Court Later")
    later.assigned_to_id = caseworker.id
    add_hearing(db, caseworker, soon, TODAY + dt.timedelta(days=14), kind="trial", court="Hanoi")
    add_hearing(db, caseworker, later, TODAY + dt.timedelta(days=15))
    db.commit()
    result = runner.invoke(reminders, ["send", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    ((_rcpts, msg),) = smtp.messages
    text = _body(msg, "plain")
    assert "Hearings in the next 14 days" in text
    assert "VN-H1 Court Soon (2024-05-15): Trial, Hanoi" in text
    assert "VN-H2" not in text
