"""Public pages of printed documents: is this certificate of attendance genuine?"""

from flask import Blueprint, redirect, render_template, request, url_for

from conference.documents import certificates
from conference.limits.services import limited

blueprint = Blueprint("documents", __name__)


@blueprint.get("/certificates/verify", defaults={"number": None})
@blueprint.get("/c/<number>")
@limited("verification", methods=("GET",))
def verify(number: str | None):
    """The QR code and the short address on a certificate lead here; a number can also be typed in."""
    typed = (number or request.args.get("number", ""))[:40]
    if number is None and typed:
        return redirect(url_for(".verify", number=certificates.normalise_number(typed) or "-"), code=303)
    certificate = certificates.find(typed) if typed else None
    genuine = certificate is not None and certificates.is_true(certificate)
    return (render_template("documents/verify.html", number=typed, certificate=certificate, genuine=genuine),
            404 if typed and not genuine else 200)
