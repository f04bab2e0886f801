from flask import Blueprint, abort, render_template

from conference.extensions import db
from conference.organisations import services
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
