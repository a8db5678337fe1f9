"""Each user's digest is written in the language set on their account."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskCliRunner

from tests.cli.test_reminders import TODAY, Inbox, _body, _dated, smtp  # noqa: F401  (fixture)
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.commands.reminders import reminders
from tracker.models import User
from tracker.services.accounts.users import create_user


def test_digest_in_each_users_language(
    db: Any,
    runner: FlaskCliRunner,
    smtp: Inbox,  # noqa: F811
    caseworker: User,
) -> None:
    french = create_user(db, None, "fr@example.org", "correct-horse-7", "caseworker", "Camille")
    french.language = "fr"
    arabic = create_user(db, None, "ar@example.org", "correct-horse-7", "caseworker", "Salma")
    arabic.language = "ar"
    addressee = make_addressee(db, caseworker)
    for n, user in enumerate((caseworker, french, arabic)):
        case = make_case(db, caseworker, f"VN-L{n}", f"Deadline {n}", public=False)
        case.assigned_to_id = user.id
        _dated(db, make_appeal(db, caseworker, case, addressee), TODAY + dt.timedelta(days=3))
    db.commit()
    result = runner.invoke(reminders, ["send", "--today", TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    by_rcpt = {rcpt[0]: msg for rcpt, msg in smtp.messages}
    english, fr, ar = (by_rcpt[u.email] for u in (caseworker, french, arabic))
    assert english["Subject"] == "Tracker: 1 item needs your action"
    assert "Appeal deadlines in the next 7 days" in _body(english, "plain")
    assert fr["Subject"] == "Tracker : 1 élément demande votre action"
    text = _body(fr, "plain")
    assert "Bonjour Camille," in text
    assert "Échéances d'appels dans les 7 prochains jours" in text
    assert "Appeal deadlines" not in text and "VN-L1 Deadline 1" in text
    html = _body(ar, "html")
    assert '<html lang="ar" dir="rtl">' in html
    assert "مواعيد النداءات خلال الأيام السبعة القادمة" in html
    assert "عنصر واحد في قضاياك يتطلب إجراءً" in html
