"""Issue 11 findings 3-7 (names, dates, files and exports): one regression test per finding,
through every input path it concerns (staff form, API, CSV/JSON import). On PostgreSQL
(TRACKER_TEST_DATABASE_URL) the same tests prove a NUL is a 4xx, never a 500."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from tests.conftest import csrf_token_from, login_as
from tracker.cli import cli
from tracker.domain.case_fields import csv_columns
from tracker.domain.errors import ValidationError
from tracker.domain.text import neutralise_formula, restore_formula
from tracker.models import AuditEvent, Case, StatusChange, User
from tracker.services.accounts.users import create_token
from tracker.services.cases.editing import change_status, create_case, update_case
from tracker.services.cases.transfer import export_to_strings, import_cases

HEADER = ",".join(csv_columns())
EVENTS_HEADER = "reference,status,effective_on,precision,release_kind,public_note,source_url"
PERSON = {"full_name": "Real Name", "country": "VN", "category": "activist"}

# Control characters tried on every path, inside a text: C0 (NUL, vertical tab, ESC), DEL and
# C1. At either end of a text they are white space to str.strip() and simply removed.
CONTROLS = ["\x00", "\x0b", "\x1b", "\x7f", "\x85", "\x9b"]
# Names that show nothing: zero-width and bidi characters, fillers, spaces.
INVISIBLE_NAMES = [
    "\u200b\u200b",
    "\u202e\u202d",
    "\u200b\u202e\u2066",
    "\ufeff",
    "\u3164",
    "\u2060 \u200f",
]


def _publish(db: Any, actor: User, case: Case) -> None:
    update_case(db, actor, case, {"is_public": True, "consent_publicity": True}, case.version)


def _bearer(db: Any, user: User) -> dict[str, str]:
    token = create_token(db, None, user, "tests")
    db.commit()
    return {"Authorization": f"Bearer {token}"}


def _import(runner: Any, *paths: Path) -> Any:
    args = ["cases", "import", str(paths[0])]
    if len(paths) > 1:
        args += ["--events", str(paths[1])]
    return runner.invoke(cli, args)


def _count(db: Any) -> int:
    return db.scalar(select(func.count()).select_from(Case)) or 0


# -- finding 3: slugs ----------------------------------------------------------------------


def test_finding_3_renamed_hidden_case_publishes_under_its_current_name(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = create_case(db, caseworker, {**PERSON, "reference": "VN-1"})
    change_status(db, caseworker, case, "detained", dt.date(2020, 1, 1))
    assert "real" not in case.slug  # hidden: a placeholder that names no one
    update_case(db, caseworker, case, {"full_name": "Pseudonym Person"}, case.version)
    _publish(db, caseworker, case)
    db.commit()
    assert case.slug == "pseudonym-person"
    for url in ("/", "/feed.atom", f"/cases/{case.slug}"):
        page = client.get(url).get_data(as_text=True)
        assert "real-name" not in page and "Real Name" not in page
    # Stable once published: a later rename keeps the public address.
    update_case(db, caseworker, case, {"full_name": "Another Name"}, case.version)
    assert case.slug == "pseudonym-person"


def test_finding_3_slug_collision_reveals_no_hidden_case(db: Any, caseworker: User) -> None:
    hidden = [create_case(db, caseworker, {**PERSON, "reference": f"H-{i}"}) for i in range(3)]
    public = create_case(
        db,
        caseworker,
        {**PERSON, "reference": "P-1", "is_public": True, "consent_publicity": True},
    )
    assert public.slug == "real-name"  # not real-name-4: the hidden namesakes leave no mark
    assert all(h.slug.startswith("_") and "real" not in h.slug for h in hidden)
    # Import: the same rule for bulk-created cases.
    rows = [
        f"I-{i},Real Name,,VN,activist,,,detained,2020-01-01,,,{pub},{pub}"
        for i, pub in enumerate(["false", "true", "false", "true"])
    ]
    import_cases(db, caseworker, io.StringIO("\n".join([HEADER, *rows]) + "\n"))
    query = select(Case.reference, Case.slug).where(Case.reference.like("I-%"))
    slugs = {reference: slug for reference, slug in db.execute(query)}
    assert (slugs["I-1"], slugs["I-3"]) == ("real-name-2", "real-name-3")
    assert slugs["I-0"].startswith("_") and slugs["I-2"].startswith("_")


# -- finding 4: control characters and invisible names -------------------------------------


@pytest.mark.parametrize("char", CONTROLS)
def test_finding_4_control_characters_refused_by_the_staff_form(
    client: FlaskClient, db: Any, caseworker: User, char: str
) -> None:
    db.commit()
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/cases/new")
    data = {**PERSON, "reference": "VN-9", "full_name": f"Na{char}me", "csrf_token": token}
    response = client.post("/staff/cases/new", data=data)
    if char == "\x00":  # refused before any view (tracker/web/nul_guard.py)
        assert response.status_code == 400
    else:
        assert response.status_code == 422
        assert "Control characters" in response.get_data(as_text=True)
    assert _count(db) == 0


@pytest.mark.parametrize(
    "url",
    [
        "/cases/a%00b",
        "/cases/a%00b/letters/1.pdf",
        "/staff/cases?q=a%00b",
        "/staff/cases?status=%00",
        "/staff/audit?case=%00",
        "/reports/releases/?x=%00",
        "/api/v1/cases?q=a%00b",
    ],
)
def test_finding_4_nul_in_an_address_is_a_4xx_never_a_500(
    client: FlaskClient, db: Any, admin: User, url: str
) -> None:
    db.commit()
    login_as(client, admin)
    headers = _bearer(db, admin)
    status = client.get(url, headers=headers).status_code
    assert 400 <= status < 500


@pytest.mark.parametrize("char", CONTROLS)
def test_finding_4_control_characters_refused_by_the_api(
    client: FlaskClient, db: Any, caseworker: User, char: str
) -> None:
    headers = _bearer(db, caseworker)
    body = {**PERSON, "reference": "VN-9", "full_name": f"Na{char}me"}
    response = client.post("/api/v1/cases", json=body, headers=headers)
    assert response.status_code == 422, response.json
    assert "full_name" in response.json["details"]["fields"]
    case = create_case(db, caseworker, {**PERSON, "reference": "VN-1"})
    db.commit()
    change = {"status": "detained", "effective_on": "2020-01-01", "public_note": f"a{char}b"}
    response = client.post(f"/api/v1/cases/{case.id}/status", json=change, headers=headers)
    assert response.status_code == 422, response.json
    assert db.scalar(select(func.count()).select_from(StatusChange)) == 0


@pytest.mark.parametrize("char", CONTROLS)
def test_finding_4_control_characters_refused_by_the_import(
    db: Any, runner: Any, tmp_path: Path, char: str
) -> None:
    path = tmp_path / "cases.csv"
    row = f"VN-1,Na{char}me,,VN,activist,,2020-01-01,detained,,,,true,true"
    path.write_text(f"{HEADER}\n{row}\n", encoding="utf-8")
    result = _import(runner, path)
    assert result.exit_code == 1
    assert re.search(rf"{re.escape(str(path))}:2: ", result.stderr)
    assert "Traceback" not in result.output
    document = tmp_path / "cases.json"
    item = {**PERSON, "reference": "VN-1", "status": "detained", "status_on": "2020-01-01"}
    item["summary"] = f"te{char}xt"
    document.write_text(json.dumps({"cases": [item]}), encoding="utf-8")
    result = _import(runner, document)
    assert result.exit_code == 1 and f"{document}:1: " in result.stderr
    assert _count(db) == 0


@pytest.mark.parametrize("name", INVISIBLE_NAMES)
def test_finding_4_invisible_names_refused_on_every_path(
    client: FlaskClient, db: Any, caseworker: User, runner: Any, tmp_path: Path, name: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        create_case(db, caseworker, {**PERSON, "reference": "VN-1", "full_name": name})
    assert "visible letters" in refused.value.field_errors["full_name"]
    headers = _bearer(db, caseworker)
    body = {**PERSON, "reference": "VN-1", "full_name": name}
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 422
    path = tmp_path / "cases.csv"
    path.write_text(f"{HEADER}\nVN-1,{name},,VN,activist,,,detained,2020-01-01,,,,\n", "utf-8")
    result = _import(runner, path)
    assert result.exit_code == 1 and "visible letters" in result.stderr
    assert _count(db) == 0


def test_finding_4_multi_line_fields_keep_newlines_and_tabs(db: Any, caseworker: User) -> None:
    case = create_case(
        db,
        caseworker,
        {
            **PERSON,
            "reference": "VN-1",
            "summary": "one\r\ntwo\tcolumns",
            "full_name": "نرگس\u200f",
        },
    )
    assert case.summary == "one\ntwo\tcolumns"
    assert case.full_name == "نرگس\u200f"  # a right-to-left mark inside a real name stays
    with pytest.raises(ValidationError):
        create_case(db, caseworker, {**PERSON, "reference": "VN-2", "full_name": "a\tb"})


def test_finding_4_feed_stays_well_formed_xml(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = create_case(
        db,
        caseworker,
        {**PERSON, "reference": "VN-1", "is_public": True, "consent_publicity": True},
    )
    change_status(db, caseworker, case, "detained", dt.date(2020, 1, 1), public_note="ok")
    for char in CONTROLS:
        with pytest.raises(ValidationError):
            change_status(
                db, caseworker, case, "released", dt.date(2021, 1, 1),
                release_kind="pardon", public_note=f"fr{char}ee",
            )  # fmt: skip
    db.commit()
    feed = client.get("/feed.atom").get_data()
    ElementTree.fromstring(feed)  # noqa: S314 - our own feed; raises on a control character


# -- finding 5: future dates ---------------------------------------------------------------


def test_finding_5_future_dates_refused_on_every_path(
    client: FlaskClient, db: Any, caseworker: User, runner: Any, tmp_path: Path
) -> None:
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    for fields in (
        {"arrested_on": "2999-01-01"},
        {"consent_publicity_on": future},
        {"consent_photo_on": "9999-12-31"},
    ):
        with pytest.raises(ValidationError):
            create_case(db, caseworker, {**PERSON, "reference": "VN-1", **fields})
    headers = _bearer(db, caseworker)
    body = {**PERSON, "reference": "VN-1", "arrested_on": "9999-12-31"}
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 422
    case = create_case(db, caseworker, {**PERSON, "reference": "VN-2"})
    db.commit()
    change = {"status": "released", "effective_on": "2032-01-01", "release_kind": "pardon"}
    response = client.post(f"/api/v1/cases/{case.id}/status", json=change, headers=headers)
    assert response.status_code == 422
    login_as(client, caseworker)
    token = csrf_token_from(client, f"/staff/cases/{case.id}/status")
    form = {"status": "detained", "effective_on": future, "precision": "day", "csrf_token": token}
    assert client.post(f"/staff/cases/{case.id}/status", data=form).status_code == 422
    cases = tmp_path / "cases.csv"
    cases.write_text(f"{HEADER}\nVN-3,A,,VN,activist,,2999-01-01,detained,,,,,\n", "utf-8")
    result = _import(runner, cases)
    assert result.exit_code == 1 and "arrested_on: 2999-01-01 is in the future" in result.stderr
    cases.write_text(f"{HEADER}\nVN-3,A,,VN,activist,,,,,,,,\n", "utf-8")
    events = tmp_path / "events.csv"
    events.write_text(f"{EVENTS_HEADER}\nVN-3,released,2032-05-01,day,pardon,,\n", "utf-8")
    result = _import(runner, cases, events)
    assert result.exit_code == 1 and "effective_on: 2032-05-01 is in the future" in result.stderr
    assert db.scalar(select(func.count()).select_from(StatusChange)) == 0


def test_finding_5_reports_index_never_lists_a_future_year(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = create_case(
        db,
        caseworker,
        {**PERSON, "reference": "VN-1", "is_public": True, "consent_publicity": True},
    )
    change_status(db, caseworker, case, "detained", dt.date(2020, 1, 1))
    # A record from before the rule (or written around it): released in a future year.
    db.execute(
        text(
            "INSERT INTO status_changes (case_id, from_status, to_status, effective_on, sort_on, "
            "precision, is_correction, release_kind, recorded_at, note, public_note, source_url)"
            " VALUES (:id, 'detained', 'released', :on, :on, 'day', false, 'pardon', :at, '', '',"
            " '')"
        ),
        {"id": case.id, "on": dt.date(2032, 6, 1), "at": dt.datetime(2020, 1, 2)},
    )
    db.commit()
    page = client.get("/reports/releases/").get_data(as_text=True)
    assert "2020" in page
    assert not [y for y in range(dt.date.today().year + 1, 2040) if str(y) in page]


# -- finding 6: formulas in the CSV export -------------------------------------------------

FORMULAS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "'=already", "''+x"]


def test_finding_6_export_neutralises_formulas_and_imports_back_unchanged(
    db: Any, caseworker: User, tmp_path: Path
) -> None:
    for i, formula in enumerate(FORMULAS):
        create_case(
            db,
            caseworker,
            {**PERSON, "reference": f"F-{i}", "full_name": f"Name {i}", "profession": formula,
             "summary": formula, "arrested_on": "2020-01-01"},
        )  # fmt: skip
    cases_text, events_text = export_to_strings(db, "csv")
    for row in csv.DictReader(io.StringIO(cases_text)):
        for cell in (row["profession"], row["summary"]):
            assert cell[:1] not in ("=", "+", "-", "@"), cell
    before = {r: p for r, p in db.execute(select(Case.reference, Case.profession))}
    result = import_cases(db, caseworker, io.StringIO(cases_text), io.StringIO(events_text or ""))
    assert (result.created, result.updated, result.unchanged) == (0, 0, len(FORMULAS))
    assert {r: p for r, p in db.execute(select(Case.reference, Case.profession))} == before
    for value in [*FORMULAS, "plain", "'quoted", ""]:
        assert restore_formula(neutralise_formula(value)) == value


# -- finding 7: non-UTF-8 files and references by letter case ------------------------------

ROW = "VN-1,Nguyễn Văn A,,VN,activist,,2020-01-01,detained,,,,,"
BAD_FILES = {
    "latin-1": (f"{HEADER}\n{ROW}\n".encode("latin-1", "replace").replace(b"?", b"\xe9"), 2),
    "utf-16 with a byte-order mark": (f"{HEADER}\n{ROW}\n".encode("utf-16"), 1),
    "utf-16 without one": (f"{HEADER}\n{ROW}\n".encode("utf-16-le"), 1),
    "binary": (bytes(range(256)) * 4, 1),
    "lone surrogate": (f"{HEADER}\n".encode() + b"VN-1,A\xed\xa0\x80,,VN,activist,,,,,,,,\n", 2),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_finding_7_non_utf8_imports_end_in_file_line_message(
    db: Any, runner: Any, tmp_path: Path, kind: str
) -> None:
    data, line = BAD_FILES[kind]
    path = tmp_path / "cases.csv"
    path.write_bytes(data)
    result = _import(runner, path)
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert re.search(rf"^{re.escape(str(path))}:{line}: .*(UTF|NUL)", result.stderr, re.M)
    assert _count(db) == 0


def test_finding_7_lone_surrogate_in_json_is_refused(db: Any, runner: Any, tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text(
        '{"cases": [{"reference": "VN-1", "full_name": "A\\ud800", "country": "VN",'
        ' "category": "activist", "status": "detained", "status_on": "2020-01-01"}]}',
        encoding="utf-8",
    )
    result = _import(runner, path)
    assert result.exit_code == 1 and f"{path}:1: full_name: Not valid Unicode" in result.stderr
    assert _count(db) == 0


def test_finding_7_references_differing_by_case_are_one_case(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    first = f"{HEADER}\nIMP-1,A,,VN,activist,,2020-01-01,detained,,,,,\n"
    import_cases(db, caseworker, io.StringIO(first))
    result = import_cases(
        db, caseworker, io.StringIO(f"{HEADER}\nimp-1,B,,VN,activist,,2020-01-01,detained,,,,,\n")
    )
    assert (result.created, result.updated) == (0, 1)
    assert db.scalar(select(Case.full_name).where(Case.reference == "IMP-1")) == "B"
    both = f"{HEADER}\nX-1,A,,VN,activist,,,detained,2020-01-01,,,,\nx-1,A,,VN,activist,,,,,,,,\n"
    with pytest.raises(Exception, match="problem"):
        import_cases(db, caseworker, io.StringIO(both))
    with pytest.raises(ValidationError):
        create_case(db, caseworker, {**PERSON, "reference": "Imp-1"})
    db.commit()
    headers = _bearer(db, caseworker)
    body = {**PERSON, "reference": "imp-1"}
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 409
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/cases/new")
    response = client.post("/staff/cases/new", data={**body, "csrf_token": token})
    assert response.status_code == 422 and "in use" in response.get_data(as_text=True)
    assert _count(db) == 1


def test_finding_7_database_refuses_a_second_reference_by_case(db: Any, caseworker: User) -> None:
    create_case(db, caseworker, {**PERSON, "reference": "IMP-1"})
    db.flush()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(
            text(
                "INSERT INTO cases (reference, slug, full_name, name_native, country, "
                "category, profession, place_of_detention, charges, sentence, summary, "
                "internal_notes, health_notes, family_contacts, lawyer_contact, "
                "detention_address, consent_detention_address, is_public, "
                "consent_publicity, consent_photo, status, status_since_precision, version,"
                " created_at, updated_at) VALUES ('imp-1', '_x', 'A', '', 'VN', 'activist',"
                " '', '', '', '', '', '', '', '', '', '', false, false, false, false, "
                "'detained', 'day', 1, :now, :now)"
            ),
            {"now": dt.datetime(2020, 1, 1)},
        )


# -- import audit trail (issue 10 item 7) and field changes before -> after -----------------


def test_imported_changes_appear_in_each_cases_audit_trail(db: Any, caseworker: User) -> None:
    first = f"{HEADER}\nVN-1,A,,VN,activist,,2020-01-01,detained,,,Old,false,false\n"
    import_cases(db, caseworker, io.StringIO(first))
    case = db.scalar(select(Case).where(Case.reference == "VN-1"))
    created = db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == case.id, AuditEvent.action == "case.create"
        )
    )
    assert created is not None and created.user_id == caseworker.id
    assert created.detail["changes"]["summary"] == [None, "Old"]
    version = case.version
    again = f"{HEADER}\nVN-1,A,,VN,lawyer,,2020-01-01,released,2021-01-01,pardon,New,false,false\n"
    import_cases(db, caseworker, io.StringIO(again))
    db.expire_all()
    from tracker.services.cases.editing import changed_fields_since

    assert changed_fields_since(db, case, version) == ["category", "status", "summary"]
    updated = db.scalar(
        select(AuditEvent).where(
            AuditEvent.entity_id == case.id, AuditEvent.action == "case.update"
        )
    )
    assert updated.detail["changes"] == {
        "category": ["activist", "lawyer"],
        "summary": ["Old", "New"],
    }
    assert (updated.detail["from_status"], updated.detail["to_status"]) == ("detained", "released")


def test_field_changes_are_audited_before_after_and_private_only_as_changed(
    client: FlaskClient, db: Any, admin: User, caseworker: User
) -> None:
    case = create_case(db, caseworker, {**PERSON, "reference": "VN-1", "profession": "Poet"})
    update_case(
        db,
        caseworker,
        case,
        {"profession": "Lawyer", "health_notes": "SENTINEL-HEALTH", "arrested_on": "2020-01-02"},
        case.version,
    )
    db.commit()
    event = db.scalar(select(AuditEvent).where(AuditEvent.action == "case.update"))
    assert event.detail["changes"] == {
        "profession": ["Poet", "Lawyer"],
        "health_notes": "changed",
        "arrested_on": [None, "2020-01-02"],
    }
    login_as(client, admin)
    page = client.get("/staff/audit?case=VN-1").get_data(as_text=True)
    # The arrow is drawn for the eye (mirrored right to left) and read out as "to".
    assert re.search(r"Poet <span[^>]*>→</span><span[^>]*>to</span> Lawyer", page), page
    assert '<span title="health_notes">Health and risk notes</span>: changed (private)' in page
    assert "SENTINEL-HEALTH" not in page
