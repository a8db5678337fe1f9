"""Staff letter pages: addressees, campaigns and appeals through their forms, preview and PDFs."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from markupsafe import escape
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.conftest import csrf_token_from, login_as
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import Addressee, Appeal, Campaign, Case, User
from tracker.services.letters import counters
from tracker.services.letters.editing import create_campaign, update_appeal


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def post_form(client: FlaskClient, url: str, data: dict[str, Any]) -> Any:
    token = csrf_token_from(client, url)
    return client.post(url, data={"csrf_token": token, **data})


@pytest.fixture
def editor(client: FlaskClient, caseworker: User) -> FlaskClient:
    login_as(client, caseworker)
    return client


@pytest.fixture
def letters(db: Any, caseworker: User) -> dict[str, Any]:
    """A public case with an active appeal in a campaign, an addressee and a copy."""
    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2020"})
    addressee = make_addressee(db, caseworker)
    copy = make_addressee(db, caseworker, name="Vo Van Thuong", position="President")
    case = make_case(db, caseworker, "VN-2017-TTN", "Tran Thi Nga")
    appeal = make_appeal(db, caseworker, case, addressee, campaign=campaign.slug)
    db.commit()
    return {
        "campaign": campaign,
        "addressee": addressee,
        "copy": copy,
        "case": case,
        "appeal": appeal,
    }


def appeal_data(addressee: Addressee, **fields: Any) -> dict[str, Any]:
    return {
        "kind": "appeal",
        "language": "en",
        "addressee_id": str(addressee.id),
        "subject": "Free {{ case.name }}",
        "body": "{{ addressee.salutation }},\n\nI write about {{ case.name }}.",
        "asks": "Release her now\nLet her see her family",
        "deadline": "",
        "status": "draft",
        "campaign": "",
        **fields,
    }


def test_create_and_edit_an_addressee_changes_every_letter(
    editor: FlaskClient, db: Any, letters: dict[str, Any]
) -> None:
    response = post_form(
        editor,
        "/staff/addressees/new",
        {
            "honorific": "H.E.",
            "name": "To Lam",
            "position": "President",
            "institution": "Office of the President",
            "address_lines": "2 Hung Vuong\nBa Dinh, Hanoi",
            "country": "VN",
            "email": "",
            "salutation": "Dear President",
            "language": "en",
        },
    )
    assert response.status_code == 302
    created = db.scalar(select(Addressee).where(Addressee.name == "To Lam"))
    assert created.address_lines == ["2 Hung Vuong", "Ba Dinh, Hanoi"]
    assert "To Lam" in editor.get("/staff/addressees").text

    addressee = letters["addressee"]
    url = f"/staff/addressees/{addressee.id}/edit"
    page = editor.get(url).text
    assert "Used by 1 appeal" in page
    response = post_form(
        editor,
        url,
        {
            "honorific": "H.E.",
            "name": "Nguyen Hai Ninh",
            "position": "Minister of Justice",
            "institution": "Ministry of Justice",
            "address_lines": "58-60 Tran Phu\nBa Dinh, Hanoi",
            "country": "VN",
            "salutation": "Dear Minister Ninh",
            "language": "en",
            "version": str(addressee.version),
        },
    )
    assert response.status_code == 302
    # The appeal's letter uses the corrected addressee at once.
    preview = editor.get(f"/staff/appeals/{letters['appeal'].id}").text
    assert "Nguyen Hai Ninh" in preview and "Dear Minister Ninh" in preview
    assert "Le Thanh Long" not in preview


def test_addressee_form_errors_are_shown_beside_the_field(editor: FlaskClient, db: Any) -> None:
    response = post_form(
        editor,
        "/staff/addressees/new",
        {"name": "Someone", "country": "VN", "email": "not-an-email", "language": "en"},
    )
    assert response.status_code == 422
    assert re.search(r'id="email-error"[^>]*>.*Not an email address', response.text)
    assert 'value="Someone"' in response.text


def test_create_and_edit_a_campaign(editor: FlaskClient, db: Any) -> None:
    response = post_form(
        editor,
        "/staff/campaigns/new",
        {"name": "Write for Rights 2021", "slug": "", "letter_target": "5000"},
    )
    assert response.status_code == 302
    campaign = db.scalar(select(Campaign).where(Campaign.slug == "write-for-rights-2021"))
    assert campaign.letter_target == 5000
    assert "Write for Rights 2021" in editor.get("/staff/campaigns").text

    url = f"/staff/campaigns/{campaign.id}/edit"
    response = post_form(
        editor,
        url,
        {
            "name": "Write for Rights 2021",
            "slug": "w4r-2021",
            "starts_on": "2021-12-01",
            "ends_on": "2021-11-01",
            "letter_target": "6000",
        },
    )
    assert response.status_code == 422
    assert "The end comes before the start." in response.text
    response = post_form(
        editor,
        url,
        {"name": "Write for Rights 2021", "slug": "w4r-2021", "letter_target": "6000"},
    )
    assert response.status_code == 302
    db.refresh(campaign)
    assert (campaign.slug, campaign.letter_target) == ("w4r-2021", 6000)


def test_create_and_edit_an_appeal_through_the_form(
    editor: FlaskClient, db: Any, letters: dict[str, Any]
) -> None:
    case, addressee, copy = letters["case"], letters["addressee"], letters["copy"]
    url = f"/staff/cases/{case.id}/appeals/new"
    page = editor.get(url).text
    offered = page.split('id="placeholders-heading"', 1)[1]
    for placeholder in ("case.name", "case.detained_since", "case.time_detained", "today"):
        assert "{{ " + placeholder + " }}" in offered  # the list is documented beside the body
    # The salutation and closing are printed by the letter: the editor says so and never
    # offers the salutation as something to type.
    assert "{{ addressee.salutation }}" not in offered
    assert "What the letter adds itself" in page and "the closing and signature after it" in page
    data = appeal_data(addressee, copies_to=[str(copy.id)], campaign=letters["campaign"].slug)
    response = post_form(editor, url, data)
    assert response.status_code == 302
    appeal = db.scalar(select(Appeal).where(Appeal.subject == "Free {{ case.name }}"))
    assert appeal.asks == ["Release her now", "Let her see her family"]
    assert [a.id for a in appeal.copies_to] == [copy.id]
    assert appeal.campaign_id == letters["campaign"].id
    assert appeal.version == 1

    edit = f"/staff/appeals/{appeal.id}/edit"
    response = post_form(
        editor,
        edit,
        appeal_data(
            addressee,
            copies_to=[str(copy.id)],
            campaign=letters["campaign"].slug,
            status="active",
            deadline="2030-01-31",
            asks="Release her now",
            version="1",
        ),
    )
    assert response.status_code == 302
    db.refresh(appeal)
    assert appeal.status == "active" and appeal.deadline == dt.date(2030, 1, 31)
    assert appeal.asks == ["Release her now"]
    assert appeal.version == 2
    # The case page lists it.
    case_page = editor.get(f"/staff/cases/{case.id}").text
    assert "Free {{ case.name }}" in case_page


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Dear {{ case.nmae }}", "nmae"),
        ("Dear {{ case.name ", "line 1"),
        ("{{ secrets }}", "Unknown placeholder &#39;secrets&#39;"),
        ("{{ case.__class__ }}", "Unknown placeholder"),
        ("{% for x in case %}{% endfor %}", "Loops are not allowed"),
    ],
)
def test_template_error_is_shown_beside_the_body_with_input_kept(
    editor: FlaskClient, db: Any, letters: dict[str, Any], body: str, message: str
) -> None:
    url = f"/staff/appeals/{letters['appeal'].id}/edit"
    data = appeal_data(letters["addressee"], body=body, version=str(letters["appeal"].version))
    response = post_form(editor, url, data)
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="body-error">(.*?)</p>', response.text, re.DOTALL)
    assert error and message in error.group(1), response.text[:2000]
    # The typed text stays in the textarea (escaped), ready to fix.
    textarea = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', response.text, re.S)
    assert textarea and str(escape(body)) in textarea.group(1)
    assert "Free {{ case.name }}" in response.text  # the subject input is kept too
    db.refresh(letters["appeal"])
    assert letters["appeal"].body != body


@pytest.mark.parametrize(
    ("body", "french", "english"),
    [
        ("{{ secrets }}", "Champ de fusion inconnu « secrets ».", "Unknown placeholder"),
        (
            "{% for x in case %}{% endfor %}",
            "Les boucles ne sont pas autorisées (ligne 1).",
            "Loops are not allowed",
        ),
        ("Dear {{ case.name ", "Erreur de syntaxe dans le modèle :", "Template syntax error"),
        (
            "{{ case.name|pprint }}",
            "Le filtre « pprint » n&#39;est pas autorisé (ligne 1).",
            "filter",
        ),
    ],
)
def test_template_error_is_worded_in_the_editors_french(
    editor: FlaskClient, letters: dict[str, Any], body: str, french: str, english: str
) -> None:
    url = f"/staff/appeals/{letters['appeal'].id}/edit?lang=fr"
    data = appeal_data(letters["addressee"], body=body, version=str(letters["appeal"].version))
    response = post_form(editor, url, data)
    assert response.status_code == 422
    error = re.search(r'<p class="error" id="body-error">(.*?)</p>', response.text, re.DOTALL)
    assert error and french in error.group(1), error and error.group(1)
    assert english not in error.group(1)


def test_template_error_on_preview_is_shown_beside_the_subject(
    editor: FlaskClient, letters: dict[str, Any]
) -> None:
    url = f"/staff/cases/{letters['case'].id}/appeals/new"
    data = appeal_data(letters["addressee"], subject="Free {{ case.nam }}", action="preview")
    response = post_form(editor, url, data)
    assert response.status_code == 422
    assert re.search(r'id="subject-error">.*nam', response.text, re.S)


def test_stale_edit_is_refused_showing_what_changed(
    editor: FlaskClient, db: Any, letters: dict[str, Any], admin: User
) -> None:
    appeal = letters["appeal"]
    url = f"/staff/appeals/{appeal.id}/edit"
    opened_version = appeal.version
    # Someone else saves a new subject after the form was opened.
    update_appeal(db, admin, appeal, {"subject": "Someone else's subject"}, opened_version)
    db.commit()
    data = appeal_data(letters["addressee"], body="My own body text", version=str(opened_version))
    response = post_form(editor, url, data)
    assert response.status_code == 409
    warning = re.search(r'id="stale-warning">(.*?)</div>', response.text, re.S)
    assert warning and "Subject" in warning.group(1)
    assert "Someone else&#39;s subject" in warning.group(1)
    assert "My own body text" in response.text  # input kept
    db.refresh(appeal)
    assert appeal.subject == "Someone else's subject" and appeal.body != "My own body text"
    # Saving again from the shown form knowingly replaces the newer version.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', response.text)
    assert new_version and int(new_version.group(1)) == appeal.version


def test_preview_shows_the_rendered_placeholders(
    editor: FlaskClient, db: Any, letters: dict[str, Any]
) -> None:
    appeal = letters["appeal"]
    page = editor.get(f"/staff/appeals/{appeal.id}/edit").text
    # Values are bidi-isolated (FSI ... PDI), which a reader never sees.
    preview = page.split('class="letter-preview"', 1)[1].translate({0x2068: None, 0x2069: None})
    assert "Dear Minister, I am writing about Tran Thi Nga" in preview
    assert "January 2017" in preview  # {{ case.detained_since }}
    assert "{{" not in preview
    # A preview of unsaved text renders it without saving.
    url = f"/staff/appeals/{appeal.id}/edit"
    data = appeal_data(
        letters["addressee"],
        body="Hello {{ case.name }} from {{ case.country }}",
        version=str(appeal.version),
        action="preview",
    )
    response = post_form(editor, url, data)
    assert response.status_code == 200
    preview = response.text.split('class="letter-preview"', 1)[1]
    preview = preview.translate({0x2068: None, 0x2069: None})
    assert "Hello Tran Thi Nga from Vietnam" in preview
    assert "Preview of your unsaved text" in response.text
    db.refresh(appeal)
    assert "Hello" not in appeal.body


def test_staff_can_render_a_closed_appeals_pdf(
    client: FlaskClient, db: Any, letters: dict[str, Any], viewer: User, caseworker: User
) -> None:
    appeal = letters["appeal"]
    update_appeal(db, caseworker, appeal, {"status": "closed"}, appeal.version)
    db.commit()
    case = db.get(Case, appeal.case_id)
    # The public PDF is gone ...
    assert client.get(f"/cases/{case.slug}/letters/{appeal.id}.pdf").status_code == 410
    # ... but staff (viewers too) still render it.
    login_as(client, viewer)
    response = client.get(f"/staff/appeals/{appeal.id}/letter.pdf?paper=letter")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Release Tran Thi Nga" in text
    assert "Le Thanh Long" in text and "Dear Minister" in text
    assert "Release her immediately and unconditionally" in text


def test_counters_are_shown_on_the_case_and_campaign_pages(
    editor: FlaskClient, db: Any, letters: dict[str, Any]
) -> None:
    appeal, today = letters["appeal"], dt.date.today()
    counters.add_counts(db, appeal.id, today, downloads=7, sent=3)
    counters.add_counts(db, appeal.id, today - dt.timedelta(days=2), downloads=2)
    db.commit()
    for url in (
        f"/staff/cases/{letters['case'].id}",
        f"/staff/campaigns/{letters['campaign'].id}",
        f"/staff/appeals/{appeal.id}",
    ):
        page = editor.get(url).text
        assert "9 downloads" in page and "3 letters sent" in page, url
        assert page.count('class="bar-downloads"') == 2, url
        assert page.count('class="bar-sent"') == 1, url
        assert f"{today.strftime('%d %b')}: 7 downloads" in page, url
        assert "style=" not in page and "<script>" not in page


def test_viewer_reads_but_does_not_see_edit_links(
    client: FlaskClient, letters: dict[str, Any], viewer: User
) -> None:
    login_as(client, viewer)
    page = client.get(f"/staff/cases/{letters['case'].id}").text
    assert "Release {{ case.name }}" in page
    assert "New appeal" not in page and "/edit" not in page.split("appeals-heading", 1)[1]
    assert client.get(f"/staff/appeals/{letters['appeal'].id}/edit").status_code == 403


def test_staff_appeal_heading_shows_the_subject_filled_in(
    editor: FlaskClient, letters: dict[str, Any]
) -> None:
    page = editor.get(f"/staff/appeals/{letters['appeal'].id}").text
    heading = re.search(r"<h1>(.*?)</h1>", page, re.DOTALL)
    assert heading and heading.group(1).strip() == "Release Tran Thi Nga"
    assert "{{ case.name }}" not in page


def test_letter_language_babel_cannot_parse_is_refused_in_the_form(
    editor: FlaskClient, db: Any, letters: dict[str, Any]
) -> None:
    case = letters["case"]
    before = db.scalar(select(func.count()).select_from(Appeal))
    response = post_form(
        editor,
        f"/staff/cases/{case.id}/appeals/new",
        appeal_data(letters["addressee"], language="xx"),
    )
    assert response.status_code == 422
    assert "&#39;xx&#39; is not a language Babel knows" in response.text
    assert db.scalar(select(func.count()).select_from(Appeal)) == before
