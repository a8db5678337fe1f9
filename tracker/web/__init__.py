"""Web blueprints: thin handlers that parse, call a service, render; the unit of work commits."""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup

from tracker import labels
from tracker.domain.scripts import native_lang
from tracker.i18n import current_language
from tracker.services.publishing.letter_page import language_label


def register_web(app: Flask) -> None:
    """Register every web blueprint and the template helpers."""
    from tracker.web import (
        account,
        admin,
        auth,
        case_photos,  # noqa: F401  (routes of the staff blueprint)
        custody,
        deadlines,
        errors,
        jobs,
        letters_staff,
        nul_guard,
        public,
        reports,
        security,
        staff,
        supporters,  # noqa: F401  (routes of the public blueprint)
    )

    nul_guard.init_app(app)
    auth.init_app(app)
    for blueprint in (
        public.bp,
        reports.bp,
        staff.bp,
        admin.bp,
        letters_staff.bp,
        jobs.bp,
        custody.bp,
    ):
        app.register_blueprint(blueprint)
    account.init_app(app)
    security.init_app(app)
    deadlines.init_app(app)
    errors.init_app(app)

    # Counts and dates as the reader's language writes them: "1,204", "1 204"; "mai 2015".
    app.jinja_env.filters["number"] = labels.number
    app.jinja_env.filters["partial_date"] = labels.partial_date
    app.jinja_env.filters["short_date"] = labels.short_date
    app.jinja_env.filters["native_lang"] = native_lang  # a name's own script sets its font
    # Tokens to words in the reader's language (tracker/labels.py).
    app.jinja_env.filters["country_name"] = labels.country_name
    app.jinja_env.filters["status_label"] = labels.status_label
    app.jinja_env.filters["category_label"] = labels.category_label
    app.jinja_env.filters["release_kind_label"] = labels.release_kind_label
    app.jinja_env.filters["role_label"] = labels.role_label
    app.jinja_env.filters["audit_action_label"] = labels.audit_action_label
    app.jinja_env.filters["case_field_label"] = labels.case_field_label
    app.jinja_env.filters["appeal_kind_label"] = labels.appeal_kind_label
    app.jinja_env.filters["consent_giver_label"] = labels.consent_giver_label
    app.jinja_env.filters["appeal_status_label"] = labels.appeal_status_label
    app.jinja_env.filters["facility_kind_label"] = labels.facility_kind_label
    app.jinja_env.filters["hearing_kind_label"] = labels.hearing_kind_label
    app.jinja_env.filters["letter_report_kind_label"] = labels.letter_report_kind_label
    # A name or address typed in any script, inside a sentence of the page's language, keeps its
    # own direction: "نداء إلى <bdi>H.E. Le Thanh Long</bdi>" (escaped, then isolated).
    # A letter's language named in the reader's language ("Persian (فارسی)").
    app.jinja_env.filters["language_name"] = lambda tag: language_label(tag, current_language())
    app.jinja_env.filters["bdi"] = lambda value: Markup("<bdi>%s</bdi>") % value
    app.jinja_env.globals["organisation_name"] = app.config["ORGANISATION_NAME"]
