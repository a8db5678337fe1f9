"""The exact strings of DESIGN.md: statuses, release kinds, categories, precisions, roles."""

from __future__ import annotations

from enum import StrEnum


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
    Status.DETAINED: "Detained",
    Status.DISAPPEARED: "Disappeared",
    Status.CHARGED: "Charged",
    Status.ON_TRIAL: "On trial",
    Status.SENTENCED: "Sentenced",
    Status.RESTRICTED: "Restricted",
    Status.RELEASED: "Released",
    Status.DIED_IN_CUSTODY: "Died in custody",
    Status.CLOSED: "Closed",
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
        return self.value.replace("_", " ").capitalize()


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
    Category.ACTIVIST: "Activist",
    Category.CAMPAIGNER: "Campaigner",
    Category.LAWYER: "Lawyer",
    Category.JOURNALIST: "Journalist",
    Category.HUMAN_RIGHTS_DEFENDER: "Human rights defender",
    Category.ENVIRONMENTAL_DEFENDER: "Environmental defender",
    Category.TRADE_UNIONIST: "Trade unionist",
    Category.STUDENT: "Student",
    Category.WRITER_ARTIST: "Writer or artist",
    Category.RELIGIOUS_LEADER: "Religious leader",
    Category.OTHER: "Other",
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
