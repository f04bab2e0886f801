"""Creating, editing, publishing, cancelling and duplicating events, and their partners."""

from datetime import datetime

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from conference.database import utcnow
from conference.events import services
from conference.events.forms import berlin, event_form
from conference.events.models import EventStatus, PartnerRole
from conference.extensions import db
from conference.organisations import services as organisation_services
from conference.organisations.models import Organisation
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form, PlausibleDate, status_of
from conference.site.urls import dated_slug

blueprint = Blueprint("events_manage", __name__, url_prefix="/manage")


# Before a change of an event is mailed: the question, what it means, the answer that saves; by whom it tells.
QUESTIONS_BEFORE_TELLING = {
    "everyone": (
        _l("Save the new time or place and tell everyone?"),
        _l(
            "Everyone registered or waiting gets a mail with the new time and place, and their "
            "calendar entry is updated. A mail that has gone out cannot be taken back."
        ),
        _l("Yes, save and tell them"),
    ),
    "online": (
        _l("Save the new online access and tell those taking part online?"),
        _l(
            "Everyone confirmed to take part online gets a mail with the new link and access code, and their calendar "
            "entry is updated. A mail that has gone out cannot be taken back."
        ),
        _l("Yes, save and tell them"),
    ),
}
TOLD = {
    "everyone": _l("Everyone registered or waiting is sent the new time and place, with their calendar entry updated."),
    "online": _l("Everyone confirmed to take part online is sent the new link and access code."),
}


@blueprint.route("/events/new", methods=["GET", "POST"], defaults={"event_id": None}, endpoint="new")
@blueprint.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int | None):
    event = g.event
    form = event_form(event)
    if form.validate_on_submit():
        changed = []
        try:
            if event is None:
                event = services.create_event(form.details(), by=current_user._get_current_object())
            else:
                told = services.would_tell_registrants(event, form.details(), utcnow())  # (bad input refused first)
                if told and not confirmed():
                    question, consequences, yes = (str(text) for text in QUESTIONS_BEFORE_TELLING[told])
                    return ask_first(question, consequences, yes, url_for(".edit", event_id=event.id))
                changed = services.update_event(event.id, form.details(), form.version.data or "", by=current_user)
        except services.EventError as refused:
            form.add_error(refused.message, refused.field)
        else:
            flash(_("Saved: %(title)s", title=event.title), "success")
            told = services.whom_a_change_tells(event, changed, utcnow())
            if told:
                flash(str(TOLD[told]), "success")
            return redirect(url_for("registration_manage.dashboard", event_id=event.id), code=303)  # its overview
    return render_template("events/manage/event.html", event=event, form=form, now=utcnow()), status_of(form)


@blueprint.route("/events/<int:event_id>/status/<action>", methods=["GET", "POST"])
def change_status(event_id: int, action: str):
    event = g.event
    changes = {"publish": EventStatus.PUBLISHED, "unpublish": EventStatus.DRAFT, "cancel": EventStatus.CANCELLED}
    if action not in changes:
        return redirect(url_for("back_office.start_page"), code=303)
    form = Form()
    if form.validate_on_submit():
        try:
            services.set_status(event.id, changes[action], utcnow(), by=current_user)
        except services.EventError as refused:
            flash(refused.message, "error")
        else:
            flash(_("%(title)s: %(status)s.", title=event.title, status=STATUS_LABELS[changes[action]]), "success")
        return redirect(url_for("registration_manage.dashboard", event_id=event.id), code=303)
    return render_template("events/manage/event_status.html", event=event, action=action, form=form)


STATUS_LABELS = {
    EventStatus.PUBLISHED: _l("published"),
    EventStatus.DRAFT: _l("no longer public (draft)"),
    EventStatus.CANCELLED: _l("cancelled, registrants informed"),
}


class DuplicateForm(Form):
    title = StringField(_l("Title of the new event"), [InputRequired(_l("Please enter a title.")), Length(max=250)])
    day = DateField(_l("Day of the new event"), [InputRequired(_l("Please enter the day.")), PlausibleDate()])


@blueprint.route("/events/<int:event_id>/duplicate", methods=["GET", "POST"])
def duplicate(event_id: int):
    event = g.event
    form = DuplicateForm(data={"title": event.title})
    if form.validate_on_submit():
        local_start = event.starts_at.astimezone(berlin())
        starts_at = datetime.combine(form.day.data, local_start.time(), tzinfo=berlin())
        try:
            copy = services.duplicate(
                event.id,
                form.title.data.strip(),
                dated_slug(form.title.data, form.day.data),
                starts_at,
                by=current_user._get_current_object(),
            )
        except services.EventError as refused:
            form.add_error(refused.message)
        else:
            flash(_("Copied as a draft: %(title)s", title=copy.title), "success")
            return redirect(url_for(".edit", event_id=copy.id), code=303)
    return render_template("events/manage/event_duplicate.html", event=event, form=form), status_of(form)


class PartnerForm(Form):
    organisation_id = SelectField(_l("Organisation"), coerce=int)
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, role.label) for role in PartnerRole])


@blueprint.route("/events/<int:event_id>/partners", methods=["GET", "POST"])
def partners(event_id: int):
    event = g.event
    form = PartnerForm()
    organisations = organisation_services.in_name_order()
    form.organisation_id.choices = [SelectChoice(org.id, org.name) for org in organisations]
    just_added = request.args.get("organisation", type=int)
    if not form.is_submitted() and just_added:
        form.organisation_id.data = just_added  # the one just added, chosen already
    if form.validate_on_submit():
        try:
            services.add_partner(event.id, form.organisation_id.data, PartnerRole(form.role.data), by=current_user)
        except services.EventError as refused:
            form.add_error(refused.message, refused.field)
        else:
            flash(
                _(
                    "Added: %(name)s, %(role)s",
                    name=db.session.get_one(Organisation, form.organisation_id.data).name,
                    role=PartnerRole(form.role.data).label,
                ),
                "success",
            )
            return redirect(url_for(".partners", event_id=event.id), code=303)
    return render_template("events/manage/partners.html", event=event, form=form, remove_form=Form()), status_of(form)


@blueprint.post("/events/<int:event_id>/partners/<int:partner_id>/remove")
def remove_partner(event_id: int, partner_id: int):
    event = g.event
    if Form().validate_on_submit():
        try:
            services.remove_partner(event.id, partner_id, by=current_user)
        except services.EventError as refused:
            flash(refused.message, "error")
    return redirect(url_for(".partners", event_id=event.id), code=303)
