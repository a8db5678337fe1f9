"""Staff pages, form errors and the account's language in the reader's language."""

from __future__ import annotations

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
