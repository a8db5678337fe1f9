"""Staff forms and custody pages under ?lang=fr: labels, choices and kinds in French."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import login_as
from tracker.models import Case, Facility, User
from tracker.services.cases.editing import create_case
from tracker.services.custody.facilities import create_facility
from tracker.services.custody.letter_reports import add_letter_report
from tracker.services.custody.placements import add_hearing, add_placement


@pytest.fixture
def held(db: Any, caseworker: User) -> tuple[Case, Facility]:
    """A person held in a labour camp, with a trial soon and returned letters recorded."""
    camp = create_facility(
        db,
        caseworker,
        {
            "name": "Xinjiang Camp No. 3",
            "kind": "labour_camp",
            "country": "CN",
            "address_lines": ["Camp No. 3", "Urumqi"],
            "accepts_letters": True,
        },
    )
    case = create_case(
        db,
        caseworker,
        {
            "reference": "CN-2019-IT",
            "full_name": "Ilham Tohti",
            "country": "CN",
            "category": "writer_artist",
            "arrested_on": dt.date(2014, 1, 15),
        },
    )
    today = dt.date.today()
    add_placement(db, caseworker, case, camp.id, dt.date(2014, 9, 23))
    add_hearing(db, caseworker, case, today + dt.timedelta(days=5), kind="trial", court="Urumqi")
    add_letter_report(db, caseworker, case, "returned", today, count=3)
    db.commit()
    return case, camp


def _page(client: FlaskClient, url: str) -> str:
    response = client.get(url + "?lang=fr")
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _check(page: str, french: list[str], english: list[str]) -> None:
    missing = [words for words in french if words not in page]
    left = [words for words in english if words in page]
    assert not missing, f"French missing: {missing}"
    assert not left, f"English left: {left}"


def test_letter_forms_in_french(client: FlaskClient, caseworker: User, held: Any) -> None:
    case, _camp = held
    login_as(client, caseworker)
    _check(
        _page(client, "/staff/addressees/new"),
        ["Titre honorifique", "Fonction", "Adresse postale", "Choisir un pays"],
        ["Honorific", "Position", "Postal address", "Choose a country", "Salutation"],
    )
    _check(
        _page(client, "/staff/campaigns/new"),
        ["Commence le", "Se termine le", "Identifiant (dans les adresses web)"],
        ["Starts on", "Ends on", "Slug (in web addresses)", "Letter target"],
    )
    _check(
        _page(client, f"/staff/cases/{case.id}/appeals/new"),
        [
            "Langue (code BCP 47)",
            "Copies à",
            "Appel (à une autorité)",
            "Solidarité (à la personne ou à sa famille)",
            "Aucun destinataire",
            "Brouillon (absent du site public)",
            "Corps du texte",
            "Nom de la personne (alphabet latin)",  # what a placeholder holds
            "est imprimée avant votre texte",  # what the letter adds itself
        ],
        [
            "Language (BCP 47 tag)",
            "Copies to",
            "Appeal (to an official)",
            "No addressee",
            "Draft",
            "The person&#39;s name",
            "is printed before your text",
        ],
    )


def test_custody_forms_in_french(client: FlaskClient, caseworker: User, held: Any) -> None:
    case, _camp = held
    login_as(client, caseworker)
    _check(
        _page(client, "/staff/facilities/new"),
        [
            "Nom (alphabet latin)",
            "Langues que la censure laisse passer",
            "Détention provisoire",
            "Camp de travail",
            "Accepte les lettres",
        ],
        [
            "Name (Latin script)",
            "Pretrial detention",
            "Labour camp",
            "Accepts letters",
            "Notes for",
        ],
    )
    _check(
        _page(client, f"/staff/cases/{case.id}/placements/new"),
        ["Choisir un lieu de détention", "Transféré·e le", "Note publique"],
        ["Choose a facility", "Moved there on", "Public note"],
    )
    _check(
        _page(client, f"/staff/cases/{case.id}/hearings/new"),
        ["Procès", "Audience en appel", "Verdict", "Tribunal"],
        [">Trial<", "Appeal hearing", ">Court<", ">Hearing<"],
    )
    _check(
        _page(client, f"/staff/cases/{case.id}/letter-reports/new"),
        ["Ce qui s", "Une réponse est arrivée", "Nombre de lettres", "Distribuées (confirmé"],
        ["What happened", "Returned to sender", "A reply came", "How many letters"],
    )


def test_case_and_custody_pages_say_kinds_in_french(
    client: FlaskClient, caseworker: User, held: Any
) -> None:
    case, camp = held
    login_as(client, caseworker)
    _check(
        _page(client, f"/staff/cases/{case.id}"),
        ["Procès", "Renvoyées"],
        [">Trial<", ": Trial", ">Returned<"],
    )
    _check(
        _page(client, f"/staff/facilities/{camp.id}"),
        ["Camp de travail", "Accepte les lettres."],
        ["Labour camp", "Accepts letters."],
    )
    _check(
        _page(client, "/staff/facilities"),
        ["Camp de travail", "Acceptées"],
        ["Labour camp", "Accepted"],
    )
    _check(_page(client, "/staff"), ["Procès"], ["(trial", ">trial", "Trial"])


def test_custody_form_errors_in_french(client: FlaskClient, caseworker: User, held: Any) -> None:
    case, _camp = held
    login_as(client, caseworker)
    url = f"/staff/cases/{case.id}/hearings/new?lang=fr"
    page = client.get(url).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post(url, data={"csrf_token": token, "kind": "trial"})
    errors = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Ce champ est" in errors and "This field is required." not in errors


def test_sign_in_request_in_french(client: FlaskClient) -> None:
    page = client.get("/staff?lang=fr", follow_redirects=True).get_data(as_text=True)
    assert "Veuillez vous connecter pour voir cette page." in page
    assert "Please sign in to see that page." not in page
