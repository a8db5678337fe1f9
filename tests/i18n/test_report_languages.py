"""The public yearly report in the reader's language: the page, and its PDF, cached per language."""

from __future__ import annotations

from typing import Any

from flask import g
from flask.testing import FlaskClient

from tests.reports.conftest import real_people  # noqa: F401 - the fixture
from tests.reports.test_report_outputs import pdf_text
from tracker.models import Case


def words(html: str) -> str:
    return " ".join(html.split()).replace("&#39;", "'")


def test_the_report_page_in_french(
    client: FlaskClient,
    real_people: list[Case],  # noqa: F811
) -> None:
    page = words(client.get("/reports/releases/2020?lang=fr").get_data(as_text=True))
    assert '<html lang="fr" dir="ltr">' in page
    assert "Victoires pour les droits humains en 2020" in page
    assert "2020 en chiffres" in page and "Détenus au 31 décembre 2020" in page
    assert "De nouveau arrêté·e en novembre 2021" in page  # Narges Mohammadi
    assert "Libération le" in page and "Iran" in page
    assert "Comment nous comptons" in page and "Une personne est comptée comme libérée" in page
    assert "Chaque année, Tracker Human Rights revient sur les personnes" in page
    for english in ("Arrested again", "in figures", "How we count", "Released on", "nobody"):
        assert english not in page


def test_the_report_page_in_arabic_reads_right_to_left(
    client: FlaskClient,
    real_people: list[Case],  # noqa: F811
) -> None:
    page = words(client.get("/reports/releases/2020?lang=ar").get_data(as_text=True))
    assert '<html lang="ar" dir="rtl">' in page
    assert "انتصارات حقوق الإنسان في عام 2020" in page
    assert "أُعيد اعتقاله في نوفمبر 2021" in page
    assert "أُفرج عن: 2 شخصان" not in page  # the dual is a word of its own
    assert "كيف نحتسب" in page and "إيران" in page
    assert "Human rights victories" not in page and "Arrested again" not in page


def test_the_pdf_follows_the_page_language_and_is_cached_per_language(
    client: FlaskClient,
    app: Any,
    real_people: list[Case],  # noqa: F811
) -> None:
    french = client.get("/reports/releases/2020.pdf?lang=fr")
    # The test's app context outlives each request: forget the language it chose, as a new
    # request of a server does.
    g.pop("_language", None)
    english = client.get("/reports/releases/2020.pdf?lang=en")
    g.pop("_language", None)
    assert french.status_code == english.status_code == 200
    assert french.headers["ETag"] != english.headers["ETag"]
    text = pdf_text(french.data)
    assert "Victoires pour les droits humains en 2020" in text
    assert "De nouveau arrêté·e en novembre 2021" in text
    assert "Human rights victories of 2020" in pdf_text(english.data)
    again = client.get("/reports/releases/2020.pdf?lang=fr")
    assert again.headers["ETag"] == french.headers["ETag"]
