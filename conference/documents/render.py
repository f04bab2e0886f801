"""The one way features turn templates into PDF.

Every document renders in the process pool, within a time limit per chunk (``RENDER_SECONDS``): one that
takes longer (an image too costly to draw, say) is stopped and refused with a message, instead of
keeping the server busy for minutes. Big documents are rendered as chunks of whole pages, side by side,
and merged: every core is used, and memory stays flat however long the list (WeasyPrint's time and
memory grow with the pages one document spans).
"""

import fcntl
import hashlib
import io
import re
import time
import unicodedata
from collections.abc import Callable, Iterable

from flask import current_app, render_template, send_file
from flask_babel import gettext as _
from text_unidecode import unidecode

from conference.documents.pdf import Metadata, merge
from conference.files import instance_folder, uploads_folder
from conference.rules import Refusal
from conference.site.urls import GERMAN_LETTERS


class TooSlowToRender(Refusal):
    def __init__(self):
        super().__init__(
            _(
                "This document could not be made in time, so making it was stopped. Most often an image "
                "is to blame, such as a logo drawn with a great many shapes: please replace it with a PNG "
                "file, or tell the administrators."
            )
        )


def folders() -> dict[str, str]:
    """What documents may load: the organisations' logos, and nothing else of the uploads (materials are private)."""
    return {"logos": str(uploads_folder("logos"))}


def _rendered(html_documents: Iterable[str], tagged: bool = True):
    """The PDF of each complete HTML document, rendered in the pool, in order; TooSlowToRender past the limit."""
    from conference.documents import pool

    try:
        yield from pool.render_in_parallel(html_documents, folders(), tagged, current_app.config["RENDER_SECONDS"])
    except pool.TooSlow as error:
        raise TooSlowToRender() from error


def render_pdf(template: str, **context) -> bytes:
    [pdf] = _rendered([render_template(template, **context)])
    return pdf


def render_chunks(
    html_chunks: list[str], metadata: Metadata, progress: Callable[[int], None] = lambda done: None
) -> bytes:
    """One PDF from complete HTML documents rendered one by one (``progress`` hears each)."""
    if len(html_chunks) == 1:
        [pdf] = _rendered(html_chunks)
        return pdf
    # Merging keeps pages, not structure trees, so chunks are rendered untagged: their trees (thousands of
    # objects per chunk) would be parsed by the merge only to be dropped, and made the 10,000-row list
    # take 580 MB and 10 s to merge instead of 50 MB and half a second.
    return merge(_counted(_rendered(html_chunks, tagged=False), progress), metadata)


def render_each(html_documents: Iterable[str], progress: Callable[[int], None] = lambda done: None):
    """A PDF for each complete HTML document, rendered in the pool, in order."""
    return _counted(_rendered(html_documents), progress)


def _counted(pdfs, progress):
    for done, pdf in enumerate(pdfs, start=1):
        yield pdf
        progress(done)


def shared_pdf(html: str, metadata: Metadata) -> tuple[bytes, str]:
    """A public document (no personal data), rendered once per content; returns it and its ETag.

    The PDF of identical HTML is read from disk. While one request renders, others asking for the same content
    wait for it (a file lock per content, so also across processes) instead of rendering it again; other
    documents render meanwhile. Content that took too long is refused at once for a while, rather than keeping
    a process busy up to the time limit for every visitor.
    """
    digest = hashlib.sha256(f"{html}{metadata}".encode()).hexdigest()
    folder = instance_folder("documents", "shared")
    path, too_slow = folder / f"{digest}.pdf", folder / f"{digest}.slow"
    if not path.is_file():
        with open(folder / f"{digest}.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if too_slow.is_file() and time.time() - too_slow.stat().st_mtime < SLOW_REFUSED_FOR:
                raise TooSlowToRender()
            if not path.is_file():
                partial = path.with_suffix(".part")
                try:
                    partial.write_bytes(render_chunks([html], metadata))
                except TooSlowToRender:
                    too_slow.touch()
                    raise
                partial.rename(path)
    return path.read_bytes(), digest


SLOW_REFUSED_FOR = 10 * 60  # seconds a public document that took too long is refused without trying again


def remove_old_shared(older_than: float) -> None:
    """Shared documents (and their locks and marks) not written since ``older_than`` (a timestamp): their events
    have changed since."""
    for path in instance_folder("documents", "shared").iterdir():
        if path.stat().st_mtime < older_than:
            path.unlink(missing_ok=True)


def pdf_response(pdf: bytes, download_name: str):
    """The PDF as a download; private, since most documents carry personal data."""
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=download_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _folded(character: str) -> str:
    """A Latin letter in ASCII (é → e, ı → i, ł → l, æ → ae; text-unidecode, which python-slugify uses); letters of
    other scripts as they are (й stays й)."""
    if character.isascii() or not unicodedata.name(character, "").startswith("LATIN"):
        return character
    return unidecode(character) or character


def file_name(*parts: str, extension: str = "pdf") -> str:
    """A download's name in letters and digits, the rest dashes, e.g. teilnehmerliste-tagung.pdf: umlauts written
    out as in web addresses (größe → groesse), other Latin letters in ASCII (é → e), other scripts kept (петров),
    so no name is lost."""
    text = unicodedata.normalize("NFC", "-".join(parts))
    for letter, written_out in GERMAN_LETTERS:
        text = text.replace(letter, written_out)
    text = "".join(_folded(character) for character in text)
    return (re.sub(r"[\W_]+", "-", text).strip("-").lower() or "document") + f".{extension}"
