"""Fields and schemas every part of the API shares: text by the text rule, strict booleans,
country codes, the strict input schema and the error body."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate
from marshmallow import ValidationError as SchemaValidationError

from tracker.domain.text import (
    MULTI_LINE_PATTERN,
    NOT_BLANK_PATTERN,
    SINGLE_LINE_PATTERN,
)
from tracker.domain.values import WEB_ADDRESS_PATTERN, is_country_code

COUNTRY_PATTERN = r"^[A-Z]{2}$"
SOURCE_URL_PATTERN = f"^({WEB_ADDRESS_PATTERN[1:-1]})?$"
MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


def _enum(values: Any) -> validate.OneOf:
    return validate.OneOf([v.value for v in values])


CONTROL = "Control characters (such as NUL, ESC or a vertical tab) are not allowed."
BLANK_OR_CONTROL = "Type it with visible letters, without control characters."


class Text(fields.String):
    """A string by the text rule of domain/text.py: no control character (tab and newline only
    in multi-line text), no lone surrogate; with `not_blank`, something visible."""

    def __init__(
        self,
        *,
        max_length: int | None = None,
        not_blank: bool = False,
        multiline: bool = True,
        pattern: str | None = None,
        error: str = "Not in the expected form.",
        **kwargs: Any,
    ) -> None:
        validators = list(kwargs.pop("validate", []))
        # One pattern only: the OpenAPI document can hold one per field.
        if pattern is not None:
            validators.append(validate.Regexp(pattern, error=error))
        elif not_blank:
            validators.append(validate.Regexp(NOT_BLANK_PATTERN, error=BLANK_OR_CONTROL))
        else:
            rule = MULTI_LINE_PATTERN if multiline else SINGLE_LINE_PATTERN
            validators.append(validate.Regexp(rule, error=CONTROL))
        if max_length is not None:
            validators.append(validate.Length(min=1 if not_blank else 0, max=max_length))
        super().__init__(validate=validators, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise SchemaValidationError("Text must be valid Unicode.") from None
        return text


class StrictBoolean(fields.Boolean):
    """true or false, nothing else: marshmallow would also take 1, "yes" and "on"."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if not isinstance(value, bool):
            raise SchemaValidationError("Not a boolean: use true or false.")
        return value


def _known_country(code: str) -> None:
    if not is_country_code(code.strip()):
        raise SchemaValidationError(f"'{code.strip()}' is not an ISO 3166-1 alpha-2 country code.")


class CountryCode(fields.String):
    """An ISO 3166-1 alpha-2 code in capitals; with `known_only`, unknown codes get a 422.

    The document declares only the pattern; which codes name a country is pycountry's list.
    """

    def __init__(self, *, known_only: bool = True, **kwargs: Any) -> None:
        validators: list[Any] = [
            validate.Regexp(COUNTRY_PATTERN, error="Use a two-letter code such as VN.")
        ]
        if known_only:
            validators.append(_known_country)
        super().__init__(
            validate=validators,
            metadata={"description": "ISO 3166-1 alpha-2 code, e.g. VN", "example": "VN"},
            **kwargs,
        )


class StrictSchema(Schema):
    """Input schema: unknown fields are an error, and the document says so."""

    class Meta:
        unknown = RAISE


class ErrorSchema(Schema):
    """The body of every error response."""

    error = fields.String(required=True, metadata={"description": "What went wrong, for people"})
    details = fields.Dict(
        required=True,
        metadata={
            "description": "Machine-readable context: `fields` (field -> messages), `allowed` "
            "(statuses that may follow), `current_version`, `changed_fields`, `allowed_methods`"
        },
    )
