"""Joining PDFs rendered in chunks into one file, with its metadata set again."""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.generic import NameObject, TextStringObject


@dataclass(frozen=True)
class Metadata:
    title: str
    author: str
    language: str


def merge(pdfs: Iterable[bytes], metadata: Metadata) -> bytes:
    writer = PdfWriter()
    for pdf in pdfs:
        writer.append(PdfReader(io.BytesIO(pdf)))
    # Chunks share fonts and images; identical objects are stored once.
    writer.compress_identical_objects()  # both duplicates and unreferenced objects
    # Merging keeps pages, not the document's information: set it again.
    writer.add_metadata({"/Title": metadata.title, "/Author": metadata.author, "/Producer": "conference"})
    writer._root_object[NameObject("/Lang")] = TextStringObject(metadata.language)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
