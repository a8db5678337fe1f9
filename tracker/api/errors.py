"""Every API error as JSON `{"error": "...", "details": {...}}`, whatever raised it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound, default_exceptions
from werkzeug.routing import RequestRedirect

from tracker.crypto import DataKeyError
from tracker.domain.errors import InvalidTransition, StaleEdit, TrackerError, ValidationError
from tracker.domain.errors import NotFound as RecordNotFound

API_PREFIX = "/api/v1"

MESSAGES = {
    400: "The request is malformed.",
    401: "Send a valid API token: Authorization: Bearer TOKEN.",
    403: "Your role may not do this.",
    404: "Not found.",
    405: "This method is not allowed here.",
    409: "This conflicts with a record that exists.",
    412: "Someone else saved this record first.",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    422: "The input is not valid.",
    428: "Send the record's ETag in an If-Match header.",
    500: "Something went wrong on our side; nothing was saved.",
}


class ApiError(Exception):
    """An error to send as it is: status, message, details and extra headers."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        details: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message or MESSAGES.get(status, "Error."))
        self.status = status
        self.message = message or MESSAGES.get(status, "Error.")
        self.details = dict(details or {})
        self.headers = dict(headers or {})


def error_response(
    status: int,
    message: str | None = None,
    details: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The JSON body and status of an error."""
    body = {"error": message or MESSAGES.get(status, "Error."), "details": details or {}}
    response = jsonify(body)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def field_messages(errors: Mapping[str, Any]) -> dict[str, list[str]]:
    """Field errors as `{field: [messages]}`, from a service or from marshmallow."""
    out: dict[str, list[str]] = {}
    for name, value in errors.items():
        if isinstance(value, str):
            out[str(name)] = [value]
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[str(name)] = list(value)
        elif isinstance(value, Mapping):
            for sub, messages in field_messages(value).items():
                out[f"{name}.{sub}"] = messages
        else:
            out[str(name)] = [str(value)]
    return out


def _from_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers: dict[str, str] = {}
    details: dict[str, Any] = {}
    message = MESSAGES.get(status) or error.name
    if isinstance(error, MethodNotAllowed) and error.valid_methods:
        headers["Allow"] = ", ".join(sorted(error.valid_methods))
        details["allowed_methods"] = sorted(error.valid_methods)
    messages = data.get("messages")
    if status == 400 and messages and "json" in messages:
        # webargs reports a body that does not parse as JSON this way.
        message = "The request body is not valid JSON."
    elif status == 422 and isinstance(messages, Mapping):
        fields: dict[str, list[str]] = {}
        for location_errors in messages.values():
            if isinstance(location_errors, Mapping):
                fields.update(field_messages(location_errors))
        details["fields"] = fields
        if fields:
            first = next(iter(fields))
            message = f"{first}: {fields[first][0]}"
    headers.update(data.get("headers") or {})
    return error_response(status, message, details, headers)


def _from_tracker_error(error: TrackerError) -> Response:
    if isinstance(error, InvalidTransition):
        return error_response(
            422,
            error.message,
            {"allowed": error.allowed, "fields": field_messages(error.field_errors)},
        )
    if isinstance(error, ValidationError):
        return error_response(422, error.message, {"fields": field_messages(error.field_errors)})
    if isinstance(error, StaleEdit):
        return error_response(
            412,
            error.message,
            {"current_version": error.current_version, "changed_fields": error.changed_fields},
        )
    if isinstance(error, RecordNotFound):
        return error_response(404, error.message)
    if isinstance(error, DataKeyError):
        return error_response(500, error.message)
    return error_response(422, error.message)


def _handle(error: Exception) -> Response:
    # The unit of work rolls back after any answer of 400 or more (tracker.unit_of_work).
    if isinstance(error, ApiError):
        return error_response(error.status, error.message, error.details, error.headers)
    if isinstance(error, TrackerError):
        return _from_tracker_error(error)
    if isinstance(error, IntegrityError):
        return error_response(409, "This conflicts with a record saved at the same moment.")
    if isinstance(error, HTTPException):
        if error.code is not None and error.code >= 500:
            return error_response(500)
        return _from_http_exception(error)
    return error_response(500)


def register_error_handlers(blueprint: Blueprint) -> None:
    """Answer every error raised under the blueprint in JSON.

    Handlers sit on the blueprint and name each status code, so they win over any HTML
    handler the web app registers on the application for the same code.
    """
    for code in default_exceptions:
        blueprint.register_error_handler(code, _handle)
    for exc in (ApiError, TrackerError, IntegrityError):
        blueprint.register_error_handler(exc, _handle)


def answer_unrouted_api_requests() -> Response | None:
    """Before any other hook: a URL under /api/v1 that matches no route gets a JSON 404 or 405.

    Such a request belongs to no blueprint, so the blueprint's handlers never see it, and a
    POST would otherwise meet the CSRF check of the web app first.
    """
    path = request.path
    if not (path == API_PREFIX or path.startswith(API_PREFIX + "/")):
        return None
    error = request.routing_exception
    if error is None or isinstance(error, RequestRedirect):
        return None
    if isinstance(error, HTTPException):
        return _from_http_exception(error)
    current_app.logger.warning("unexpected routing error for %s: %r", path, error)
    return _from_http_exception(NotFound())
