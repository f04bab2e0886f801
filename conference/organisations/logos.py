"""Uploaded logos: checked by content, stored under a random name, served so they cannot run script.

An SVG is a program for the PDF renderer: it is parsed by a hardened parser (defusedxml) that refuses any
DOCTYPE and entity, whatever the file's encoding (UTF-16 hides ``<!ENTITY`` from a search of the bytes), and
refused when drawing it takes more than MAX_DRAWN elements, counting what each ``<use>`` repeats, or more than
MAX_TEXT letters of text. The
documents' fetcher checks every SVG logo again before drawing it (``svg_problem``), so a logo stored before
these checks cannot slow a document down either.
"""

import secrets
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as parse_safely
from flask_babel import gettext as _

from conference.files import uploads_folder

MAX_BYTES = 512 * 1024
# Elements drawn, a <use> counting what it repeats: a logo from a designer has tens to hundreds; WeasyPrint
# draws about 6,000 a second here, and a logo is drawn on every page (badges: ten a sheet).
MAX_DRAWN = 3000
# Letters of text (spaces aside): a logo's words are few, and WeasyPrint lays 100,000 out for 14 s.
MAX_TEXT = 2000
SIGNATURES = {b"\x89PNG\r\n\x1a\n": "png", b"\xff\xd8\xff": "jpg"}
NAME_PATTERN = r"[0-9a-f]{32}\.(png|jpg|svg)"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"


class LogoError(ValueError):
    pass


def folder() -> Path:
    return uploads_folder("logos")


def svg_problem(content: bytes) -> str | None:
    """Why this SVG must not be drawn – "not an svg", "declarations" or "too complex" – or None.

    Plain words, no translation: the documents' rendering processes call it outside the app."""
    try:
        root = parse_safely(content, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        return "declarations"
    except ParseError:
        return "not an svg"
    if root.tag not in ("svg", f"{SVG}svg"):
        return "not an svg"
    if sum(1 for _element in root.iter()) > MAX_DRAWN:
        return "too complex"
    if sum(len("".join(text.split())) for text in root.itertext()) > MAX_TEXT:
        return "too complex"
    try:
        _drawn(root)
    except (_TooComplex, RecursionError):  # a chain of <use> deeper than Python's stack is too complex as well
        return "too complex"
    return None


class _TooComplex(Exception):
    pass


def _drawn(root: Element) -> int:
    """How many elements drawing ``root`` takes: each once, plus what each ``<use>`` repeats (a <use> of a
    group of <use>s of groups… multiplies); _TooComplex beyond MAX_DRAWN or for a <use> that repeats itself."""
    by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
    known: dict[int, int] = {}

    def count(element: Element, inside: frozenset[int]) -> int:
        if id(element) in known:
            return known[id(element)]
        if id(element) in inside:
            raise _TooComplex()
        inside = inside | {id(element)}
        total = 1 + sum(count(child, inside) for child in element)
        if element.tag in ("use", f"{SVG}use"):
            reference = element.get(XLINK_HREF) or element.get("href") or ""
            target = by_id.get(reference[1:]) if reference.startswith("#") else None
            total += count(target, inside) if target is not None else 0
        if total > MAX_DRAWN:
            raise _TooComplex()
        known[id(element)] = total
        return total

    return count(root, frozenset())


def kind_of(content: bytes) -> str:
    """ "png", "jpg" or "svg", judged by the content, never by the file name."""
    for signature, kind in SIGNATURES.items():
        if content.startswith(signature):
            return kind
    problem = svg_problem(content)
    if problem == "declarations":
        raise LogoError(_("This SVG file uses features that are not allowed."))
    if problem == "too complex":
        raise LogoError(
            _(
                "This SVG file has too many shapes or too much text to print quickly. Please upload the "
                "logo as a PNG image, or a simpler SVG."
            )
        )
    if problem:
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
