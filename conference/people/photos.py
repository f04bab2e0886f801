"""Speakers' photos: checked by their content (an image Pillow decodes: JPEG, PNG or WebP, never SVG), turned
upright, scaled to at most ``SIDE`` pixels and saved again as a JPEG, which leaves every piece of metadata
(camera, place, date) behind. Stored under a random name; served only where the person agreed (people/routes.py)."""

import io
import secrets
import warnings
from pathlib import Path

from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from conference.files import uploads_folder
from conference.rules import Refusal

MAX_BYTES = 5_000_000
# Pixels a photo may have before it is scaled: a phone's 50-megapixel photo, but not a "decompression bomb" whose
# few kilobytes unpack to gigabytes.
MAX_PIXELS = 60_000_000
SIDE = 800
FORMATS = {"JPEG", "PNG", "WEBP"}
NAME_PATTERN = r"[0-9a-f]{32}\.jpg"


class PhotoRefused(Refusal):
    pass


def folder() -> Path:
    return uploads_folder("photos")


def store(content: bytes) -> str:
    """Check, scale and save a photo; returns its stored name (PhotoRefused with the reason)."""
    if len(content) > MAX_BYTES:
        raise PhotoRefused(_("The photo is too large (at most 5 MB)."), "photo")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(content), formats=sorted(FORMATS))
            if opened.width * opened.height > MAX_PIXELS:
                raise PhotoRefused(_("The photo has too many pixels. Please upload a smaller one."), "photo")
            upright = ImageOps.exif_transpose(opened)
            upright.thumbnail((SIDE, SIDE))
            if upright.mode in ("RGBA", "LA", "P", "PA"):  # a transparent background becomes white, not black
                with_alpha = upright.convert("RGBA")
                upright = Image.new("RGB", with_alpha.size, "white")
                upright.paste(with_alpha, mask=with_alpha.getchannel("A"))
            upright = upright.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError, OSError) as error:
        raise PhotoRefused(_("Please upload a photo as a JPEG, PNG or WebP image."), "photo") from error
    name = f"{secrets.token_hex(16)}.jpg"
    upright.save(folder() / name, "JPEG", quality=85, optimize=True)  # no exif= or icc: nothing else is kept
    return name


def remove(name: str | None) -> None:
    if name:
        (folder() / name).unlink(missing_ok=True)
