"""Reading documents as people do: PDF pages as pictures (poppler's pdftoppm) and QR codes with a real decoder
(zxing-cpp)."""

import io
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Code:
    text: str
    standard_qr: bool  # a QR code, not a Micro QR code (which phones cannot read)
    width_mm: float  # the symbol's width on paper (or in pixels at 25.4 dpi for screen images)


def pages_as_images(pdf: bytes, dpi: int = 150) -> list[Image.Image]:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-png", "-r", str(dpi), str(source), str(Path(folder) / "page")], check=True, timeout=120
        )
        return [Image.open(path).copy() for path in sorted(Path(folder).glob("page-*.png"))]


def codes_in(image: Image.Image | bytes, dpi: float = MM_PER_INCH) -> list[Code]:
    """Every QR code (or Micro QR code) a reader finds in the picture, top to bottom. Only those are looked for: a
    reader asked for every format now and then took a stretch of modules for a line barcode too."""
    if isinstance(image, bytes):
        image = Image.open(io.BytesIO(image))
    found = zxingcpp.read_barcodes(
        image.convert("L"), formats=(zxingcpp.BarcodeFormat.QRCode, zxingcpp.BarcodeFormat.MicroQRCode)
    )
    return [
        Code(
            barcode.text,
            barcode.format == zxingcpp.BarcodeFormat.QRCode,
            abs(barcode.position.top_right.x - barcode.position.top_left.x) / dpi * MM_PER_INCH,
        )
        for barcode in sorted(found, key=lambda barcode: (barcode.position.top_left.y, barcode.position.top_left.x))
    ]


def codes_in_pdf(pdf: bytes, dpi: int = 150) -> list[list[Code]]:
    """The codes on each page of a PDF, with their printed size."""
    return [codes_in(page, dpi) for page in pages_as_images(pdf, dpi)]


def codes_in_image_uri(data_uri: str) -> list[Code]:
    """The codes in a picture a page shows as a data: URI (an SVG QR code), drawn 60 mm wide by the PDF renderer."""
    from conference.documents import engine

    pdf = engine.html_to_pdf(f'<img src="{data_uri}" style="width: 60mm">', {})
    return [code for page in codes_in_pdf(pdf) for code in page]
