"""A case's photo: any upload re-encoded by Pillow, so nothing of the original file is kept.

Re-encoding drops every piece of metadata (EXIF with its GPS position, XMP, comments, the
camera's thumbnail) and anything hidden after the image data. The pixel count is read from
the header and bounded before a single pixel is decoded, so a small file that would expand to
gigabytes (a decompression bomb) is refused. Photos are stored in the database beside the case:
backups, the archive and several machines on one PostgreSQL carry them with no shared folder,
and re-encoded photos are small (a few hundred kilobytes at most).
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy.orm import Session

from tracker.domain.errors import ValidationError
from tracker.domain.messages import M_
from tracker.models import Case, User, utcnow
from tracker.services import audit
from tracker.services.versions import flush_edit

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# A 48-megapixel camera's photo; far more than a face needs, far less than a bomb.
MAX_PIXELS = 50_000_000
MAX_SIDE = 1200  # the longest side kept: a case page shows 160 px, a pack page a few cm
FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
PHOTO_TYPE = "image/jpeg"


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, {"photo": message})


def clean_photo(data: bytes) -> bytes:
    """The photo re-encoded as a JPEG without metadata; ValidationError for what is not one."""
    if not data:
        raise _refuse(M_("Choose a photo to upload."))
    if len(data) > MAX_UPLOAD_BYTES:
        raise _refuse(
            M_("The photo is larger than %(mb)s MB.", mb=MAX_UPLOAD_BYTES // (1024 * 1024))
        )
    try:
        with warnings.catch_warnings():
            # Our own bound below comes first; Pillow's warning must not stop the header read.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise _refuse(M_("Upload a JPEG, PNG, WebP or GIF photo."))
            width, height = image.size
            if width * height > MAX_PIXELS or width < 1 or height < 1:
                raise _refuse(
                    M_(
                        "The photo is %(width)s x %(height)s pixels; at most %(millions)s "
                        "million pixels are accepted.",
                        width=width,
                        height=height,
                        millions=MAX_PIXELS // 1_000_000,
                    )
                )
            image.load()
    except Image.DecompressionBombError:
        raise _refuse(
            M_(
                "The photo has too many pixels; at most %(millions)s million are accepted.",
                millions=MAX_PIXELS // 1_000_000,
            )
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refuse(
            M_("This file is not an image that can be read (JPEG, PNG, WebP or GIF).")
        ) from None
    # Turn it the way the camera meant (its orientation tag is then dropped with the rest).
    picture: Image.Image = ImageOps.exif_transpose(image) or image
    if picture.mode in ("RGBA", "LA", "P", "PA"):
        picture = picture.convert("RGBA")
        background = Image.new("RGB", picture.size, (255, 255, 255))
        background.paste(picture, mask=picture.getchannel("A"))
        picture = background
    picture = picture.convert("RGB")
    picture.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    # No exif=, icc_profile= or comment: the new file carries pixels only.
    picture.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def set_photo(session: Session, actor: User | None, case: Case, data: bytes) -> None:
    """Replace the case's photo with a cleaned copy of `data` (its version grows)."""
    case.photo = clean_photo(data)
    case.photo_type = PHOTO_TYPE
    case.updated_at = utcnow()
    flush_edit(session, case, "Someone else saved this case after you opened it.")
    audit.record(session, actor, "case.photo", "case", case.id, ["photo"], version=case.version)


def remove_photo(session: Session, actor: User | None, case: Case) -> None:
    """Delete the case's photo."""
    if case.photo_type is None:
        return
    case.photo = None
    case.photo_type = None
    case.updated_at = utcnow()
    flush_edit(session, case, "Someone else saved this case after you opened it.")
    audit.record(session, actor, "case.photo_remove", "case", case.id, ["photo"])
