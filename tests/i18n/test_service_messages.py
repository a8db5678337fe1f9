"""Messages the services raise (refused status moves, past deadlines, field checks, photos) are
shown in the reader's language on the staff site, while the API keeps its English."""

from __future__ import annotations

import datetime as dt
import io
import json
import pickle
from typing import Any

from flask.testing import FlaskClient

from tests.conftest import csrf_token_from, login_as
from tests.pdf.factory import make_addressee, make_case
from tracker.domain.errors import InvalidTransition
from tracker.domain.messages import M_, Message
from tracker.domain.transitions import ProposedChange, check_change
from tracker.domain.vocabulary import Status
from tracker.models import Case, User
from tracker.services.accounts.users import create_token
from tracker.services.cases.editing import change_status

YESTERDAY = dt.date.today() - dt.timedelta(days=1)


def _died_in_custody(db: Any, caseworker: User) -> Case:
    case = make_case(db, caseworker, "VN-I18N-1", "Message Person")
    change_status(db, caseworker, case, "died_in_custody", dt.date(2020, 3, 1))
    db.commit()
    return case


def test_a_refused_status_move_is_worded_in_french(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = _died_in_custody(db, caseworker)
    db.commit()
    login_as(client, caseworker)
    url = f"/staff/cases/{case.id}/status"
    # The form was opened in another tab before the death was recorded: it still offers release.
    data = {
        "csrf_token": csrf_token_from(client, url + "?lang=fr"),
        "status": "released",
        "release_kind": "pardon",
        "effective_on": "2021-01-01",
        "precision": "day",
    }
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<html lang="fr"' in page
    assert (
        "Un dossier au statut « Décès en détention » ne peut pas passer au statut « Libération »."
        in page.replace("&#34;", '"')
    )
    assert "cannot become" not in page
    db.refresh(case)
    assert case.status == "died_in_custody"


def test_a_date_before_the_latest_change_is_refused_in_arabic(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "VN-I18N-2", "Date Person")
    change_status(db, caseworker, case, "sentenced", dt.date(2021, 6, 15))
    db.commit()
    login_as(client, caseworker)
    url = f"/staff/cases/{case.id}/status"
    data = {
        "csrf_token": csrf_token_from(client, url + "?lang=ar"),
        "status": "on_trial",
        "effective_on": "2021-06-01",
        "precision": "day",
    }
    page = client.post(url, data=data).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "أو وضع علامة على أنه تصحيح" in page  # beside the date field
    assert "or mark a correction" not in page


def test_a_past_deadline_is_refused_in_french(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "VN-I18N-3", "Deadline Person")
    addressee = make_addressee(db, caseworker)
    db.commit()
    login_as(client, caseworker)
    url = f"/staff/cases/{case.id}/appeals/new"
    client.get(url + "?lang=fr")  # the cookie remembers French
    data = {
        "csrf_token": csrf_token_from(client, url),
        "kind": "appeal",
        "language": "en",
        "addressee_id": str(addressee.id),
        "subject": "Release {{ case.name }}",
        "body": "Please release {{ case.name }}.",
        "asks": "Release",
        "status": "active",
        "deadline": "2020-05-01",
    }
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "La date limite d&#39;action (1 mai 2020) est passée" in page
    assert "has passed" not in page


def test_a_photo_that_is_no_image_is_refused_in_spanish(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "VN-I18N-4", "Photo Person")
    db.commit()
    login_as(client, caseworker)
    token = csrf_token_from(client, f"/staff/cases/{case.id}/edit?lang=es")
    response = client.post(
        f"/staff/cases/{case.id}/photo",
        data={"csrf_token": token, "photo": (io.BytesIO(b"not a picture"), "a.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Este archivo no es una imagen legible (JPEG, PNG, WebP o GIF)." in page


def test_the_api_keeps_english_whatever_the_reader_asks(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = _died_in_custody(db, caseworker)
    token = create_token(db, caseworker, caseworker, "test")
    db.commit()
    response = client.post(
        f"/api/v1/cases/{case.id}/status",
        json={"status": "released", "effective_on": "2021-01-01", "release_kind": "pardon"},
        headers={"Authorization": f"Bearer {token}", "Accept-Language": "fr"},
    )
    assert response.status_code == 422
    body = response.get_json()
    assert body["error"] == "A case that is died_in_custody cannot become released."
    assert body["details"]["allowed"] == ["closed"]


def test_a_message_reads_as_english_and_keeps_its_words() -> None:
    try:
        check_change(Status.RELEASED, None, ProposedChange(Status.RELEASED, dt.date(2020, 1, 1)))
    except InvalidTransition as refused:
        message = refused.message
    assert message == "The case is already released."
    assert isinstance(message, Message) and isinstance(str(message), Message)
    assert message.msgid == "The case is already %(status)s."
    saved = pickle.dumps(M_("%(day)s is in the future.", day=dt.date(2030, 1, 2)))
    again = pickle.loads(saved)  # noqa: S301 - our own bytes (a job argument travels so)
    assert again == "2030-01-02 is in the future." and again.params["day"] == dt.date(2030, 1, 2)


def test_a_message_kept_as_data_is_worded_again_later(app: Any) -> None:

    from tracker.domain.messages import M_, Mn_, message_data, message_from_data

    inner = M_("At most %(limit)s characters.", limit=4000)
    outer = M_("The event pack cannot be printed: %(reason)s", reason=inner)
    data = message_data(outer)
    assert data is not None and message_data("plain text") is None
    again = message_from_data(json.loads(json.dumps(data)))
    assert again == outer and again.params["reason"] == inner
    dated = message_from_data(
        json.loads(json.dumps(message_data(M_("x %(day)s", day=dt.date(2024, 5, 1)))))
    )
    assert dated.params["day"] == dt.date(2024, 5, 1)
    counted = Mn_("%(num)s letter", "%(num)s letters", 3)
    assert message_from_data(json.loads(json.dumps(message_data(counted)))) == "3 letters"
    with app.test_request_context("/?lang=fr"):
        from tracker.labels import translate

        assert translate(again) == (
            "Le dossier ne peut pas être imprimé : Au plus 4\u202f000 caractères."
        )
