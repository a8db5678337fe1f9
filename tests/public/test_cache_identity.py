"""The letter cache never serves one person's letter for another.

Ids and versions start again after a database is restored or re-imported, while the disk cache
stays: the cache key must name the rows themselves, not only their versions.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.pdf.conftest import pdf_text
from tests.pdf.factory import make_addressee, make_appeal, make_case
from tracker.models import Addressee, User


def _letter(client: FlaskClient, db: Any, actor: User, reference: str, name: str) -> bytes:
    addressee = db.get(Addressee, 1) or make_addressee(db, actor)
    case = make_case(db, actor, reference, name)
    appeal = make_appeal(db, actor, case, addressee)
    db.commit()
    response = client.get(f"/cases/{case.slug}/letters/{appeal.id}.pdf")
    assert response.status_code == 200
    db.delete(appeal)
    db.delete(case)
    db.commit()
    return response.data


def test_a_recreated_row_never_gets_another_persons_cached_letter(
    client: FlaskClient, db: Any, caseworker: User, pdf_cache: Any
) -> None:
    first = pdf_text(_letter(client, db, caseworker, "VN-ID-1", "Alpha Fictional"))
    # On SQLite the new rows take the same ids and versions as the deleted ones.
    second = pdf_text(_letter(client, db, caseworker, "VN-ID-2", "Bravo Fictional"))
    assert "Alpha Fictional" in first
    assert "Bravo Fictional" in second
    assert "Alpha Fictional" not in second
