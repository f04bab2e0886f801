"""Organisers: when an event's personal data will be deleted, what was deleted, and requests by one person."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from conference.database import row_of_event_or_404, utcnow
from conference.privacy import services
from conference.privacy.routes import json_download
from conference.registration.models import Registration
from conference.site.forms import Form

blueprint = Blueprint("privacy_manage", __name__, url_prefix="/manage/events/<int:event_id>")


@blueprint.get("/privacy")
def overview(event_id: int):
    event = g.event
    return render_template("privacy/manage.html", event=event, delete_after=services.delete_after(event),
                           records=services.records(event.id))


@blueprint.get("/registrations/<int:registration_id>/data.json")
def export(event_id: int, registration_id: int):
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    return json_download(services.export(registration), event.slug, "registration", str(registration.id))


@blueprint.post("/registrations/<int:registration_id>/delete")
def delete(event_id: int, registration_id: int):
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    if Form().validate_on_submit():
        services.delete_on_request(registration.id, utcnow(), user_id=current_user.id)
        flash(_("The person's data has been deleted."), "success")
    return redirect(url_for("privacy_manage.overview", event_id=event.id), code=303)
