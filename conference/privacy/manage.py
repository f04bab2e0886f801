"""Organisers: when an event's personal data will be deleted, what was deleted, and requests by one person."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from conference.accounts.services import managed_event_or_abort, row_of_event_or_404
from conference.audit.services import record
from conference.database import utcnow
from conference.privacy import services
from conference.privacy.routes import json_download
from conference.registration.models import Registration
from conference.site.forms import Form

blueprint = Blueprint("privacy_manage", __name__, url_prefix="/manage/events/<int:event_id>")


@blueprint.get("/privacy")
@login_required
def overview(event_id: int):
    event = managed_event_or_abort(current_user, event_id)
    return render_template("privacy/manage.html", event=event, delete_after=services.delete_after(event),
                           records=services.records(event.id))


@blueprint.get("/registrations/<int:registration_id>/data.json")
@login_required
def export(event_id: int, registration_id: int):
    event = managed_event_or_abort(current_user, event_id)
    registration = row_of_event_or_404(Registration, registration_id, event)
    return json_download(services.export(registration), event.slug, "registration", str(registration.id))


@blueprint.post("/registrations/<int:registration_id>/delete")
@login_required
def delete(event_id: int, registration_id: int):
    event = managed_event_or_abort(current_user, event_id)
    registration = row_of_event_or_404(Registration, registration_id, event)
    if Form().validate_on_submit():
        services.delete_on_request(registration.id, utcnow(), user_id=current_user.id)
        record("registration.deleted", "", event.id)
        flash(_("The person's data has been deleted."), "success")
    return redirect(url_for("privacy_manage.overview", event_id=event.id), code=303)
