"""Build cases, addressees and appeals for letter tests, with sentinels in every private field."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.conftest import private_sentinels
from tracker.models import Appeal, Case, User
from tracker.services.cases.editing import change_status, create_case
from tracker.services.letters.editing import create_addressee, create_appeal

SENTINEL = "ZQXSECRET"
RECENTLY = dt.date.today() - dt.timedelta(days=30)


def sentinels(tag: str) -> dict[str, Any]:
    """A distinct sentinel per private field, all containing SENTINEL (and the sentinel date of
    birth, SENTINEL_BIRTH_DATE)."""
    return private_sentinels(f"{SENTINEL}-{tag}")


def make_case(
    db: Any,
    actor: User | None,
    reference: str,
    full_name: str,
    *,
    public: bool = True,
    consent: bool = True,
    photo: bool = False,
    **fields: Any,
) -> Case:
    """A case with sentinels in every private field and a private note on each change."""
    data = {
        "reference": reference,
        "full_name": full_name,
        "country": "VN",
        "category": "environmental_defender",
        "profession": "land rights activist",
        "summary": f"{full_name} campaigned for the rights of migrant workers.",
        "is_public": public,
        "consent_publicity": consent,
        "consent_photo": photo,
        # Consents as caseworkers record them: by whom and when (recently: no review is due).
        **({"consent_publicity_by": "person", "consent_publicity_on": RECENTLY} if consent else {}),
        **({"consent_photo_by": "person", "consent_photo_on": RECENTLY} if photo else {}),
        **sentinels(reference),
        **fields,
    }
    case = create_case(db, actor, data)
    change_status(
        db,
        actor,
        case,
        "detained",
        dt.date(2017, 1, 1),
        precision="month",
        note=f"{SENTINEL}-{reference}-note",
        public_note="Arrested in January 2017.",
        source_url=f"https://example.org/{SENTINEL}-{reference}-source",
    )
    if photo:
        case.photo = b"\xff\xd8\xff\xe0fakejpeg"
        case.photo_type = "image/jpeg"
    db.flush()
    return case


def make_addressee(db: Any, actor: User | None, **fields: Any) -> Any:
    data = {
        "honorific": "H.E.",
        "name": "Le Thanh Long",
        "position": "Minister of Justice",
        "institution": "Ministry of Justice",
        "address_lines": ["58-60 Tran Phu", "Ba Dinh, Hanoi"],
        "country": "VN",
        "salutation": "Dear Minister",
        **fields,
    }
    return create_addressee(db, actor, data)


def make_appeal(db: Any, actor: User | None, case: Case, addressee: Any, **fields: Any) -> Appeal:
    data = {
        "kind": "appeal",
        "language": "en",
        "addressee_id": addressee.id if addressee else None,
        "subject": "Release {{ case.name }}",
        "body": (
            "{{ addressee.salutation }}, I am writing about {{ case.name }}, a "
            "{{ case.profession }} held since {{ case.detained_since }}.\n\n"
            "I respectfully ask you to act."
        ),
        "asks": ["Release her immediately and unconditionally", "Ensure she can see a lawyer"],
        "status": "active",
        **fields,
    }
    return create_appeal(db, actor, case, data)
