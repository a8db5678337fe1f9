"""The transition table of DESIGN.md, checked for every ordered pair of statuses."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from tracker.domain.errors import InvalidTransition, ValidationError
from tracker.domain.transitions import ProposedChange, allowed_next, check_change, is_allowed
from tracker.domain.vocabulary import HELD_STATUSES, ReleaseKind, Status

HELD = {s for s in Status if s.is_held}


def expected(current: Status, target: Status) -> bool:
    """DESIGN.md's rules, restated independently of the implementation."""
    if current == target:
        return False
    if current is Status.DIED_IN_CUSTODY:
        return target is Status.CLOSED
    if current is Status.CLOSED:
        return target in HELD
    return True


@pytest.mark.parametrize(("current", "target"), list(itertools.product(list(Status), list(Status))))
def test_every_ordered_pair(current: Status, target: Status) -> None:
    assert is_allowed(current, target) is expected(current, target)


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
