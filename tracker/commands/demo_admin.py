"""`python -m tracker.commands.demo_admin INSTANCE`: the demo admin of `make run`, once.

Creates admin@example.org with a random password only when there is no user at all, prints the
password once and keeps it in INSTANCE/demo-admin.txt (readable by the owner only).
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from tracker import create_app
from tracker.database import write_intent
from tracker.extensions import db
from tracker.services.accounts.queries import any_user
from tracker.services.accounts.users import create_user
from tracker.unit_of_work import finish

EMAIL = "admin@example.org"


def main(instance: str) -> None:
    """Create the demo admin when the database has no user; say where the sign-in is."""
    note = Path(instance) / "demo-admin.txt"
    app = create_app()
    with app.app_context(), write_intent():
        if any_user(db.session):
            finish(False)
            if note.exists():
                print(f"Demo admin: see {note}")
            return
        password = secrets.token_urlsafe(15)
        create_user(db.session, None, EMAIL, password, "admin", "Demo admin")
        finish(True)
    note.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(note, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(f"email: {EMAIL}\npassword: {password}\n")
    print(f"Created the demo admin {EMAIL} with password {password} (kept in {note}).")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("TRACKER_INSTANCE_PATH", "instance"))
