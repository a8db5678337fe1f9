"""The transition table of DESIGN.md, checked for every ordered pair of statuses."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.domain.errors import InvalidTransition, ValidationError
from tracker.domain.transitions import ProposedChange, allowed_next, check_change, is_allowed
from tracker.domain.vocabulary import HELD_STATUSES, ReleaseKind, Status

# DESIGN.md section 2, written out by hand: row = the current status, column = the next one;
# "x" allowed, "." refused. Same status refused; died_in_custody only to closed; closed back to
# a held status only; released and restricted back to any held status; every other move allowed.
TABLE = """
                  det dis cha tri sen res rel die clo
detained           .   x   x   x   x   x   x   x   x
disappeared        x   .   x   x   x   x   x   x   x
charged            x   x   .   x   x   x   x   x   x
on_trial           x   x   x   .   x   x   x   x   x
sentenced          x   x   x   x   .   x   x   x   x
restricted         x   x   x   x   x   .   x   x   x
released           x   x   x   x   x   x   .   x   x
died_in_custody    .   .   .   .   .   .   .   .   x
closed             x   x   x   x   x   .   .   .   .
"""
ORDER = [
    Status.DETAINED,
    Status.DISAPPEARED,
    Status.CHARGED,
    Status.ON_TRIAL,
    Status.SENTENCED,
    Status.RESTRICTED,
    Status.RELEASED,
    Status.DIED_IN_CUSTODY,
    Status.CLOSED,
]


def _table() -> dict[tuple[Status, Status], bool]:
    rows = [line.split() for line in TABLE.strip().splitlines()[1:]]
    assert [row[0] for row in rows] == [s.value for s in ORDER]
    return {
        (current, target): mark == "x"
        for current, row in zip(ORDER, rows, strict=True)
        for target, mark in zip(ORDER, row[1:], strict=True)
    }


def test_the_table_names_every_status_once() -> None:
    assert sorted(ORDER) == sorted(Status)
    assert len(_table()) == 81


def test_every_ordered_pair_follows_the_table() -> None:
    wrong = [
        f"{current.value} -> {target.value}: expected {'allowed' if allowed else 'refused'}"
        for (current, target), allowed in _table().items()
        if is_allowed(current, target) is not allowed
    ]
    assert wrong == []


def test_a_case_without_history_may_start_in_any_status() -> None:
    assert allowed_next(None) == frozenset(Status)


def test_held_statuses_are_the_five_custody_ones() -> None:
    assert {s.value for s in HELD_STATUSES} == {
        "detained",
        "disappeared",
        "charged",
        "on_trial",
        "sentenced",
    }


def test_rearrest_after_release_is_allowed() -> None:
    # Narges Mohammadi: released October 2020, arrested again November 2021.
    assert Status.DETAINED in allowed_next(Status.RELEASED)
    assert Status.DETAINED in allowed_next(Status.RESTRICTED)


def test_refused_transition_lists_the_allowed_ones() -> None:
    with pytest.raises(InvalidTransition) as err:
        check_change(
            Status.DIED_IN_CUSTODY,
            dt.date(2020, 1, 1),
            ProposedChange(Status.RELEASED, dt.date(2021, 1, 1), ReleaseKind.OTHER),
        )
    assert err.value.allowed == ["closed"]


def test_same_status_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="already sentenced"):
        check_change(Status.SENTENCED, None, ProposedChange(Status.SENTENCED, dt.date(2020, 1, 1)))


def test_release_needs_a_release_kind() -> None:
    with pytest.raises(ValidationError) as err:
        check_change(Status.SENTENCED, None, ProposedChange(Status.RELEASED, dt.date(2020, 1, 1)))
    assert "release_kind" in err.value.field_errors


def test_release_kind_only_with_release() -> None:
    with pytest.raises(ValidationError):
        check_change(
            Status.DETAINED,
            None,
            ProposedChange(Status.CHARGED, dt.date(2020, 1, 1), ReleaseKind.PARDON),
        )


def test_date_before_latest_change_needs_a_correction() -> None:
    latest = dt.date(2020, 5, 1)
    with pytest.raises(ValidationError) as err:
        check_change(Status.DETAINED, latest, ProposedChange(Status.CHARGED, dt.date(2020, 4, 30)))
    assert "effective_on" in err.value.field_errors
    check_change(
        Status.DETAINED,
        latest,
        ProposedChange(Status.CHARGED, dt.date(2020, 4, 30), is_correction=True),
    )
    check_change(Status.DETAINED, latest, ProposedChange(Status.CHARGED, latest))
