"""Campaigns: list, create, edit, and their page with counters (packs are jobs: web/jobs.py)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from tracker.extensions import db
from tracker.models import Campaign
from tracker.services.letters import editing as letter_service
from tracker.services.letters import staff as letter_staff
from tracker.services.letters.compose import PAPERS
from tracker.services.publishing import queries as public_service
from tracker.web import editing
from tracker.web.access import current_actor, editor_required, staff_required
from tracker.web.letter_forms import CampaignForm
from tracker.web.letters_staff import Page, bp, today


@bp.get("/campaigns")
@staff_required
def campaigns() -> Page:
    return render_template(
        "letters_staff/campaigns.html", campaigns=letter_staff.all_campaigns(db.session)
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@editor_required
def new_campaign() -> Page:
    form = CampaignForm()
    campaign = editing.submit(
        form, lambda: letter_service.create_campaign(db.session, current_actor(), form.values())
    )
    if campaign is not None:
        flash(_("Campaign %(name)s created.", name=campaign.name), "success")
        return redirect(url_for("letters_staff.campaign", campaign_id=campaign.id))
    return render_template(
        "letters_staff/campaign_form.html", form=form, campaign=None
    ), editing.form_status()


@bp.get("/campaigns/<int:campaign_id>")
@staff_required
def campaign(campaign_id: int) -> Page:
    record: Campaign = db.get_or_404(Campaign, campaign_id)
    appeals = letter_staff.appeals_of_campaign(db.session, record.id)
    chart = letter_staff.counter_chart(db.session, [a.id for a in appeals], today())
    printable = public_service.active_campaign_appeals(db.session, record.slug)
    return render_template(
        "letters_staff/campaign.html",
        campaign=record,
        appeals=appeals,
        chart=chart,
        printable=len(printable),
        papers=PAPERS,
    )


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@editor_required
def edit_campaign(campaign_id: int) -> Page:
    record: Campaign = db.get_or_404(Campaign, campaign_id)
    form = CampaignForm()
    if not form.is_submitted():
        form.load(record)
    result = editing.edit(
        form,
        lambda _version: letter_service.update_campaign(
            db.session, current_actor(), record, form.values()
        ),
        name_changes=False,
        done_url=lambda: url_for("letters_staff.campaign", campaign_id=record.id),
    )
    if result.done is not None:
        return result.done
    return render_template(
        "letters_staff/campaign_form.html", form=form, campaign=record
    ), result.status
