"""Organisers: when an event's personal data will be deleted, what was deleted, and requests by one person."""

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import SelectChoice, StringField
from wtforms.validators import InputRequired, Length

from conference.database import utcnow
from conference.privacy import services
from conference.privacy.routes import json_download
from conference.registration.forms import CheckboxesField
from conference.registration.models import Registration
from conference.site.forms import Form, status_of
from conference.site.lookup import row_of_event_or_404

blueprint = Blueprint("privacy_manage", __name__, url_prefix="/manage/events/<int:event_id>")


@blueprint.get("/privacy")
def overview(event_id: int):
    event = g.event
    return render_template(
        "privacy/manage.html",
        event=event,
        delete_after=services.delete_after(event),
        records=services.records(event.id),
    )


@blueprint.get("/registrations/<int:registration_id>/data.json")
def export(event_id: int, registration_id: int):
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    return json_download(
        services.export(registration, for_organisers=True), event.slug, "registration", str(registration.id)
    )


class DeletionForm(Form):
    note = StringField(
        _l("Why"),
        [InputRequired(_l("Please say why, e.g. “asked by e-mail on 3 December”.")), Length(max=300)],
        description=_l(
            "Shown on the data protection page as the record of this deletion. Please do not name the person."
        ),
    )
    messages = CheckboxesField(
        _l("Messages sent to this person alone"),
        coerce=int,
        description=_l("What you wrote into them may name the person. Ticked ones are deleted with the data."),
    )


@blueprint.route("/registrations/<int:registration_id>/delete", methods=["GET", "POST"])
def delete(event_id: int, registration_id: int):
    """Asks first, saying what goes, with the reason to record and the messages sent to this person alone."""
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    if registration.anonymised_at is not None:
        abort(404)
    messages = services.messages_only_to(registration)
    form = DeletionForm(messages=[message.id for message in messages])
    form.messages.choices = [SelectChoice(message.id, message.subject) for message in messages]
    if form.validate_on_submit():
        services.delete_on_request(
            registration.id, utcnow(), note=form.note.data, message_ids=form.messages.data, by=current_user
        )
        flash(_("The person's data has been deleted."), "success")
        return redirect(url_for("privacy_manage.overview", event_id=event.id), code=303)
    return render_template(
        "privacy/delete_registration.html",
        event=event,
        registration=registration,
        form=form,
        messages={message.id: message for message in messages},
        before_the_event=utcnow() < event.starts_at,
    ), status_of(form)
