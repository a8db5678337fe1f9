"""The reminders digest says hearing kinds, consents and unverified addresses in French."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskCliRunner

from tests.cli.test_reminders import TODAY, Inbox, _body, smtp  # noqa: F401  (fixture)
from tests.pdf.factory import make_case
from tracker.commands.reminders import reminders
from tracker.models import User
from tracker.services.custody.facilities import create_facility
from tracker.services.custody.placements import add_hearing, add_placement


def test_digest_details_in_french(
    db: Any,
    runner: FlaskCliRunner,
    smtp: Inbox,  # noqa: F811
    caseworker: User,
) -> None:
    caseworker.language = "fr"
    case = make_case(db, caseworker, "VN-F1", "Held Here", photo=True, consent_photo_by="family")
    case.consent_photo_on = None
    case.assigned_to_id = caseworker.id
    camp = create_facility(
        db, caseworker, {"name": "Camp Z30D", "kind": "labour_camp", "country": "VN"}
    )
    add_placement(db, caseworker, case, camp.id, dt.date(2018, 3, 1))
    add_hearing(db, caseworker, case, TODAY + dt.timedelta(days=3), kind="appeal_hearing")
    db.commit()
    result = runner.invoke(reminders, ["send", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    ((_rcpts, msg),) = smtp.messages
    for text in (_body(msg, "plain"), _body(msg, "html")):
        assert "VN-F1 Held Here" in text
        assert "Audience en appel" in text
        assert "Consentement pour la photo (donné par la famille) : aucune date enregistrée" in text
        assert "Camp Z30D : adresse jamais vérifiée" in text
        for english in ("appeal hearing", "appeal_hearing", "consent", "never verified"):
            assert english not in text
