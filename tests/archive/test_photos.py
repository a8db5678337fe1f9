"""A cleaned photo goes through the archive byte for byte and is served by the new database."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from tests.archive.conftest import Instance
from tests.pdf.factory import make_case
from tests.services.test_photos import assert_clean, photo_with_gps
from tracker.models import Case
from tracker.services.cases.photos import set_photo


def test_photo_round_trips_through_the_archive(
    new_instance: Callable[[str], Instance], tmp_path: Path
) -> None:
    source, target = new_instance("sqlite"), new_instance("sqlite")
    with source.session() as session:
        case = make_case(session, None, "IR-ARC-1", "Archived Photo", consent_photo=True)
        set_photo(session, None, case, photo_with_gps())
        session.commit()
        stored, slug = bytes(case.photo or b""), case.slug
    archive = tmp_path / "photo.zip"
    assert source.tracker("archive", "export", "-o", str(archive)).exit_code == 0
    result = target.tracker("archive", "import", str(archive))
    assert result.exit_code == 0, result.output
    with target.session() as session:
        restored = session.scalars(select(Case).where(Case.slug == slug)).one()
        assert bytes(restored.photo or b"") == stored and restored.photo_type == "image/jpeg"
    served = target.app.test_client().get(f"/cases/{slug}/photo")
    assert served.status_code == 200 and served.data == stored
    assert_clean(served.data)
