"""The supporter site in the reader's language; the API and CSV keep the contract's tokens."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from flask.testing import FlaskClient

from tests.public.conftest import World
from tracker.services.accounts.users import create_token
from tracker.services.cases.editing import change_status


def test_case_page_in_french_names_country_status_and_category(
    client: FlaskClient, world: World
) -> None:
    page = client.get(
        f"/cases/{world.public.slug}", headers={"Accept-Language": "fr-FR,fr;q=0.9"}
    ).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in page
    assert "Viêt Nam" in page  # VN by CLDR's French name
    assert "En détention depuis janvier 2017" in page  # status, then a month-precision date
    assert "Défenseur·e de l&#39;environnement" in page
    assert "Chronologie" in page and "Écrire une lettre" in page
    for english in ("Vietnam", "Detained", "Timeline", "Environmental defender"):
        assert english not in page, english


def test_case_page_in_arabic_is_right_to_left_and_arabic(client: FlaskClient, world: World) -> None:
    page = client.get(f"/cases/{world.public.slug}?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "فيتنام" in page and "قيد الاحتجاز" in page and "يناير 2017" in page
    assert "Detained" not in page and "Vietnam" not in page


def test_home_in_spanish_with_days_in_detention(client: FlaskClient, world: World) -> None:
    page = client.get("/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Escribe por su libertad" in page
    assert "días de detención" in page
    assert "Todos los países" in page and "Vietnam" in page


def test_flash_message_in_spanish(client: FlaskClient, world: World) -> None:
    url = f"/cases/{world.public.slug}/letters/{world.appeal.id}"
    page = client.get(url + "?lang=es").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    posted = page.split('name="token" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        url + "/sent", data={"csrf_token": token, "token": posted}, follow_redirects=True
    )
    text = response.get_data(as_text=True)
    assert "Gracias por enviar tu carta. Cada carta cuenta." in text
    assert "Thank you for posting" not in text


def test_api_keeps_english_tokens_whatever_the_language(
    client: FlaskClient, world: World, db: Any, admin: Any
) -> None:
    token = create_token(db, None, admin, "tests")
    db.commit()
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "ar"}
    client.set_cookie("lang", "fr")
    body = client.get(f"/api/v1/cases/{world.public.id}", headers=headers).get_json()
    assert body["status"] == "detained"
    assert body["country"] == "VN"
    assert body["category"] == "environmental_defender"


def test_report_csv_keeps_english_tokens(
    client: FlaskClient, world: World, db: Any, caseworker: Any
) -> None:
    change_status(
        db, caseworker, world.public, "released", dt.date(2020, 6, 1), release_kind="pardon"
    )
    db.commit()
    response = client.get("/reports/releases/2020.csv?lang=fr", headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    row = next(r for r in rows if r.get("reference") == "VN-2017-TTN" or "Nga" in str(r))
    values = set(row.values())
    assert "pardon" in values and "VN" in values
    assert not {"Grâce", "Viêt Nam", "Libération"} & values
