"""Errors a user can cause; the web, API and CLI layers translate them for people."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from tracker.domain.messages import M_, Message


class TrackerError(Exception):
    """Base of every error a user can cause."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ValidationError(TrackerError):
    """Input that breaks a rule; `field_errors` maps field names to messages."""

    def __init__(self, message: str, field_errors: Mapping[str, str] | None = None) -> None:
        super().__init__(message)
        self.field_errors: dict[str, str] = dict(field_errors or {})


def first_problem(problems: Mapping[str, str]) -> Message:
    """ "field: problem" for the first bad field (the message of a ValidationError)."""
    first = next(iter(problems))
    return M_("%(field)s: %(problem)s", field=first, problem=problems[first])


def field_problems(problems: Mapping[str, str]) -> str:
    """ "field: problem; field: problem" (empty when none), each problem still translatable."""
    parts = [M_("%(field)s: %(problem)s", field=k, problem=v) for k, v in problems.items()]
    joined: str = parts[0] if parts else ""
    for part in parts[1:]:
        joined = M_("%(first)s; %(then)s", first=joined, then=part)
    return joined


def raise_problems(problems: Mapping[str, str]) -> None:
    """Raise ValidationError naming every bad field (the first in its message), if there is one."""
    if problems:
        raise ValidationError(first_problem(problems), problems)


class InvalidTransition(ValidationError):
    """A status change the rules refuse; `allowed` lists the statuses that may follow."""

    def __init__(self, message: str, allowed: Iterable[str], field: str = "status") -> None:
        super().__init__(message, {field: message})
        self.allowed: list[str] = sorted(allowed)


class StaleEdit(TrackerError):
    """Someone else saved the record since this edit started."""

    def __init__(
        self, message: str, current_version: int, changed_fields: Iterable[str] = ()
    ) -> None:
        super().__init__(message)
        self.current_version = current_version
        self.changed_fields: list[str] = list(changed_fields)


class NotFound(TrackerError):
    """The record does not exist (or may not be seen)."""


class ImportRowError(TrackerError):
    """A bad row in an import file, reported as FILE:LINE: message."""

    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(
            M_("%(file)s:%(line)s: %(message)s", file=file, line=str(line), message=message)
        )
        self.file = file
        self.line = line
        self.detail = message


class ImportFailed(TrackerError):
    """An import refused as a whole; `problems` holds every bad row."""

    def __init__(self, problems: list[ImportRowError]) -> None:
        super().__init__(M_("%(n)s problem(s); nothing was imported.", n=len(problems)))
        self.problems = problems


class ArchiveRefused(TrackerError):
    """An archive that cannot be imported here (damaged, newer, another schema, a full database)."""
