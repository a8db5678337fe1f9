"""Letter services refuse bad input with a message and write nothing."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from tests.pdf.factory import make_case
from tracker.domain.errors import ValidationError
from tracker.models import Appeal, User
from tracker.services.letters.editing import create_appeal


@pytest.mark.parametrize("language", ["x" * 36, "en-" + "a" * 40, "not a tag", "e"])
def test_bad_language_tag_is_refused_beside_the_field(
    db: Any, caseworker: User, language: str
) -> None:
    case = make_case(db, caseworker, "VN-L1", "Person Lang")
    with pytest.raises(ValidationError) as err:
        create_appeal(db, caseworker, case, {"language": language, "subject": "S", "body": "B"})
    assert "language" in err.value.field_errors
    assert db.scalar(select(func.count()).select_from(Appeal)) == 0
