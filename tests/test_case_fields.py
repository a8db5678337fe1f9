"""Each case field is declared once: a field added to the declaration (in a fixture) shows up in
the staff form, the API schemas, the CSV header and the service's checks with no other change."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from tracker.api.schemas.cases import case_schemas
from tracker.domain import case_fields as declaration
from tracker.domain.case_fields import CaseField, Kind, Privacy, case_fields, csv_columns
from tracker.domain.errors import ValidationError
from tracker.services.cases.fields import clean_case_fields
from tracker.web.forms import case_form_class

# DESIGN.md section 4, as written there: the declaration must give exactly this header.
DESIGN_HEADER = (
    "reference,full_name,name_native,country,category,profession,arrested_on,status,"
    "status_on,release_kind,summary,is_public,consent_publicity"
)
BIRTH_PLACE = CaseField("birth_place", Kind.LINE, "Place of birth", max_length=120, csv=True)
SECRET = CaseField("informant", Kind.TEXT, "Informant", privacy=Privacy.PRIVATE)


@pytest.fixture
def added_fields(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The declaration with a public CSV field and a private field added."""
    monkeypatch.setattr(declaration, "CASE_FIELDS", (*declaration.CASE_FIELDS, BIRTH_PLACE, SECRET))
    yield


def test_csv_header_is_the_one_in_the_design() -> None:
    assert ",".join(csv_columns()) == DESIGN_HEADER


def test_private_fields_are_the_declared_ones() -> None:
    from tracker.models import PRIVATE_CASE_FIELDS

    assert PRIVATE_CASE_FIELDS == (
        "internal_notes",
        "health_notes",
        "family_contacts",
        "lawyer_contact",
        "detention_address",
        "birth_date",
        "birth_date_precision",
    )


def test_an_added_field_reaches_form_schema_csv_and_checks(added_fields: None, app: Flask) -> None:
    assert csv_columns()[-1] == "birth_place"
    assert ",".join(csv_columns()[:-1]) == DESIGN_HEADER
    assert "informant" in declaration.private_field_names()

    with app.test_request_context():
        form = case_form_class(case_fields())(meta={"csrf": False})
        assert form.birth_place.label.text == "Place of birth"
        assert [getattr(v, "max", None) for v in form.birth_place.validators] == [120]
        assert form.informant.label.text == "Informant"

    edit, create, shown = case_schemas(case_fields())
    assert edit().load({"birth_place": "Hanoi"}) == {"birth_place": "Hanoi"}
    errors: dict[str, Any] = edit().validate({"birth_place": "x" * 121})
    assert "birth_place" in errors
    assert {"birth_place", "informant"} <= set(shown().fields)
    assert "birth_place" in create().fields

    assert clean_case_fields({"birth_place": " Hanoi "}, partial=True) == {"birth_place": "Hanoi"}
    with pytest.raises(ValidationError):
        clean_case_fields({"birth_place": "x" * 121}, partial=True)
