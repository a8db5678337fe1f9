"""Load the demo data set (three real people, fictional cases, a campaign) into an empty DB."""

from __future__ import annotations

import datetime as dt
import json
from importlib import resources
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.domain.case_fields import case_fields
from tracker.domain.vocabulary import AppealKind, AppealStatus
from tracker.models import Addressee, Appeal, Campaign, Case, User
from tracker.services import audit
from tracker.services.cases.editing import change_status, create_case
from tracker.services.custody.demo import load_custody_demo


def demo_document() -> dict[str, Any]:
    """The demo data set as shipped in the package."""
    text = resources.files("tracker").joinpath("demo_data/cases.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def database_is_empty(session: Session) -> bool:
    """True when there is no case yet (the demo never goes on top of real data)."""
    return not session.scalar(select(func.count()).select_from(Case))


def load_demo(session: Session, actor: User | None) -> int:
    """Add the demo cases, addressees, campaign and appeals; returns the number of cases."""
    data = demo_document()
    cases: dict[str, Case] = {}
    for item in data["cases"]:
        # arrested_on is set after the history (below); every other declared field as given.
        fields = {
            f.name: item[f.name]
            for f in case_fields()
            if item.get(f.name) is not None and f.name != "arrested_on"
        }
        case = create_case(session, actor, fields)
        for event in item["history"]:
            change_status(
                session,
                actor,
                case,
                event["status"],
                dt.date.fromisoformat(event["effective_on"]),
                precision=event.get("precision", "day"),
                release_kind=event.get("release_kind"),
                public_note=event.get("public_note", ""),
                audit_event=False,
            )
        if item.get("arrested_on"):
            # Set after the history so create_case does not add a second, day-precise arrest.
            case.arrested_on = dt.date.fromisoformat(item["arrested_on"])
        cases[case.reference] = case
    addressees: dict[str, Addressee] = {}
    for item in data["addressees"]:
        addressee = Addressee(**{k: v for k, v in item.items() if k != "key"})
        session.add(addressee)
        addressees[item["key"]] = addressee
    c = data["campaign"]
    campaign = Campaign(
        name=c["name"],
        slug=c["slug"],
        description=c["description"],
        starts_on=dt.date.fromisoformat(c["starts_on"]),
        ends_on=dt.date.fromisoformat(c["ends_on"]),
        letter_target=c["letter_target"],
    )
    session.add(campaign)
    for item in data["appeals"]:
        session.add(
            Appeal(
                case=cases[item["case"]],
                kind=AppealKind.APPEAL.value,
                language="en",
                addressee=addressees[item["addressee"]],
                copies_to=[addressees[k] for k in item["copies_to"]],
                subject=item["subject"],
                body=item["body"],
                asks=item["asks"],
                status=AppealStatus.ACTIVE.value,
                campaign=campaign,
            )
        )
    session.flush()
    load_custody_demo(session, actor, cases)
    audit.record(session, actor, "demo.load", None, None, [], cases=len(cases))
    return len(cases)
