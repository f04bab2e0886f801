"""The one way features turn templates into PDF.

Small documents (a ticket, one certificate, a first page for a preview) render in the app
process. Big ones are rendered as chunks of whole pages, side by side in the process pool, and
merged: every core is used, and memory stays flat however long the list (WeasyPrint's time and
memory grow with the pages one document spans).
"""

import fcntl
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Iterable

from flask import render_template, send_file

from conference.documents.pdf import Metadata, merge
from conference.files import instance_folder, uploads_folder


def folders() -> dict[str, str]:
    """What documents may load: the organisations' logos, and nothing else of the uploads (materials are private)."""
    return {"logos": str(uploads_folder("logos"))}


def render_pdf(template: str, **context) -> bytes:
    from conference.documents import engine

    return engine.html_to_pdf(render_template(template, **context), folders())


def render_chunks(html_chunks: list[str], metadata: Metadata,
                  progress: Callable[[int], None] = lambda done: None) -> bytes:
    """One PDF from complete HTML documents rendered one by one (``progress`` hears each)."""
    from conference.documents import engine, pool

    if len(html_chunks) == 1:
        return engine.html_to_pdf(html_chunks[0], folders())
    # Merging keeps pages, not structure trees, so chunks are rendered untagged: their trees (thousands of
    # objects per chunk) would be parsed by the merge only to be dropped, and made the 10,000-row list
    # take 580 MB and 10 s to merge instead of 50 MB and half a second.
    chunks = pool.render_in_parallel(html_chunks, folders(), tagged=False)
    return merge(_counted(chunks, progress), metadata)


def render_each(html_documents: Iterable[str], progress: Callable[[int], None] = lambda done: None):
    """A PDF for each complete HTML document, rendered in the pool, in order."""
    from conference.documents import pool

    return _counted(pool.render_in_parallel(html_documents, folders()), progress)


def _counted(pdfs, progress):
    for done, pdf in enumerate(pdfs, start=1):
        yield pdf
        progress(done)


def shared_pdf(html: str, metadata: Metadata) -> tuple[bytes, str]:
    """A public document (no personal data), rendered once per content; returns it and its ETag.

    The PDF of identical HTML is read from disk. While one request renders, others wait for it
    (a file lock, so also across processes) instead of rendering the same document again.
    """
    digest = hashlib.sha256(f"{html}{metadata}".encode()).hexdigest()
    folder = instance_folder("documents", "shared")
    path = folder / f"{digest}.pdf"
    if not path.is_file():
        with open(folder / "rendering.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not path.is_file():
                partial = path.with_suffix(".part")
                partial.write_bytes(render_chunks([html], metadata))
                partial.rename(path)
    return path.read_bytes(), digest


def remove_old_shared(older_than: float) -> None:
    """Shared documents not written since ``older_than`` (a timestamp): their events have changed since."""
    for path in instance_folder("documents", "shared").glob("*.pdf"):
        if path.stat().st_mtime < older_than:
            path.unlink(missing_ok=True)


def pdf_response(pdf: bytes, download_name: str):
    """The PDF as a download; private, since most documents carry personal data."""
    response = send_file(io.BytesIO(pdf), mimetype="application/pdf", as_attachment=True, download_name=download_name)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _folded(character: str) -> str:
    """A Latin letter without its accent (é → e, ö → o); letters of other scripts as they are (й stays й)."""
    base = unicodedata.normalize("NFKD", character)[0]
    return base if base.isascii() else character


def file_name(*parts: str, extension: str = "pdf") -> str:
    """A download's name in letters and digits, the rest dashes, e.g. teilnehmerliste-tagung.pdf: accents and
    umlauts folded (größe → grosse), other scripts kept as they are (петров), so no name is lost."""
    text = "".join(_folded(character) for character in unicodedata.normalize("NFC", "-".join(parts).replace("ß", "ss")))
    return (re.sub(r"[\W_]+", "-", text).strip("-").lower() or "document") + f".{extension}"
