"""Reading what a PDF says."""

import io

from pypdf import PdfReader

# Names from everywhere: every one of them must come out of the PDF as typed.
NAMES = [
    ("Ayşe", "Yılmaz"),
    ("Jürgen", "Größe"),
    ("Иван", "Петров"),
    ("محمد", "العلي"),
    ("Ζωή", "Παπαδοπούλου"),
    ("Ngọc", "Nguyễn"),
]


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
