"""Solidarity mail: to the person at their facility only with consent, else the forwarding
address; the facility's rules after the letter; and a facility never leaks without consent."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from tests.conftest import csrf_token_from
from tests.custody.conftest import ZANJAN
from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_case
from tests.public.conftest import crawl
from tracker.models import Case, Facility, User
from tracker.services.cases.editing import change_status, update_case
from tracker.services.custody.facilities import create_facility
from tracker.services.custody.placements import add_hearing, add_placement
from tracker.services.letters.editing import create_appeal
from tracker.services.publishing.custody import public_letter_rules
from tracker.services.publishing.objects import AppealCard
from tracker.services.publishing.queries import public_appeal

FORWARDING = ["Tracker Human Rights", "Letters desk", "PO Box 1234", "London WC1X 0DW"]
FACILITY_SENTINEL = "QQFACILITY"


@pytest.fixture
def letters_app(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Flask:
    monkeypatch.setitem(app.config, "PDF_CACHE_DIR", str(tmp_path / "pdf-cache"))
    monkeypatch.setitem(app.config, "FORWARDING_ADDRESS", FORWARDING)
    return app


def solidarity(db: Any, actor: User | None, case: Case) -> Any:
    return create_appeal(
        db,
        actor,
        case,
        {
            "kind": "solidarity",
            "language": "en",
            "subject": "Thinking of you, {{ case.name }}",
            "body": "Dear {{ case.name }},\n\nYou are not forgotten. We write from far away.",
            "status": "active",
        },
    )


def held_at_zanjan(db: Any, actor: User, *, consent: bool, accepts: bool = True) -> Any:
    facility = create_facility(db, actor, {**ZANJAN, "accepts_letters": accepts})
    case = make_case(
        db,
        actor,
        "IR-2015-NM",
        "Narges Mohammadi",
        country="IR",
        name_native="نرگس محمدی",
        consent_detention_address=consent,
    )
    add_placement(db, actor, case, facility.id, dt.date(2019, 12, 1), precision="month")
    appeal = solidarity(db, actor, case)
    db.commit()
    return case, appeal, facility


def letter_pdf(client: FlaskClient, case: Case, appeal: Any) -> str:
    response = client.get(f"/cases/{case.slug}/letters/{appeal.id}.pdf")
    assert response.status_code == 200, response.status_code
    return pdf_text(response.data)


def test_with_consent_the_letter_goes_to_the_facility_in_both_scripts_with_its_rules(
    letters_app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    case, appeal, _ = held_at_zanjan(db, caseworker, consent=True)
    text = letter_pdf(client, case, appeal)
    assert "Zanjan-Tehran Road" in text and "Iran" in text
    assert "PO Box 1234" not in text
    # The guidance page after the letter: the facility's rules.
    assert "Before you post this letter" in text
    assert "father's name" in text and "Political slogans" in text
    reader = PdfReader(io.BytesIO(client.get(f"/cases/{case.slug}/letters/{appeal.id}.pdf").data))
    assert "Before you post" in reader.pages[-1].extract_text()
    assert "Before you post" not in reader.pages[0].extract_text()
    # The person's name and the facility's address in the local script come first.
    assert "نرگس محمدی" in text and "زندان مرکزی زنجان" in text
    card = AppealCard(*public_appeal(db, case.slug, appeal.id))
    rules = public_letter_rules(card)
    assert rules is not None and rules.languages == ("fa",)
    # The letter page shows where it goes and what the prison lets through.
    page = client.get(f"/cases/{case.slug}/letters/{appeal.id}").get_data(as_text=True)
    assert "Zanjan-Tehran Road" in page and "زندان مرکزی زنجان" in page
    assert "Before you post: what" in page and "Political slogans" in page
    assert "post it to the address printed on the letter" in page


def test_a_facility_that_refuses_letters_sends_them_to_the_forwarding_address(
    letters_app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    case, appeal, _ = held_at_zanjan(db, caseworker, consent=True, accepts=False)
    text = letter_pdf(client, case, appeal)
    assert "PO Box 1234" in text and "Letters desk" in text
    assert "Zanjan" not in text and "Before you post" not in text
    page = client.get(f"/cases/{case.slug}/letters/{appeal.id}").get_data(as_text=True)
    assert "PO Box 1234" in page and "Zanjan" not in page
    assert "Before you post: what" not in page


def test_a_move_readdresses_the_cached_letter(
    letters_app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    case, appeal, _ = held_at_zanjan(db, caseworker, consent=True)
    assert "Zanjan-Tehran Road" in letter_pdf(client, case, appeal)
    evin = create_facility(
        db, caseworker, {"name": "Evin Prison", "country": "IR", "address_lines": ["Evin, Tehran"]}
    )
    add_placement(db, caseworker, case, evin.id, dt.date(2021, 11, 16))
    db.commit()
    text = letter_pdf(client, case, appeal)
    assert "Evin, Tehran" in text and "Zanjan-Tehran Road" not in text


def test_withdrawn_consent_readdresses_to_the_forwarding_address(
    letters_app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    case, appeal, _ = held_at_zanjan(db, caseworker, consent=True)
    assert "Zanjan-Tehran Road" in letter_pdf(client, case, appeal)
    update_case(db, caseworker, case, {"consent_detention_address": False}, case.version)
    db.commit()
    text = letter_pdf(client, case, appeal)
    assert "PO Box 1234" in text and "Zanjan" not in text


def test_without_consent_the_facility_never_reaches_public_output(
    letters_app: Flask, client: FlaskClient, db: Any, caseworker: User
) -> None:
    """Sentinels in every field of the facility, its placement and hearing: none is public."""
    secret = create_facility(
        db,
        caseworker,
        {
            "name": f"{FACILITY_SENTINEL}-name",
            "name_native": f"{FACILITY_SENTINEL}-native",
            "country": "IR",
            "address_lines": [f"{FACILITY_SENTINEL}-line"],
            "address_lines_native": [f"{FACILITY_SENTINEL}-native-line"],
            "letter_rules": {
                "envelope": [f"{FACILITY_SENTINEL}-envelope"],
                "forbidden": [f"{FACILITY_SENTINEL}-forbidden"],
                "notes": f"{FACILITY_SENTINEL}-notes",
            },
        },
    )
    held = make_case(db, caseworker, "IR-2020-HELD", "Held Person", country="IR")
    freed = make_case(db, caseworker, "IR-2020-FREE", "Freed Person", country="IR")
    for case in (held, freed):
        assert case.consent_detention_address is False
        add_placement(
            db,
            caseworker,
            case,
            secret.id,
            dt.date(2019, 12, 1),
            source_url=f"https://example.org/{FACILITY_SENTINEL}-source",
        )
    add_hearing(db, caseworker, held, dt.date(2020, 3, 3), court=f"{FACILITY_SENTINEL}-court")
    appeal = solidarity(db, caseworker, held)
    change_status(
        db, caseworker, freed, "released", dt.date(2020, 10, 8), release_kind="sentence_served"
    )
    db.commit()

    pages = crawl(
        client,
        [
            "/",
            "/good-news",
            "/feed.atom",
            f"/cases/{held.slug}",
            f"/cases/{freed.slug}",
            f"/cases/{held.slug}/letters/{appeal.id}",
            f"/cases/{held.slug}/letters/{appeal.id}.pdf",
            f"/cases/{held.slug}/feed.atom",
            "/reports/releases/2020",
            "/reports/releases/2020.csv",
            "/reports/releases/2020.pdf",
        ],
    )
    assert "Freed Person" in pages["/reports/releases/2020"].decode()
    token = csrf_token_from(client, f"/cases/{held.slug}/letters/{appeal.id}")
    personalised = client.post(
        f"/cases/{held.slug}/letters/{appeal.id}.pdf",
        data={"csrf_token": token, "name": "A Supporter", "address": "1 Road"},
    ).data
    anonymous = [
        client.get(url).data
        for url in (
            f"/api/v1/cases/{held.id}",
            f"/api/v1/cases/{held.id}/placements",
            f"/api/v1/facilities/{secret.id}",
            "/api/v1/facilities",
            "/api/v1/reports/releases/2020?public=1",
        )
    ]
    plain = pages[f"/cases/{held.slug}/letters/{appeal.id}.pdf"]
    assert plain.startswith(b"%PDF") and "PO Box 1234" in pdf_text(plain)  # forwarded
    for name, body in [*pages.items(), ("personalised", personalised), *enumerate(anonymous)]:
        assert FACILITY_SENTINEL.encode() not in body, name
        if body.startswith(b"%PDF"):
            assert FACILITY_SENTINEL not in pdf_text(body), name
            assert "Before you post" not in pdf_text(body), name
    card = AppealCard(*public_appeal(db, held.slug, appeal.id))
    assert card.case.mail_facility is None and public_letter_rules(card) is None
    assert isinstance(secret, Facility)
