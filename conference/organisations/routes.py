"""The organisations' logos, served so that they cannot run script (their pages: events/routes.py)."""

import re

from flask import Blueprint, abort, send_from_directory

from conference.organisations import logos

blueprint = Blueprint("organisations", __name__)


@blueprint.get("/logos/<name>")
def logo(name: str):
    if not re.fullmatch(logos.NAME_PATTERN, name):
        abort(404)
    response = send_from_directory(logos.folder(), name, max_age=86400)
    # An SVG opened on its own must not run script in the site's name.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
