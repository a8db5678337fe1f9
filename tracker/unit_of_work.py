"""The unit of work: a request or a command commits once, at its end, or rolls back.

Views, API handlers, commands and services never commit. `finish` is the one commit point:
a request finishes when its answer is known (a success or a redirect commits; a refusal, an
error or an exception rolls back), a command when it returns (commit) or fails (roll back).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click
from flask import Flask, Response, current_app, g, request, session
from flask.cli import with_appcontext
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError, PreconditionFailed

from tracker.database import set_write_intent
from tracker.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_KEEP = "unit_of_work_keep"
_AFTER = "unit_of_work_after_commit"

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def finish(succeeded: bool) -> None:
    """End the unit of work: commit what it did when it succeeded, else roll it back."""
    if succeeded:
        db.session.commit()
    else:
        db.session.rollback()


def rollback() -> None:
    """Abandon what the unit did so far (a refused form, a preview); it may read on afresh."""
    db.session.rollback()


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once this request's changes are committed (never when it rolls back):
    a job is put on the queue only when its row is there for the worker to read."""
    g.setdefault(_AFTER, []).append(callback)


def keep_changes() -> None:
    """Commit this request even though its answer refuses (4xx): a sign-in attempt or a
    rate-limit hit counts whatever the answer. A server error still rolls back."""
    g.setdefault(_KEEP, True)


# -- requests -------------------------------------------------------------------------------


def init_app(app: Flask) -> None:
    """Make every request of the app one unit of work.

    Call it last in create_app: after_request hooks run in reverse order of registration, so
    the commit runs before the other hooks (security headers, remember-me cookie), and an
    answer that replaces a failed commit still passes through them.
    """
    app.before_request(_begin)
    app.after_request(_end)
    app.teardown_request(_end_on_exception)


def _begin() -> None:
    # A request that may write opens its transaction with BEGIN IMMEDIATE on SQLite.
    set_write_intent(request.method not in SAFE_METHODS)


def _end(response: Response) -> Response:
    status = response.status_code
    succeeded = status < 400 or (status < 500 and bool(g.pop(_KEEP, False)))
    callbacks = g.pop(_AFTER, [])
    try:
        finish(succeeded)
    except SQLAlchemyError as error:
        db.session.rollback()
        current_app.logger.exception("commit failed; nothing was saved")
        return _not_saved(error)
    if succeeded:
        for callback in callbacks:
            callback()
    return response


def _end_on_exception(error: BaseException | None) -> None:
    # An exception no handler answered (tests propagate them): nothing may be committed later.
    if error is not None:
        db.session.rollback()
    # The flag lives in the thread's context; a later unit of work must not inherit it.
    set_write_intent(False)


def _not_saved(error: SQLAlchemyError) -> Response:
    """The answer that replaces a success whose commit failed: nothing said "saved" stands."""
    if "_flashes" in session:
        session.pop("_flashes")
    refusal: HTTPException
    if isinstance(error, IntegrityError):
        refusal = Conflict("This conflicts with a record saved at the same moment; nothing saved.")
    elif isinstance(error, StaleDataError):
        refusal = PreconditionFailed("Someone else saved this record first; nothing was saved.")
    else:
        refusal = InternalServerError("Nothing was saved; please try again.")
    # The blueprint's own error handlers answer (JSON under the API, a page elsewhere).
    return current_app.make_response(current_app.handle_user_exception(refusal))


# -- background work of a web process (timers, exit hooks) ---------------------------------


def background(app: Flask, work: Callable[[Any], T]) -> T:
    """Run `work(session)` outside any request as one unit of work: commit, or roll back."""
    with app.app_context():
        token = set_write_intent(True)
        try:
            result = work(db.session)
            finish(True)
            return result
        except BaseException:
            finish(False)
            raise
        finally:
            db.session.remove()
            token.var.reset(token)


# -- commands -------------------------------------------------------------------------------


def command(fn: F) -> F:
    """Run a CLI command in the app context as one unit of work.

    It commits when the command returns and rolls back when it fails (an exception, or an
    exit status other than 0). Used instead of flask's `with_appcontext` by every command.
    """

    @functools.wraps(fn)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            result = fn(*args, **kwargs)
        except SystemExit as exit_:
            finish(exit_.code in (None, 0))
            raise
        except click.exceptions.Exit as exit_:
            finish(exit_.exit_code == 0)
            raise
        except BaseException:
            finish(False)
            raise
        finish(True)
        return result

    run.unit_of_work = True  # type: ignore[attr-defined]  # checked by tests/cli
    return with_appcontext(run)  # type: ignore[return-value]
