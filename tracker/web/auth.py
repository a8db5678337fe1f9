"""Flask-Login wiring: sessions carry the user's session token, so sign-out revokes them."""

from __future__ import annotations

from flask import Flask

from tracker.extensions import db, login_manager
from tracker.models import User


def init_app(app: Flask) -> None:
    """Connect Flask-Login to the users table."""
    login_manager.login_view = "auth.login"
    login_manager.session_protection = "basic"

    @login_manager.user_loader
    def _load_user(session_id: str) -> User | None:
        user_id, _, token = session_id.partition(":")
        if not user_id.isdigit() or not token:
            return None
        user = db.session.get(User, int(user_id))
        if user is None or not user.active or user.session_token != token:
            return None
        return user
