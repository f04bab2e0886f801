"""QR codes as phones and hand scanners read them.

Always a standard QR code: ``segno.make`` picks a Micro QR code for short content, which phone
cameras and most scanners cannot read. Always with the quiet zone of four modules the standard
asks for: without it, readers lose the code against a busy background.
"""

import io

import segno
import zxingcpp
from PIL import Image

QUIET_ZONE = 4  # modules of white on every side (ISO/IEC 18004)


def _symbol(content: str) -> segno.QRCode:
    return segno.make_qr(content, error="m")


def svg_data_uri(content: str) -> str:
    """For pages and PDFs; the size on screen or paper is set by the template's CSS."""
    return _symbol(content).svg_data_uri(scale=8, border=QUIET_ZONE)


def png(content: str) -> bytes:
    """For mail, where some programs show no SVG: 8 pixels a module (232 px for a check-in code), with the quiet
    zone. Encoded by zxing-cpp (C++) and written as a 1-bit PNG by Pillow: segno's pure-Python choice of the mask
    and PNG writer took 3 ms of each confirmation mail, these take under 1 ms."""
    symbol = zxingcpp.create_barcode(content, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    pixels = zxingcpp.write_barcode_to_image(symbol, scale=8, add_quiet_zones=True)  # four modules, as above
    image = io.BytesIO()
    Image.fromarray(pixels).convert("1").save(image, format="PNG")
    return image.getvalue()
