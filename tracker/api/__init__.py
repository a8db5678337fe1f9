"""The JSON API v1 under /api/v1: bearer tokens, JSON errors, a generated OpenAPI document.

Each resource is a module with its own flask-smorest Blueprint, nested in the `api`
blueprint, which owns what they share: the URL prefix, token authentication, role checks,
the body size limit, CSRF exemption and JSON errors. To add a resource, write its module
and add it to RESOURCES.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint as FlaskBlueprint
from flask import Flask, render_template, url_for
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint
from werkzeug.routing import IntegerConverter

from tracker.api import (
    addressees,
    appeals,
    auth,
    cases,
    custody,
    errors,
    facilities,
    jobs,
    photos,
    reports,
)
from tracker.api.schemas.base import MAX_ID, ErrorSchema
from tracker.extensions import csrf
from tracker.services.reports.releases import MAX_YEAR, MIN_YEAR
from tracker.web.security import relaxed_policy

API_PREFIX = errors.API_PREFIX
RESOURCES: tuple[ApiBlueprint, ...] = (
    cases.blp,
    addressees.blp,
    appeals.blp,
    reports.blp,
    jobs.blp,
    facilities.blp,
    custody.blp,
    photos.blp,
)


class IdConverter(IntegerConverter):
    """A record id: a positive 32-bit integer; anything else matches no route (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, min=1, max=MAX_ID)


class ReportYearConverter(IntegerConverter):
    """A year a report can be asked for; any other matches no route (404)."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, min=MIN_YEAR, max=MAX_YEAR)


class TrackerApi(Api):  # type: ignore[misc]  # flask-smorest is untyped
    """flask-smorest's Api, with errors handled by the API blueprint alone.

    The stock Api answers every HTTPException of the whole application in JSON, which would
    turn the web app's error pages into JSON too.
    """

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        return None


def _docs_view() -> Callable[[], str]:
    """A view of its own per app (Talisman keeps per-view options on the function)."""

    def docs_page() -> str:
        """The interactive documentation page (RapiDoc, served from our own static files)."""
        return render_template("api/docs.html", spec_url=url_for("api-docs.openapi_json"))

    return docs_page


def _build_blueprint() -> ApiBlueprint:
    blueprint = ApiBlueprint("api", __name__, url_prefix=API_PREFIX)
    blueprint.before_request(auth.before_api_request)
    errors.register_error_handlers(blueprint)

    # Flask's own add_url_rule: the page is not an API operation, so not in the document.
    # RapiDoc sets style attributes and <style> in its shadow DOM as it draws (finding 14):
    # only this page, which shows no record, allows inline styles; scripts stay 'self' only.
    docs = relaxed_policy(auth.public(_docs_view()), **{"style-src": ["'self'", "'unsafe-inline'"]})
    FlaskBlueprint.add_url_rule(blueprint, "/docs", "docs", docs)
    for resource in RESOURCES:
        blueprint.register_blueprint(resource)
    return blueprint


def init_api(app: Flask) -> None:
    """Mount the API v1 and its OpenAPI document on the app."""
    app.config.setdefault("API_TITLE", "Tracker API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    app.config.setdefault("API_MAX_CONTENT_LENGTH", 1024 * 1024)
    app.config.setdefault(
        "API_SPEC_OPTIONS",
        {
            "info": {
                "description": "Cases, their status history, addressees, appeals and the yearly "
                "report for integrators. Every request "
                "needs `Authorization: Bearer TOKEN` (create one with `tracker users token "
                'EMAIL`); errors are `{"error": "...", "details": {...}}`.'
            },
            "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
            "security": [{"bearerAuth": []}],
        },
    )
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["report_year"] = ReportYearConverter
    # First of all hooks: unrouted /api/v1 URLs must not meet the web app's CSRF check.
    app.before_request_funcs.setdefault(None, []).insert(0, errors.answer_unrouted_api_requests)

    api = TrackerApi(app)
    api.register_converter(
        IdConverter, lambda _c: {"type": "integer", "minimum": 1, "maximum": MAX_ID}
    )
    api.register_converter(
        ReportYearConverter,
        lambda _c: {"type": "integer", "minimum": MIN_YEAR, "maximum": MAX_YEAR},
    )
    blueprint = _build_blueprint()
    # No cookie is ever read under /api/v1 (auth.authenticate), so there is no CSRF to fear.
    csrf.exempt(blueprint)
    for resource in RESOURCES:
        csrf.exempt(resource)  # nested blueprints are looked up by their own name
    api.register_blueprint(blueprint)
