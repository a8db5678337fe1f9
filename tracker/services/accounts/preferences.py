"""A staff user's own settings: the language their mail is written in."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from tracker.domain.errors import ValidationError
from tracker.domain.messages import M_
from tracker.models import User
from tracker.services import audit


def set_language(
    session: Session, actor: User, user: User, language: str, offered: Collection[str]
) -> bool:
    """Set `user`'s language to one of `offered` ("" for the site's default); True if changed."""
    language = language.strip()
    if language and language not in offered:
        raise ValidationError(
            M_("Choose one of: %(languages)s.", languages=", ".join(offered)),
            {"language": M_("Choose a language we offer.")},
        )
    if user.language == language:
        return False
    before = user.language
    user.language = language
    audit.record(
        session,
        actor,
        "user.language",
        "user",
        user.id,
        ["language"],
        before=before,
        after=language,
    )
    session.flush()
    return True
