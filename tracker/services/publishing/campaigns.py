"""A campaign as supporters see it: its name, its letter target and the letters posted so far."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tracker.models import Appeal, AppealCounter, Campaign, Case
from tracker.services.publishing.queries import PUBLISHABLE


@dataclass(frozen=True, slots=True)
class PublicCampaign:
    """A campaign's public progress toward its target (counts only, no personal data)."""

    slug: str
    name: str
    description: str
    letter_target: int
    letters_posted: int

    @property
    def percent(self) -> int:
        """Letters posted as a share of the target (0 without a target, at most 100)."""
        if self.letter_target <= 0:
            return 0
        return min(100, round(100 * self.letters_posted / self.letter_target))


def public_campaign(session: Session, slug: str) -> PublicCampaign | None:
    """The campaign with this slug and the letters posted for its public appeals."""
    campaign = session.execute(
        select(Campaign.slug, Campaign.name, Campaign.description, Campaign.letter_target).where(
            Campaign.slug == slug
        )
    ).first()
    if campaign is None:
        return None
    posted = session.scalar(
        select(func.coalesce(func.sum(AppealCounter.sent), 0))
        .join(Appeal, Appeal.id == AppealCounter.appeal_id)
        .join(Case, Case.id == Appeal.case_id)
        .join(Campaign, Campaign.id == Appeal.campaign_id)
        .where(Campaign.slug == slug, PUBLISHABLE)
    )
    return PublicCampaign(
        slug=campaign.slug,
        name=campaign.name,
        description=campaign.description or "",
        letter_target=int(campaign.letter_target or 0),
        letters_posted=int(posted or 0),
    )
