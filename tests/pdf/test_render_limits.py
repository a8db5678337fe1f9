"""Findings 1 and 2 of issue 11: a letter can neither blow up memory nor tie up a worker."""

from __future__ import annotations

import datetime as dt
import logging
import time
import tracemalloc
from typing import Any

import pytest
from sqlalchemy import update

from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.domain.case_fields import case_fields
from tracker.domain.errors import ValidationError
from tracker.domain.placeholders import (
    MAX_OUTPUT_CHARS,
    PLACEHOLDER_MAX_CHARS,
    PlaceholderError,
    build_context,
    check_letter_text,
    render_letter_text,
)
from tracker.models import Case, User
from tracker.pdf import RenderRefused, render_pdf
from tracker.services.letters.compose import MAX_LETTER_PAGES, LetterError
from tracker.services.letters.editing import update_appeal
from tracker.services.letters.render import render_letter
from tracker.services.publishing import queries as public_service
from tracker.services.publishing.objects import AppealCard

TODAY = dt.date(2024, 5, 1)
LONG_NAME = "Nguyen " * 25 + "Van A"  # 180 characters, as in the finding

# Templates whose output grows by a factor at each step: each must be refused before it builds
# more than a few times MAX_OUTPUT_CHARS.
GROWTH_PAYLOADS = [
    "{{ case.name|join(case.name)|join(case.name)|join(case.name) }}",
    "{{ case.name|join(case.name)|join(case.name)|join(case.name)|join(case.name) }}",
    "{{ case.charges|join(case.charges)|join(case.charges) }}",
    "{{ case.name|join(case.name)|upper|join(case.name) }}",
    "{{ case.name|join(case.name|join(case.name)) }}",
    "{{ [case.name, case.name]|join(case.name|join(case.name)|join(case.name)) }}",
    "{{ (case.name ~ case.name)|join(case.name ~ case.name)|join(case.name) }}",
    " ~ ".join(["case.charges"] * 40).join(["{{ ", " }}"]),
    "{{ ("
    + " ~ ".join(["case.charges"] * 10)
    + ")|join("
    + " ~ ".join(["case.charges"] * 10)
    + ") }}",
    "{{ case.charges ~ case.charges ~ case.charges }}" * 200,
    "{{ case.name|join(case.name) }}" * 300,
    "{{ case.name|title|join(case.name)|lower|join(case.sentence) }}",
]


def _context(**case: Any) -> dict[str, Any]:
    values = {"name": LONG_NAME, "charges": "c" * 2000, "sentence": "s" * 1000, **case}
    return build_context(
        case=values, addressee=None, today=TODAY, format_date=lambda d: d.isoformat()
    )


@pytest.mark.parametrize("payload", GROWTH_PAYLOADS)
def test_finding_1_memory_bomb_output_is_counted_as_it_is_produced(payload: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(PlaceholderError, match="longer than"):
            render_letter_text(payload, _context())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The finding: 2.1 GB. Now a few copies of the 40,000-character limit at most.
    assert peak < 20 * 2**20, f"{peak / 2**20:.1f} MB allocated"


@pytest.mark.parametrize("payload", GROWTH_PAYLOADS)
def test_finding_1_memory_bomb_is_refused_at_save_with_the_longest_values(
    payload: str, db: Any, caseworker: User
) -> None:
    # The case itself has a short name: the check assumes the longest a name may be.
    case = make_case(db, caseworker, "VN-BOMB", "Short Name")
    addressee = make_addressee(db, caseworker)
    started = time.monotonic()
    with pytest.raises(ValidationError) as err:
        make_appeal(db, caseworker, case, addressee, status="draft", body=payload)
    assert "longer than" in err.value.field_errors["body"]
    assert time.monotonic() - started < 5.0


def test_finding_1_a_template_fine_with_x_but_too_big_with_long_names_is_refused() -> None:
    # Filled with "x" (the old check) this is 40,000 characters less than the limit...
    body = "{{ case.name|join(case.name) }} " * 3
    small = _context(name="x")
    assert len(render_letter_text(body, small)) < 100
    # ...but with the 200-character names the field allows, it is 3 x 40,000.
    with pytest.raises(PlaceholderError, match="longer than"):
        check_letter_text(body, TODAY)


def test_finding_1_ordinary_letters_still_fill_in() -> None:
    body = (
        "{{ addressee.salutation }}, I write about {{ case.name }} ({{ case.name_native }}), "
        "{{ case.profession }}, held at {{ case.place_of_detention }} since "
        "{{ case.detained_since }} on charges of {{ case.charges }}; sentence: "
        "{{ case.sentence }}. {{ case.name|upper }} must be freed. {{ today }}"
    )
    check_letter_text(body, TODAY)
    assert LONG_NAME in render_letter_text(body, _context())


def test_finding_1_placeholder_bounds_are_the_field_limits() -> None:
    MAX_LENGTHS = {f.name: f.max_length for f in case_fields()}
    assert PLACEHOLDER_MAX_CHARS["case.name"] >= MAX_LENGTHS["full_name"]
    assert PLACEHOLDER_MAX_CHARS["case.name_native"] >= MAX_LENGTHS["name_native"]
    assert PLACEHOLDER_MAX_CHARS["case.profession"] >= MAX_LENGTHS["profession"]
    assert PLACEHOLDER_MAX_CHARS["case.place_of_detention"] >= MAX_LENGTHS["place_of_detention"]
    assert PLACEHOLDER_MAX_CHARS["case.charges"] >= MAX_LENGTHS["charges"]
    assert PLACEHOLDER_MAX_CHARS["case.sentence"] >= MAX_LENGTHS["sentence"]
    assert MAX_OUTPUT_CHARS == 40_000


def _card(db: Any, case: Case, appeal_id: int) -> AppealCard:
    person, appeal = public_service.public_appeal(db, case.slug, appeal_id)
    return AppealCard(person, appeal)


def test_finding_2_render_dos_ten_thousand_lines_is_refused_when_activated(
    db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "VN-DOS", "Dos Person")
    addressee = make_addressee(db, caseworker)
    body = "x\n" * 10_000
    # A draft is never served: it may be saved while being written.
    appeal = make_appeal(db, caseworker, case, addressee, status="draft", body=body)
    started = time.monotonic()
    with pytest.raises(ValidationError) as err:
        update_appeal(db, caseworker, appeal, {"status": "active"}, appeal.version)
    assert "cannot be printed" in err.value.field_errors["body"]
    assert time.monotonic() - started < 5.0
    with pytest.raises(ValidationError):
        make_appeal(db, caseworker, case, addressee, status="active", body=body)


def test_finding_2_charges_over_thousands_of_paragraphs_cannot_reach_a_letter(
    db: Any, caseworker: User, client: Any
) -> None:
    charges = "\n\n".join(["Article 88"] * 13_333)
    with pytest.raises(ValidationError) as err:
        make_case(db, caseworker, "VN-CHG", "Charged Person", charges=charges)
    assert "charges" in err.value.field_errors
    # A record saved before the limit existed: its letter is refused before any layout.
    case = make_case(db, caseworker, "VN-OLD", "Older Record", charges="Article 88")
    addressee = make_addressee(db, caseworker)
    appeal = make_appeal(
        db, caseworker, case, addressee, body="Charges: {{ case.charges }}", status="active"
    )
    db.execute(update(Case).where(Case.id == case.id).values(charges=charges))
    db.flush()
    card = _card(db, case, appeal.id)
    started = time.monotonic()
    with pytest.raises(LetterError, match="too long"):
        render_letter(card, paper="a4", today=TODAY, organisation="Org")
    assert time.monotonic() - started < 1.0
    response = client.get(f"/cases/{case.slug}/letters/{appeal.id}.pdf")
    assert response.status_code == 422


def test_finding_2_a_letter_too_long_for_the_pages_is_refused_at_save_not_download(
    db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "VN-LONG", "Long Letter")
    addressee = make_addressee(db, caseworker)
    # 150 paragraphs of prose: within the line estimate's reach, but over four pages.
    body = "\n\n".join(["I respectfully urge you to release this person today."] * 150)
    with pytest.raises(ValidationError) as err:
        make_appeal(db, caseworker, case, addressee, status="active", body=body)
    assert f"at most {MAX_LETTER_PAGES}" in err.value.field_errors["body"]
    # Twenty paragraphs print on one or two pages: accepted.
    make_appeal(
        db, caseworker, case, addressee, status="active", body="\n\n".join([body[:60]] * 20)
    )


class _Pages(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.pages: list[int] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.msg == "Step 5 - Creating layout - Page %d" and isinstance(record.args, tuple):
            self.pages.append(int(record.args[0]))


def test_finding_2_layout_stops_at_the_first_page_over_the_limit() -> None:
    html = "<html><body>" + "<p>line</p>" * 2_000 + "</body></html>"
    seen = _Pages()
    progress = logging.getLogger("weasyprint.progress")
    progress.addHandler(seen)
    try:
        with pytest.raises(RenderRefused, match="more than 4 pages"):
            render_pdf(html, max_pages=4)
    finally:
        progress.removeHandler(seen)
    # The finding laid out 210-431 pages before answering; now the fifth page is the last
    # (2,000 paragraphs would be about 40 pages).
    assert max(seen.pages) == 5


class _SlowName:
    """A value that takes its time to become text: by waiting, or by computing."""

    def __init__(self, *, compute: bool) -> None:
        self.compute = compute

    def __str__(self) -> str:
        began = time.thread_time() if self.compute else time.monotonic()
        if self.compute:
            while time.thread_time() - began < 0.6:
                pass
        else:
            time.sleep(0.6)  # a busy machine, or a niced pack process waiting for the CPU
        return "Tran Thi Nga"


def test_finding_1_the_fill_in_time_limit_counts_cpu_not_waiting() -> None:
    # A pack's layout processes run niced on a busy machine: waiting for the CPU must not fail
    # a letter (and with it a whole pack job), while a letter that computes too long still is.
    source = "Free {{ case.name ~ ' ' ~ case.name }} now."
    waited = render_letter_text(source, {"case": {"name": _SlowName(compute=False)}})
    assert str(waited) == "Free Tran Thi Nga Tran Thi Nga now."
    with pytest.raises(PlaceholderError, match="took too long"):
        render_letter_text(source, {"case": {"name": _SlowName(compute=True)}})
