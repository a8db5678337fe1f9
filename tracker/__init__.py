"""The tracker application: create_app() builds a configured Flask app.

What only the app needs is imported inside create_app: importing a module of the package (a
letter render process imports tracker.services.letters.render) does not load Flask-WTF,
WTForms, Flask-Login or Flask-Babel (about 2 MB, docs/performance.md, "Letters").
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the app from defaults, instance/config.py (or test_config) and the environment."""
    from flask import Flask, render_template

    from tracker import unit_of_work
    from tracker.config import (
        default_instance_path,
        defaults,
        load_secret_key,
        read_only_sqlite_url,
    )
    from tracker.crypto import DataKeyError, keyring
    from tracker.database import configure_engine
    from tracker.extensions import csrf, db, login_manager
    from tracker.paths import MIGRATIONS_DIR, STATIC_DIR, TEMPLATES_DIR

    app = Flask(
        __name__,
        instance_path=default_instance_path(),
        instance_relative_config=True,
        template_folder=str(TEMPLATES_DIR),
        static_folder=str(STATIC_DIR),
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(defaults(app.instance_path))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
    else:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    keyring.configure(app.instance_path)
    read_only = read_only_sqlite_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    if read_only:
        app.config["SQLALCHEMY_DATABASE_URI"] = read_only

    if "PASSWORD_HASH_PARAMETERS" in app.config:
        # Imported here: argon2 is for sign-in, not for a process that only renders letters.
        from tracker.services.accounts import passwords

        passwords.use_parameters(app.config["PASSWORD_HASH_PARAMETERS"])
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    # Imported here: Alembic costs a process ~11 MB that render workers need not pay.
    from flask_migrate import Migrate

    Migrate(render_as_batch=True, compare_type=True).init_app(
        app, db, directory=str(MIGRATIONS_DIR)
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    from tracker import i18n

    i18n.init_app(app)

    from tracker import models  # noqa: F401  (registers every table with the metadata)
    from tracker.services.publishing import page_memo, state_memo
    from tracker.services.publishing.changes import stamp_for
    from tracker.web import download_counts

    # Per-application state, made here rather than at import: the memos of letter states and
    # public pages (with the session listeners that empty them on writes) and the tally of
    # downloads not yet written.
    stamp = stamp_for(app.config, app.instance_path)
    app.extensions["publication_stamp"] = stamp
    app.extensions["letter_states"] = state_memo.install(stamp=stamp)
    app.extensions["public_pages"] = page_memo.install(stamp=stamp)
    app.extensions["download_tally"] = download_counts.install(app)
    from tracker.api import init_api
    from tracker.web import register_web

    register_web(app)

    @app.errorhandler(DataKeyError)
    def _data_key_problem(error: DataKeyError) -> tuple[str, int]:
        # Private values cannot be read or written without the right key: say which and why.
        db.session.rollback()
        return render_template("data_key_error.html", message=error.message), 500

    init_api(app)
    unit_of_work.init_app(app)  # last: its commit runs before the other after_request hooks
    return app
