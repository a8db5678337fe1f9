"""Staff pages for letters: the addressee directory, campaigns, and appeals with their preview.

One blueprint (endpoints `letters_staff.*`); its routes live in one module per seam.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, current_app, request
from werkzeug.wrappers import Response

from tracker.services.letters.compose import PAPERS

bp = Blueprint("letters_staff", __name__, url_prefix="/staff")

Page = str | tuple[str, int] | Response


def today() -> dt.date:
    """The date letters are dated and counters are charted to."""
    return dt.date.today()


def organisation() -> str:
    """The organisation named on letters."""
    return str(current_app.config["ORGANISATION_NAME"])


def paper() -> str:
    """The paper size asked for in the query string (400 for an unknown one)."""
    chosen = (request.args.get("paper") or "a4").lower()
    if chosen not in PAPERS:
        abort(400)
    return chosen


# The route modules register on `bp`, so they are imported once it exists.
from tracker.web.letters_staff import addressees, appeals, campaigns  # noqa: E402, F401
