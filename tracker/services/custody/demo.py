"""The custody part of the demo data: facilities with real-world-shaped letter rules, and the
placements, hearings and letter reports of demo cases (tracker/demo_data/custody.json).

The real people's placements state only public facts; every other record is fictional.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from sqlalchemy.orm import Session

from tracker.domain.vocabulary import AppealKind, AppealStatus
from tracker.models import Appeal, Case, Facility, User
from tracker.services.custody.facilities import create_facility
from tracker.services.custody.letter_reports import add_letter_report
from tracker.services.custody.placements import add_hearing, add_placement


def custody_document() -> dict[str, Any]:
    """The custody demo data as shipped in the package."""
    text = resources.files("tracker").joinpath("demo_data/custody.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _facilities(
    session: Session, actor: User | None, items: list[dict[str, Any]], today: dt.date
) -> dict[str, Facility]:
    out: dict[str, Facility] = {}
    for item in items:
        days = item.get("verified_days_ago")
        fields = {k: v for k, v in item.items() if k not in ("key", "verified_days_ago")}
        verified = today - dt.timedelta(days=days) if days is not None else None
        fields["address_verified_on"] = verified
        out[item["key"]] = create_facility(session, actor, fields)
    return out


def _day(item: Mapping[str, Any], today: dt.date, field: str = "on") -> dt.date:
    if "days_from_today" in item:
        return today + dt.timedelta(days=int(item["days_from_today"]))
    if "days_ago" in item:
        return today - dt.timedelta(days=int(item["days_ago"]))
    return dt.date.fromisoformat(item[field])


def load_custody_demo(
    session: Session, actor: User | None, cases: Mapping[str, Case], today: dt.date | None = None
) -> int:
    """Add the demo facilities and the custody records of the demo cases; returns facilities."""
    today = today or dt.date.today()
    data = custody_document()
    facilities = _facilities(session, actor, data["facilities"], today)
    for reference, records in data["cases"].items():
        case = cases[reference]
        if records.get("consent_detention_address"):
            case.consent_detention_address = True
        for p in records.get("placements", []):
            add_placement(
                session,
                actor,
                case,
                facilities[p["facility"]].id,
                dt.date.fromisoformat(p["effective_on"]),
                precision=p.get("precision", "day"),
                public_note=p.get("public_note", ""),
            )
        for h in records.get("hearings", []):
            add_hearing(
                session,
                actor,
                case,
                _day(h, today),
                kind=h["kind"],
                court=h.get("court", ""),
                public_note=h.get("public_note", ""),
            )
        for r in records.get("letter_reports", []):
            add_letter_report(
                session, actor, case, r["kind"], _day(r, today), count=r["count"], note=r["note"]
            )
        letter = records.get("solidarity")
        if letter:
            session.add(
                Appeal(
                    case=case,
                    kind=AppealKind.SOLIDARITY.value,
                    language=letter.get("language", "en"),
                    subject=letter["subject"],
                    body=letter["body"],
                    asks=[],
                    status=AppealStatus.ACTIVE.value,
                )
            )
    session.flush()
    return len(facilities)
