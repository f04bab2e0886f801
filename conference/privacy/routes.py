"""A registrant's own data through their link: download it, or have it deleted."""

import json

from flask import Blueprint, Response, render_template

from conference.database import utcnow
from conference.documents.render import file_name
from conference.privacy import services
from conference.registration import services as registration_services
from conference.registration.routes import page_part
from conference.registration.web import registration_or_404
from conference.site.forms import Form

blueprint = Blueprint("privacy", __name__)


def json_download(data: dict, *name_parts: str) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, indent=2), mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name(*name_parts, extension="json")}"'
    return response


@page_part
def deletion_on_registrant_page(registration, _now) -> dict:
    return {"delete_after": services.delete_after(registration.event)}


@blueprint.get("/registrations/<token>/my-data.json")
def my_data(token: str):
    registration = registration_or_404(token)
    return json_download(services.export(registration), registration.event.slug, "registration")


@blueprint.route("/registrations/<token>/delete", methods=["GET", "POST"])
def delete(token: str):
    registration = registration_or_404(token)
    event = registration.event
    form = Form()
    if form.validate_on_submit():
        services.delete_on_request(registration.id, utcnow(), by=None, by_registrant=True)
        return render_template("privacy/deleted.html", event=event)
    return render_template(
        "privacy/delete.html",
        registration=registration,
        event=event,
        token=token,
        form=form,
        now=utcnow(),
        group=registration_services.group_of(registration),
    )
