"""QR codes as phones and hand scanners read them.

Always a standard QR code: ``segno.make`` picks a Micro QR code for short content, which phone
cameras and most scanners cannot read. Always with the quiet zone of four modules the standard
asks for: without it, readers lose the code against a busy background.
"""

import io

import segno

QUIET_ZONE = 4  # modules of white on every side (ISO/IEC 18004)


def _symbol(content: str) -> segno.QRCode:
    return segno.make_qr(content, error="m")


def svg_data_uri(content: str) -> str:
    """For pages and PDFs; the size on screen or paper is set by the template's CSS."""
    return _symbol(content).svg_data_uri(scale=8, border=QUIET_ZONE)


def png(content: str) -> bytes:
    """For mail, where some programs show no SVG: 8 pixels a module (232 px for a check-in code)."""
    image = io.BytesIO()
    _symbol(content).save(image, kind="png", scale=8, border=QUIET_ZONE)
    return image.getvalue()
