import re

from flask import Blueprint, abort, render_template, send_from_directory

from conference.extensions import db
from conference.organisations import logos, services
from conference.organisations.models import Organisation

blueprint = Blueprint("organisations", __name__)


@blueprint.get("/organisations")
def index():
    return render_template("organisations/index.html", groups=services.taking_part_by_kind())


@blueprint.get("/organisations/<slug>")
def detail(slug: str):
    organisation = db.session.scalar(db.select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        abort(404)
    return render_template(
        "organisations/detail.html", organisation=organisation, roles=services.public_roles(organisation)
    )


@blueprint.get("/logos/<name>")
def logo(name: str):
    if not re.fullmatch(logos.NAME_PATTERN, name):
        abort(404)
    response = send_from_directory(logos.folder(), name, max_age=86400)
    # An SVG opened on its own must not run script in the site's name.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
