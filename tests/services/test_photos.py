"""Photos: re-encoded by Pillow (no EXIF, no GPS), bounded against decompression bombs, a clear
error for what is not an image, served only with photo consent, and kept by the archive."""

from __future__ import annotations

import base64
import io
import struct
import zlib
from typing import Any

import pytest
from flask.testing import FlaskClient
from PIL import Image

from tests.conftest import csrf_token_from, login_as
from tests.pdf.factory import make_case
from tracker.domain.errors import ValidationError
from tracker.models import Case, User
from tracker.services.accounts.users import create_token
from tracker.services.cases.photos import MAX_PIXELS, clean_photo, set_photo

GPS_IFD = 0x8825
SENTINEL = "QQEXIFSENTINEL"


def photo_with_gps(size: tuple[int, int] = (640, 480)) -> bytes:
    """A JPEG as a phone makes it: camera make, a description and the GPS position."""
    image = Image.new("RGB", size, (200, 80, 40))
    exif = Image.Exif()
    exif[0x010F] = f"{SENTINEL}-make"  # Make
    exif[0x010E] = f"{SENTINEL}-description"  # ImageDescription
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (35.0, 41.0, 22.0)  # Evin prison, Tehran
    gps[3] = "E"
    gps[4] = (51.0, 23.0, 15.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    data = out.getvalue()
    planted = Image.open(io.BytesIO(data)).getexif()
    assert planted.get_ifd(GPS_IFD) and SENTINEL.encode() in data  # the plant is there
    return data


def png_bomb(width: int, height: int) -> bytes:
    """A tiny PNG whose header announces `width` x `height` pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )


def assert_clean(data: bytes) -> None:
    image = Image.open(io.BytesIO(data))
    assert image.format == "JPEG"
    exif = image.getexif()
    assert not exif.get_ifd(GPS_IFD) and len(exif) == 0
    assert b"Exif" not in data and SENTINEL.encode() not in data


def test_gps_exif_planted_in_an_upload_is_not_in_what_is_served(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "IR-PH-1", "Photo Person", consent_photo=True)
    set_photo(db, caseworker, case, photo_with_gps())
    db.commit()
    response = client.get(f"/cases/{case.slug}/photo")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert_clean(response.data)
    assert Image.open(io.BytesIO(response.data)).size == (640, 480)


def test_photo_shown_only_with_photo_consent(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "IR-PH-2", "No Photo Consent", consent_photo=False)
    set_photo(db, caseworker, case, photo_with_gps())
    db.commit()
    assert client.get(f"/cases/{case.slug}/photo").status_code == 404
    assert f"/cases/{case.slug}/photo" not in client.get(f"/cases/{case.slug}").get_data(
        as_text=True
    )


def test_what_is_not_an_image_is_refused_with_a_clear_message(db: Any) -> None:
    for data, words in (
        (b"", "Choose a photo"),
        (b"%PDF-1.7 not a photo", "not an image that can be read"),
        (b"\xff\xd8\xff\xe0 truncated jpeg", "not an image that can be read"),
        (b"GIF89a" + b"\0" * 20, "not an image that can be read"),
    ):
        with pytest.raises(ValidationError) as refused:
            clean_photo(data)
        assert words in refused.value.field_errors["photo"]


def test_decompression_bomb_is_refused_before_decoding(db: Any) -> None:
    bomb = png_bomb(100_000, 100_000)  # ten billion pixels in a few hundred bytes
    assert len(bomb) < 1000
    with pytest.raises(ValidationError) as refused:
        clean_photo(bomb)
    assert "million" in refused.value.field_errors["photo"]
    just_over = png_bomb(10_000, MAX_PIXELS // 10_000 + 1)
    with pytest.raises(ValidationError):
        clean_photo(just_over)


def test_large_photo_is_scaled_down_and_turned_the_way_the_camera_meant(db: Any) -> None:
    image = Image.new("RGB", (3000, 1000), (10, 20, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: turn 90 degrees
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    cleaned = Image.open(io.BytesIO(clean_photo(out.getvalue())))
    assert cleaned.size == (400, 1200)  # turned upright, longest side 1200


def test_staff_form_uploads_a_photo_and_refuses_a_non_image(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    case = make_case(db, caseworker, "IR-PH-3", "Form Photo", consent_photo=True)
    db.commit()
    login_as(client, caseworker)
    edit = f"/staff/cases/{case.id}/edit"
    token = csrf_token_from(client, edit)
    assert 'enctype="multipart/form-data"' in client.get(edit).get_data(as_text=True)
    url = f"/staff/cases/{case.id}/photo"
    refused = client.post(
        url,
        data={"csrf_token": token, "photo": (io.BytesIO(b"not an image"), "x.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "not an image that can be read" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(Case, case.id).photo_type is None
    saved = client.post(
        url,
        data={"csrf_token": token, "photo": (io.BytesIO(photo_with_gps()), "evin.jpg")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "Photo saved" in saved.get_data(as_text=True)
    assert_clean(client.get(url).data)
    assert_clean(client.get(f"/cases/{case.slug}/photo").data)
    client.post(url, data={"csrf_token": token, "remove": "1"})
    assert client.get(f"/cases/{case.slug}/photo").status_code == 404


def test_api_uploads_a_photo_and_refuses_a_non_image(
    client: FlaskClient, db: Any, caseworker: User
) -> None:
    token = create_token(db, None, caseworker, "tests")
    case = make_case(db, caseworker, "IR-PH-4", "Api Photo", consent_photo=True)
    db.commit()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/api/v1/cases/{case.id}/photo"
    bad = client.put(url, json={"image": base64.b64encode(b"hello").decode()}, headers=headers)
    assert bad.status_code == 422 and "not an image" in bad.get_json()["error"]
    good = client.put(
        url, json={"image": base64.b64encode(photo_with_gps()).decode()}, headers=headers
    )
    assert good.status_code == 200, good.get_json()
    body = good.get_json()
    assert body["photo_type"] == "image/jpeg" and (body["width"], body["height"]) == (640, 480)
    assert body["public"] is True
    assert_clean(client.get(f"/cases/{case.slug}/photo").data)
    removed = client.put(url, json={"image": None}, headers=headers)
    assert removed.status_code == 200 and removed.get_json()["photo_type"] is None
    assert client.get(f"/cases/{case.slug}/photo").status_code == 404
