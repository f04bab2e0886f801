"""Uploaded logos: checked by content, stored under a random name, served so they cannot run script."""

import secrets
from pathlib import Path
from xml.etree import ElementTree

from flask_babel import gettext as _

from conference.files import uploads_folder

MAX_BYTES = 512 * 1024
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
NAME_PATTERN = r"[0-9a-f]{32}\.(png|jpg|svg)"


class LogoError(ValueError):
    pass


def folder() -> Path:
    return uploads_folder("logos")


def kind_of(content: bytes) -> str:
    """"png", "jpg" or "svg", judged by the content, never by the file name."""
    for signature, kind in SIGNATURES.items():
        if content.startswith(signature):
            return kind
    try:
        # Refuses entity declarations and DOCTYPEs up front (no "billion laughs" or external entities).
        if b"<!DOCTYPE" in content[:2048].upper() or b"<!ENTITY" in content.upper():
            raise LogoError(_("This SVG file uses features that are not allowed."))
        root = ElementTree.fromstring(content)
    except ElementTree.ParseError as error:
        raise LogoError(_("Please upload a PNG, JPEG or SVG image.")) from error
    if root.tag not in ("svg", "{http://www.w3.org/2000/svg}svg"):
        raise LogoError(_("Please upload a PNG, JPEG or SVG image."))
    return "svg"


def store(content: bytes) -> str:
    """Check and save a logo; returns its stored name."""
    if len(content) > MAX_BYTES:
        raise LogoError(_("The logo is too large (at most 512 KB)."))
    name = f"{secrets.token_hex(16)}.{kind_of(content)}"
    (folder() / name).write_bytes(content)
    return name


def remove(name: str | None) -> None:
    if name:
        (folder() / name).unlink(missing_ok=True)
