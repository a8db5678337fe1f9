"""Case pages: list and search, create, edit with stale-edit refusal, status changes."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from tests.conftest import csrf_token_from, login_as
from tracker.models import Case, User
from tracker.services.cases.editing import change_status, create_case, update_case

NEW_CASE = {
    "reference": "IR-2021-007",
    "full_name": "Narges Mohammadi",
    "name_native": "نرگس محمدی",
    "country": "IR",
    "category": "human_rights_defender",
    "summary": "Vice-president of the Defenders of Human Rights Centre.",
    "arrested_on": "2021-11-16",
    "internal_notes": "SENTINEL-PRIVATE-NOTE",
}


def form_values(html: str) -> dict[str, str]:
    """The value attributes of the text inputs on a page, by name."""
    return dict(re.findall(r'<input[^>]*?name="([^"]+)"[^>]*?value="([^"]*)"', html))


def test_create_case_from_the_form(client: FlaskClient, db: Any, caseworker: User) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/cases/new")
    response = client.post("/staff/cases/new", data={**NEW_CASE, "csrf_token": token})
    assert response.status_code == 302
    case = db.scalar(select(Case).where(Case.reference == "IR-2021-007"))
    assert case is not None and case.name_native == "نرگس محمدی"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Narges Mohammadi" in page and "16 November 2021" in page
    assert "SENTINEL-PRIVATE-NOTE" in page and "private-tag" in page


def test_form_with_an_error_keeps_the_input_and_shows_the_error_beside_the_field(
    client: FlaskClient, db: Any, caseworker: User, case: Case
) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/cases/new")
    # The reference is taken by the `case` fixture; everything else is fine.
    data = {**NEW_CASE, "reference": case.reference, "csrf_token": token}
    response = client.post("/staff/cases/new", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = re.search(r'id="reference-field".*?</div>', html, re.S)
    assert field and "This reference is in use." in field.group(0)
    values = form_values(html)
    assert values["full_name"] == "Narges Mohammadi"
    assert values["name_native"] == "نرگس محمدی"
    assert values["arrested_on"] == "2021-11-16"
    assert "SENTINEL-PRIVATE-NOTE" in html  # the textarea keeps it too
    assert re.search(r'<option selected value="IR">|<option value="IR" selected', html)
    assert db.scalar(select(Case).where(Case.full_name == "Narges Mohammadi")) is None


def test_bad_date_keeps_what_was_typed(client: FlaskClient, caseworker: User) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, "/staff/cases/new")
    response = client.post(
        "/staff/cases/new", data={**NEW_CASE, "arrested_on": "16/11/2021", "csrf_token": token}
    )
    assert response.status_code == 422
    assert form_values(response.get_data(as_text=True))["arrested_on"] == "16/11/2021"


def test_stale_edit_is_refused_with_what_changed(
    client: FlaskClient, db: Any, caseworker: User, admin: User, case: Case
) -> None:
    login_as(client, caseworker)
    edit_page = client.get(f"/staff/cases/{case.id}/edit").get_data(as_text=True)
    opened = form_values(edit_page)
    assert opened["version"] == str(case.version)
    # Someone else saves while the form is open.
    update_case(db, admin, case, {"summary": "Their newer summary."}, case.version)
    change_status(db, admin, case, "released", dt.date(2020, 8, 1), release_kind="sentence_served")
    db.commit()
    mine = {**opened, "summary": "My edit of the summary.", "profession": "Blogger"}
    mine.update(country="VN", category="human_rights_defender")
    response = client.post(f"/staff/cases/{case.id}/edit", data=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Someone else saved this case" in html
    warning = re.search(r'id="stale-warning".*?</div>', html, re.S)
    assert warning and "Summary" in warning.group(0) and "Status" in warning.group(0)
    assert "Their newer summary." in warning.group(0)
    assert "My edit of the summary." in html  # the typed input stays
    db.refresh(case)
    assert case.summary == "Their newer summary."
    assert case.profession == ""
    # Saving again, having seen the message, knowingly replaces the newer text.
    again = form_values(html)
    assert again["version"] == str(case.version)
    response = client.post(
        f"/staff/cases/{case.id}/edit", data={**mine, "version": again["version"]}
    )
    assert response.status_code == 302
    db.refresh(case)
    assert case.summary == "My edit of the summary." and case.profession == "Blogger"


def test_status_form_offers_only_allowed_moves(
    client: FlaskClient, db: Any, caseworker: User, case: Case
) -> None:
    login_as(client, caseworker)

    def offered() -> set[str]:
        html = client.get(f"/staff/cases/{case.id}/status").get_data(as_text=True)
        select_html = re.search(r'<select[^>]*name="status".*?</select>', html, re.S)
        assert select_html
        return set(re.findall(r'value="([a-z_]+)"', select_html.group(0)))

    assert offered() == {
        "detained",
        "disappeared",
        "charged",
        "on_trial",
        "restricted",
        "released",
        "died_in_custody",
        "closed",
    }  # everything but the current "sentenced"
    change_status(db, caseworker, case, "died_in_custody", dt.date(2018, 1, 1))
    db.commit()
    assert offered() == {"closed"}
    change_status(db, caseworker, case, "closed", dt.date(2018, 2, 1))
    db.commit()
    assert offered() == {"detained", "disappeared", "charged", "on_trial", "sentenced"}


def test_refused_status_move_is_not_recorded(
    client: FlaskClient, db: Any, caseworker: User, case: Case
) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, f"/staff/cases/{case.id}/status")
    data = {
        "csrf_token": token,
        "status": "sentenced",
        "effective_on": "2019-01-01",
        "precision": "day",
    }
    response = client.post(f"/staff/cases/{case.id}/status", data=data)
    assert response.status_code == 422
    released = {**data, "status": "released", "release_kind": ""}
    html = client.post(f"/staff/cases/{case.id}/status", data=released).get_data(as_text=True)
    assert "Choose how the person was freed." in html
    db.refresh(case)
    assert case.status == "sentenced" and len(case.history) == 2


def test_record_status_change_and_see_the_timeline(
    client: FlaskClient, db: Any, caseworker: User, case: Case
) -> None:
    login_as(client, caseworker)
    token = csrf_token_from(client, f"/staff/cases/{case.id}/status")
    response = client.post(
        f"/staff/cases/{case.id}/status",
        data={
            "csrf_token": token,
            "status": "released",
            "release_kind": "early_release",
            "effective_on": "2020-10-08",
            "precision": "month",
            "note": "From the family.",
            "public_note": "Released early and exiled.",
            "source_url": "https://example.org/news",
        },
    )
    assert response.status_code == 302
    html = client.get(f"/staff/cases/{case.id}").get_data(as_text=True)
    assert "October 2020" in html and "8 October 2020" not in html
    assert "July 2017" in html  # the earlier change, known to the month
    assert "January 2017" in html or "21 January 2017" in html
    assert "Early release" in html and "From the family." in html
    assert "https://example.org/news" in html
    assert "Recorded by Caseworker" in html


def test_case_list_searches_names_in_both_scripts_reference_and_summary(
    client: FlaskClient, db: Any, viewer: User, caseworker: User, case: Case
) -> None:
    create_case(db, caseworker, {**NEW_CASE, "arrested_on": None})
    create_case(
        db,
        caseworker,
        {
            "reference": "CN-2015-709",
            "full_name": "Wang Quanzhang",
            "name_native": "王全璋",
            "country": "CN",
            "category": "lawyer",
            "summary": "Lawyer detained in the 709 crackdown.",
        },
    )
    db.commit()
    login_as(client, viewer)

    def names(**query: str) -> set[str]:
        html = client.get("/staff/cases", query_string=query).get_data(as_text=True)
        return set(re.findall(r'<a href="/staff/cases/\d+">([^<]+)</a>', html))

    assert names(q="nga") == {"Tran Thi Nga"}
    assert names(q="Trần") == {"Tran Thi Nga"}
    assert names(q="نرگس") == {"Narges Mohammadi"}
    assert names(q="王全璋") == {"Wang Quanzhang"}
    assert names(q="CN-2015-709") == {"Wang Quanzhang"}
    assert names(q="crackdown") == {"Wang Quanzhang"}
    assert names(q="defenders centre") == {"Narges Mohammadi"}
    # Search syntax typed by a person is taken as words, never as a query language.
    assert client.get("/staff/cases", query_string={"q": '" OR * NEAR( -'}).status_code == 200
    assert names(q="Wang OR Nga") == set()
    assert names(status="sentenced") == {"Tran Thi Nga"}
    assert names(country="CN") == {"Wang Quanzhang"}
    assert names(category="lawyer") == {"Wang Quanzhang"}
    assert names(public="yes") == set()
    assert names(assigned="none", sort="name") == {
        "Tran Thi Nga",
        "Narges Mohammadi",
        "Wang Quanzhang",
    }


def test_case_list_state_is_in_the_query_string(
    client: FlaskClient, db: Any, viewer: User, caseworker: User
) -> None:
    for i in range(30):
        create_case(
            db,
            caseworker,
            {
                "reference": f"VN-{i:03}",
                "full_name": f"Person {i}",
                "country": "VN",
                "category": "activist",
            },
        )
    db.commit()
    login_as(client, viewer)
    html = client.get("/staff/cases?country=VN&sort=name").get_data(as_text=True)
    assert "30 cases" in html
    link = re.search(r'href="(/staff/cases\?[^"]*page=2[^"]*)"', html)
    assert link
    url = link.group(1).replace("&amp;", "&")
    assert "country=VN" in url and "sort=name" in url
    page_two = client.get(url).get_data(as_text=True)
    assert "Page 2 of 2" in page_two
    assert len(re.findall(r'<a href="/staff/cases/\d+">', page_two)) == 5


def test_dashboard_counts_attention_and_latest(
    client: FlaskClient, db: Any, viewer: User, caseworker: User, case: Case
) -> None:
    old = create_case(
        db,
        caseworker,
        {
            "reference": "OLD-1",
            "full_name": "Long Unchanged",
            "country": "VN",
            "category": "writer_artist",
        },
    )
    old.updated_at = dt.datetime.now(dt.UTC) - dt.timedelta(days=120)
    create_case(
        db,
        caseworker,
        {"reference": "ARR-1", "full_name": "Arrest Only", "country": "VN", "category": "student"},
    )
    db.commit()
    login_as(client, viewer)
    html = client.get("/staff").get_data(as_text=True)
    attention = re.search(r'id="attention-heading".*?</section>', html, re.S)
    assert attention and "Long Unchanged" in attention.group(0)
    assert "Tran Thi Nga" not in attention.group(0)
    latest = re.search(r'id="latest-heading".*?</section>', html, re.S)
    assert latest and "Tran Thi Nga" in latest.group(0) and "by Caseworker" in latest.group(0)


def test_users_page_creates_user_and_shows_token_once(
    client: FlaskClient, db: Any, admin: User
) -> None:
    login_as(client, admin)
    token = csrf_token_from(client, "/staff/users")
    response = client.post(
        "/staff/users",
        data={
            "csrf_token": token,
            "email": "new@example.org",
            "name": "New",
            "role": "caseworker",
            "password": "short",
        },
    )
    assert response.status_code == 422 and "new@example.org" in response.get_data(as_text=True)
    response = client.post(
        "/staff/users",
        data={
            "csrf_token": token,
            "email": "new@example.org",
            "name": "New",
            "role": "caseworker",
            "password": "a-long-enough-passphrase",
        },
    )
    assert response.status_code == 302
    user_url = response.headers["Location"]
    user_id = int(user_url.rsplit("/", 1)[1])
    response = client.post(f"{user_url}/tokens", data={"csrf_token": token, "name": "import"})
    assert response.status_code == 201
    shown = re.search(r'value="(trk_[^"]+)"', response.get_data(as_text=True))
    assert shown
    assert shown.group(1) not in client.get(user_url).get_data(as_text=True)
    response = client.post(f"{user_url}/role", data={"csrf_token": token, "role": "viewer"})
    assert response.status_code == 302
    assert db.get(User, user_id).role == "viewer"
    # The last admin keeps the role.
    response = client.post(
        f"/staff/users/{admin.id}/role", data={"csrf_token": token, "role": "viewer"}
    )
    assert response.status_code == 422 and db.get(User, admin.id).role == "admin"


def test_audit_log_filters_by_user_and_case(
    client: FlaskClient, db: Any, admin: User, caseworker: User, case: Case
) -> None:
    login_as(client, admin)
    html = client.get(f"/staff/audit?case={case.reference}").get_data(as_text=True)
    assert "case.create" in html and "case.status" in html and "user.create" not in html
    html = client.get(f"/staff/audit?user={caseworker.id}").get_data(as_text=True)
    assert "case.create" in html
    html = client.get(f"/staff/audit?user={admin.id}").get_data(as_text=True)
    assert "case.create" not in html
