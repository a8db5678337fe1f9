"""The exact strings of DESIGN.md: statuses, release kinds, categories, precisions, roles.

The values are the contract's tokens (API, CSV, CLI) and never translated; each `label` is the
English msgid a page shows through gettext in its reader's language (tracker/labels.py).
"""

from __future__ import annotations

from enum import StrEnum

from tracker.domain.messages import N_


class Status(StrEnum):
    """Custody status of a person."""

    DETAINED = "detained"
    DISAPPEARED = "disappeared"
    CHARGED = "charged"
    ON_TRIAL = "on_trial"
    SENTENCED = "sentenced"
    RESTRICTED = "restricted"
    RELEASED = "released"
    DIED_IN_CUSTODY = "died_in_custody"
    CLOSED = "closed"

    @property
    def is_held(self) -> bool:
        """True while the person is in custody."""
        return self in HELD_STATUSES

    @property
    def label(self) -> str:
        """The status in plain words for people."""
        return STATUS_LABELS[self]


HELD_STATUSES: frozenset[Status] = frozenset(
    {Status.DETAINED, Status.DISAPPEARED, Status.CHARGED, Status.ON_TRIAL, Status.SENTENCED}
)

STATUS_LABELS: dict[Status, str] = {
    Status.DETAINED: N_("Detained"),
    Status.DISAPPEARED: N_("Disappeared"),
    Status.CHARGED: N_("Charged"),
    Status.ON_TRIAL: N_("On trial"),
    Status.SENTENCED: N_("Sentenced"),
    Status.RESTRICTED: N_("Restricted"),
    Status.RELEASED: N_("Released"),
    Status.DIED_IN_CUSTODY: N_("Died in custody"),
    Status.CLOSED: N_("Closed"),
}


class ReleaseKind(StrEnum):
    """How a release came about; required with `released`."""

    ACQUITTED = "acquitted"
    CHARGES_DROPPED = "charges_dropped"
    SENTENCE_SERVED = "sentence_served"
    PARDON = "pardon"
    EARLY_RELEASE = "early_release"
    EXILE = "exile"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The release kind in plain words."""
        return RELEASE_KIND_LABELS[self]


RELEASE_KIND_LABELS: dict[ReleaseKind, str] = {
    ReleaseKind.ACQUITTED: N_("Acquitted"),
    ReleaseKind.CHARGES_DROPPED: N_("Charges dropped"),
    ReleaseKind.SENTENCE_SERVED: N_("Sentence served"),
    ReleaseKind.PARDON: N_("Pardon"),
    ReleaseKind.EARLY_RELEASE: N_("Early release"),
    ReleaseKind.EXILE: N_("Exile"),
    ReleaseKind.OTHER: N_("Other"),
}


class Category(StrEnum):
    """What the person is known for."""

    ACTIVIST = "activist"
    CAMPAIGNER = "campaigner"
    LAWYER = "lawyer"
    JOURNALIST = "journalist"
    HUMAN_RIGHTS_DEFENDER = "human_rights_defender"
    ENVIRONMENTAL_DEFENDER = "environmental_defender"
    TRADE_UNIONIST = "trade_unionist"
    STUDENT = "student"
    WRITER_ARTIST = "writer_artist"
    RELIGIOUS_LEADER = "religious_leader"
    OTHER = "other"

    @property
    def label(self) -> str:
        """The category in plain words."""
        return CATEGORY_LABELS[self]


CATEGORY_LABELS: dict[Category, str] = {
    Category.ACTIVIST: N_("Activist"),
    Category.CAMPAIGNER: N_("Campaigner"),
    Category.LAWYER: N_("Lawyer"),
    Category.JOURNALIST: N_("Journalist"),
    Category.HUMAN_RIGHTS_DEFENDER: N_("Human rights defender"),
    Category.ENVIRONMENTAL_DEFENDER: N_("Environmental defender"),
    Category.TRADE_UNIONIST: N_("Trade unionist"),
    Category.STUDENT: N_("Student"),
    Category.WRITER_ARTIST: N_("Writer or artist"),
    Category.RELIGIOUS_LEADER: N_("Religious leader"),
    Category.OTHER: N_("Other"),
}


class Precision(StrEnum):
    """How much of a date is known."""

    DAY = "day"
    MONTH = "month"
    YEAR = "year"


class Role(StrEnum):
    """What a staff user may do."""

    ADMIN = "admin"
    CASEWORKER = "caseworker"
    VIEWER = "viewer"

    @property
    def can_edit_cases(self) -> bool:
        """Caseworkers and admins write; viewers only read."""
        return self in (Role.ADMIN, Role.CASEWORKER)

    @property
    def label(self) -> str:
        """The role in plain words."""
        return ROLE_LABELS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.ADMIN: N_("Admin"),
    Role.CASEWORKER: N_("Caseworker"),
    Role.VIEWER: N_("Viewer"),
}


class ConsentGiver(StrEnum):
    """Who gave a consent on the person's behalf."""

    PERSON = "person"
    FAMILY = "family"
    LAWYER = "lawyer"


class AppealKind(StrEnum):
    """A letter to an official, or a message of solidarity."""

    APPEAL = "appeal"
    SOLIDARITY = "solidarity"


class AppealStatus(StrEnum):
    """Life cycle of an appeal."""

    DRAFT = "draft"
    ACTIVE = "active"
    CLOSED = "closed"
