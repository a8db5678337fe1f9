"""Role checks for staff routes: anonymous users go to sign-in, the wrong role gets 403."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user

from tracker.domain.vocabulary import Role
from tracker.extensions import login_manager
from tracker.models import User

F = TypeVar("F", bound=Callable[..., Any])


def require_role(*roles: Role) -> Callable[[F], F]:
    """Allow signed-in users whose role is one of `roles`."""
    allowed = {r.value for r in roles}

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def current_actor() -> User:
    """The signed-in user as a model, to hand to services as the actor."""
    user: User = current_user._get_current_object()
    return user


staff_required = require_role(Role.ADMIN, Role.CASEWORKER, Role.VIEWER)
editor_required = require_role(Role.ADMIN, Role.CASEWORKER)
admin_required = require_role(Role.ADMIN)
