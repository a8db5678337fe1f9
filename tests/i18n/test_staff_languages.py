"""Staff pages, form errors and the account's language in the reader's language."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import csrf_token_from, login_as
from tracker.models import User


def test_form_errors_and_labels_in_spanish(client: FlaskClient, caseworker: User) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/cases/new?lang=es")
    response = client.post("/staff/cases/new", data={"csrf_token": token, "full_name": ""})
    page = response.get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page
    assert "Revisa el formulario" in page  # the error summary
    assert "Nombre completo" in page  # a declared case field's label
    assert "Este campo es obligatorio." in page  # WTForms' own message, in Spanish
    assert "This field is required." not in page and "Please check the form" not in page


def test_flash_on_the_staff_site_in_spanish(client: FlaskClient, caseworker: User) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/cases/new?lang=es")
    response = client.post(
        "/staff/cases/new",
        data={
            "csrf_token": token,
            "full_name": "Wang Quanzhang",
            "reference": "CN-2015-WQZ",
            "country": "CN",
            "category": "lawyer",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Caso CN-2015-WQZ creado." in page
    assert "China" in page and "Abogado/a" in page


def test_dashboard_statuses_in_arabic(client: FlaskClient, caseworker: User) -> None:
    login_as(client, caseworker)
    page = client.get("/staff?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "لوحة المتابعة" in page and "قيد الاحتجاز" in page and "اختفاء قسري" in page
    assert "Dashboard" not in page


def test_account_language_is_saved_and_remembered(
    client: FlaskClient, caseworker: User, db: Any
) -> None:
    login_as(client, caseworker)
    page = client.get("/staff/account/security").get_data(as_text=True)
    assert "The site&#39;s default (English)" in page and ">Français</option>" in page
    token = csrf_token_from(client, "/staff/account/security")
    response = client.post("/staff/account/language", data={"csrf_token": token, "language": "fr"})
    assert response.status_code == 302
    assert response.headers["Set-Cookie"].startswith("lang=fr;")
    db.refresh(caseworker)
    assert caseworker.language == "fr"
    page = client.get("/staff/account/security").get_data(as_text=True)
    assert "Votre langue est enregistrée." in page
    assert '<option selected value="fr">' in page or 'value="fr" selected' in page


def test_account_language_refuses_a_language_we_do_not_ship(
    client: FlaskClient, caseworker: User, db: Any
) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/account/security")
    response = client.post("/staff/account/language", data={"csrf_token": token, "language": "xx"})
    assert response.status_code == 422
    assert "Choose a language we offer." in response.get_data(as_text=True)
    db.refresh(caseworker)
    assert caseworker.language == ""


def test_cli_messages_speak_the_default_language(database_url: str, tmp_path: Any) -> None:
    from tests.conftest import make_app
    from tracker.commands.reminders import reminders

    app = make_app(database_url, str(tmp_path), DEFAULT_LANGUAGE="fr")
    result = app.test_cli_runner().invoke(reminders, ["send", "--dry-run", "--today", "1990-01-01"])
    assert result.exit_code == 0, result.output
    assert "Enverrait 0 récapitulatif(s)." in result.output


def test_audit_log_in_french_shows_what_happened_not_codes(
    client: FlaskClient, db: Any, admin: User, caseworker: User
) -> None:
    from tracker.services.accounts import users

    users.change_role(db, admin, caseworker, "viewer")
    token = users.create_token(db, admin, caseworker, "script")
    users.revoke_token(db, admin, token_id_of(db, caseworker))
    db.commit()
    login_as(client, admin)
    page = client.get("/staff/audit?lang=fr").get_data(as_text=True)
    cells = re.findall(r'<span title="([a-z0-9_.]+)">([^<]*)</span>', page)
    shown = dict(cells)
    assert shown["user.role"] == "Rôle modifié"
    assert shown["token.create"] == "Jeton d&#39;API créé"
    assert shown["token.revoke"] == "Jeton d&#39;API révoqué"
    # The code is kept for administrators (the title), never shown as the label.
    assert all(label != code and "." not in label for code, label in cells)
    assert token not in page


def token_id_of(db: Any, user: User) -> int:
    from sqlalchemy import select

    from tracker.models import ApiToken

    return int(db.execute(select(ApiToken.id).where(ApiToken.user_id == user.id)).scalar_one())


def test_every_audited_action_has_a_label() -> None:
    from pathlib import Path

    from tracker.labels import AUDIT_ACTIONS

    source = "\n".join(
        p.read_text(encoding="utf-8") for p in Path("tracker").rglob("*.py") if p.is_file()
    )
    recorded = set(re.findall(r'audit\.record\(\s*\w+,\s*\w+,\s*"([a-z0-9_.]+)"', source))
    recorded |= set(re.findall(r'^\w+ = "((?:appeal|case|auth|user)\.[a-z_]+)"$', source, re.M))
    assert len(recorded) > 30
    assert recorded <= set(AUDIT_ACTIONS), recorded - set(AUDIT_ACTIONS)


def test_audit_log_in_french_names_case_fields_by_their_labels(
    client: FlaskClient, db: Any, admin: User, caseworker: User
) -> None:
    from tests.pdf.factory import make_case
    from tracker.services.cases.editing import update_case

    case = make_case(db, caseworker, "VN-AUDIT", "Audit Person")
    db.flush()
    update_case(
        db,
        caseworker,
        case,
        {"summary": "A new summary.", "charges": "Article 117", "internal_notes": "secret"},
        case.version,
    )
    db.commit()
    login_as(client, admin)
    page = client.get(f"/staff/audit?lang=fr&case={case.id}").get_data(as_text=True)
    shown = dict(re.findall(r'<span title="([a-z_]+)">([^<]*)</span>', page))
    assert shown["summary"] == "Résumé"
    assert shown["charges"] == "Chefs d&#39;accusation"
    assert shown["internal_notes"] == "Notes internes"
    assert "secret" not in page  # a private field is only "changed"
