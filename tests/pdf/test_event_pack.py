"""Event packs: cover with instructions, a brief per person, the letters, a tally sheet."""

from __future__ import annotations

import datetime as dt
import io
import struct
import zlib
from typing import Any

import pytest
from pypdf import PdfReader

from tests.pdf.factory import SENTINEL, make_addressee, make_appeal, make_case
from tracker.models import User
from tracker.services.letters import event_pack as packs
from tracker.services.letters import pack
from tracker.services.letters.editing import campaign_by_slug, create_campaign
from tracker.services.publishing import queries as public_service


def tiny_png() -> bytes:
    """A valid 2x2 red PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def _pack(
    db: Any, caseworker: User, language: str = "", **campaign_fields: Any
) -> tuple[bytes, list[str]]:
    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2024", **campaign_fields})
    addressee = make_addressee(db, caseworker)
    nga = make_case(db, caseworker, "VN-E1", "Tran Thi Nga", photo=True)
    nga.photo, nga.photo_type = tiny_png(), "image/png"
    narges = make_case(db, caseworker, "IR-E2", "Narges Mohammadi", country="IR")
    narges.photo, narges.photo_type = tiny_png(), "image/png"  # a photo without consent
    make_appeal(db, caseworker, nga, addressee, campaign=campaign.slug, asks=["Free Nga now"])
    make_appeal(
        db,
        caseworker,
        narges,
        addressee,
        campaign=campaign.slug,
        language="fa",
        asks=["Free Narges now"],
    )
    db.flush()
    cards = packs.in_language(public_service.active_campaign_appeals(db, campaign.slug), language)
    data = packs.render_event_pack(
        cards,
        campaign=packs.EventCampaign.of(campaign, "Tables open at 10:00.\n\nCollect pens after."),
        photos=packs.consented_photos(db, cards),
        paper="letter",
        today=dt.date(2024, 12, 10),
        organisation="Tracker Human Rights",
    )
    return data, _pages(data)


def test_event_pack_has_cover_briefs_letters_and_tally_sheet(db: Any, caseworker: User) -> None:
    _data, pages = _pack(db, caseworker)
    cover, briefs, tally = pages[0], pages[1:3], " ".join(pages[-1].split())
    assert "Write for Rights 2024" in cover and "EVENT PACK" in cover.upper()
    assert "Tables open at 10:00." in cover and "Collect pens after." in cover
    assert "2 people · 2 letters · languages: English and Persian" in cover
    assert "Tran Thi Nga" in briefs[0] and "Free Nga now" in briefs[0]
    assert "campaigned for the rights of migrant workers" in briefs[0]  # the public summary
    assert "Narges Mohammadi" in briefs[1] and "Free Narges now" in briefs[1]
    letters = "\n".join(pages[3:-1])
    assert "Release Tran Thi Nga" in letters and "Release Narges Mohammadi" in letters
    assert "Tally sheet" in tally and "All letters written" in tally
    assert "Tran Thi Nga" in tally and "Narges Mohammadi" in tally
    assert all(SENTINEL not in page for page in pages)


def test_event_pack_prints_a_photo_only_with_consent(db: Any, caseworker: User) -> None:
    data, _pages_text = _pack(db, caseworker)
    cards = public_service.active_campaign_appeals(db, "write-for-rights-2024")
    photos = packs.consented_photos(db, cards)
    # Both have a photo on file; only Nga consented to hers being shown.
    assert [c.case.name for c in cards if c.case.id in photos] == ["Tran Thi Nga"]
    reader = PdfReader(io.BytesIO(data))
    images = {img.data for page in reader.pages for img in page.images}
    assert len(images) == 1


def test_event_pack_by_language(db: Any, caseworker: User) -> None:
    _data, pages = _pack(db, caseworker, language="fa")
    text = "\n".join(pages)
    assert "Narges Mohammadi" in text and "Tran Thi Nga" not in text
    assert "1 person · 1 letter · languages: Persian" in pages[0]


def _pack_in(db: Any, caseworker: User, reader: str) -> list[str]:
    campaign = create_campaign(db, caseworker, {"name": "Write for Rights 2024"})
    addressee = make_addressee(db, caseworker)
    nga = make_case(db, caseworker, "VN-E1", "Tran Thi Nga")
    make_appeal(db, caseworker, nga, addressee, campaign=campaign.slug, asks=["Free Nga now"])
    db.flush()
    cards = public_service.active_campaign_appeals(db, campaign.slug)
    data = packs.render_event_pack(
        cards,
        campaign=packs.EventCampaign.of(campaign, ""),
        photos={},
        paper="a4",
        today=dt.date(2024, 12, 10),
        organisation="Tracker Human Rights",
        reader=reader,
    )
    return [" ".join(page.split()) for page in _pages(data)]


ENGLISH_PACK_WORDS = (
    "event pack",
    "Instructions for the organiser",
    "In this pack",
    "Printed",
    "Tally sheet",
    "Make one stroke",
    "Letters written",
    "All letters written",
    "Organiser:",
    "What to ask",
    "Their story",
)


def test_event_pack_speaks_its_readers_french(db: Any, caseworker: User) -> None:
    pages = _pack_in(db, caseworker, "fr")
    cover, brief, tally = pages[0], pages[1], pages[-1]
    assert "DOSSIER POUR UNE SOIRÉE D'ÉCRITURE" in cover.upper()
    assert "Consignes pour l'organisateur ou l'organisatrice" in cover
    assert "1 personne · 1 lettre · langues : anglais" in cover
    assert "Imprimé le 10 décembre 2024" in cover
    assert "FICHE DE PRÉSENTATION" in brief.upper() and "Ce qu'il faut demander" in brief
    assert "Écrire à" in brief and "(en anglais)" in brief
    assert "Feuille de décompte" in tally and "Tracez un trait pour chaque lettre écrite" in tally
    assert "Lettres écrites" in tally and "Total des lettres écrites" in tally
    assert "Organisateur ou organisatrice :" in tally
    assert "anglais" in tally  # the language column names the language, not its tag
    front_and_tally = " ".join([cover, brief, tally])
    assert not [w for w in ENGLISH_PACK_WORDS if w in front_and_tally]


def test_event_pack_speaks_its_readers_arabic(db: Any, caseworker: User) -> None:
    pages = _pack_in(db, caseworker, "ar")
    cover, tally = pages[0], pages[-1]
    assert "تعليمات للمنظِّم" in cover and "محتويات هذه الحزمة" in cover
    assert "ورقة الإحصاء" in tally and "الرسائل المكتوبة" in tally and "الإنجليزية" in tally
    assert "Tran Thi Nga" in tally  # a Latin name keeps its order inside the Arabic sheet
    assert not [w for w in ENGLISH_PACK_WORDS if w in " ".join([cover, pages[1], tally])]


def test_event_pack_refusals_are_messages() -> None:
    from tracker.services.letters.compose import LetterError

    with pytest.raises(LetterError) as refused:
        packs.render_event_pack(
            [],
            campaign=packs.EventCampaign("W", "w", None, None, ""),
            photos={},
            paper="a4",
            today=dt.date(2024, 12, 10),
            organisation="T",
        )
    assert refused.value.message == "There is no active appeal to print."
    assert getattr(refused.value.message, "msgid", None) == "There is no active appeal to print."


def test_event_pack_laid_out_in_chunks_is_the_same_pack(
    db: Any, caseworker: User, monkeypatch: Any
) -> None:
    """A big event pack lays its briefs out in chunks in the layout processes, like its letters
    (one document of 5,000 briefs broke its time limit): page for page the same pack."""
    _data, pages = _pack(db, caseworker)
    campaign = campaign_by_slug(db, "write-for-rights-2024")
    cards = packs.in_language(public_service.active_campaign_appeals(db, campaign.slug), "")
    monkeypatch.setattr(pack, "PACK_CHUNK", 1)  # a brief (and a letter) per chunk
    chunked = packs.render_event_pack(
        cards,
        campaign=packs.EventCampaign.of(campaign, "Tables open at 10:00.\n\nCollect pens after."),
        photos=packs.consented_photos(db, cards),
        paper="letter",
        today=dt.date(2024, 12, 10),
        organisation="Tracker Human Rights",
        workers=2,
    )
    chunked_pages = _pages(chunked)
    # Cover, briefs and tally sheet page for page the same (a letter's "Page 1 of N" counts
    # the pages of its own chunk of letters, as in any letter pack cut in chunks).
    assert len(chunked_pages) == len(pages)
    assert chunked_pages[:3] == pages[:3] and chunked_pages[-1] == pages[-1]
    assert "2 people · 2 letters" in pages[0] and "Narges Mohammadi" not in pages[0]
    images = {img.data for page in PdfReader(io.BytesIO(chunked)).pages for img in page.images}
    assert len(images) == 1  # the consented photo, in its own chunk
    # The tally sheet in documents of TALLY_ROWS rows: the heading once, every row in order,
    # the sum and the signature line once, at the end.
    monkeypatch.setattr(packs, "TALLY_ROWS", 1)
    rows = packs.render_event_pack(
        cards,
        campaign=packs.EventCampaign.of(campaign, ""),
        photos={},
        paper="letter",
        today=dt.date(2024, 12, 10),
        organisation="Tracker Human Rights",
        workers=2,
    )
    tally = " ".join(" ".join(_pages(rows)[-2:]).split())
    assert tally.count("Tally sheet") == 1 and tally.count("All letters written") == 1
    assert tally.index("Tally sheet") < tally.index("Tran Thi Nga") < tally.index("Narges")
    assert tally.index("Narges") < tally.index("All letters written") < tally.index("Organiser")
