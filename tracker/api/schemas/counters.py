"""OpenAPI schemas of the letter loop (issue 13): an appeal with its anonymous counters."""

from __future__ import annotations

from marshmallow import Schema, fields

from tracker.api.schemas.letters import AppealSchema


class AppealWithCountsSchema(AppealSchema):
    """An appeal, with how many letters were downloaded and reported posted (no personal data)."""

    downloads = fields.Integer(
        required=True,
        dump_only=True,
        metadata={"description": "Letters downloaded (plain and personalised), all days"},
    )
    letters_posted = fields.Integer(
        required=True,
        dump_only=True,
        metadata={"description": 'Letters reported posted ("I posted it", once per letter)'},
    )


class AppealWithCountsListSchema(Schema):
    """A case's appeals, ordered by id."""

    items = fields.List(fields.Nested(AppealWithCountsSchema), required=True)
