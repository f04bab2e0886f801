"""The agenda editor of the back office."""

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from conference.agenda import services
from conference.agenda.models import AgendaItem, AgendaItemKind
from conference.events.models import AttendanceMode
from conference.extensions import db
from conference.organisations import services as organisation_services
from conference.people.models import Person
from conference.site.forms import Form, PlausibleDate, status_of
from conference.site.lookup import row_of_event_or_404

blueprint = Blueprint("agenda_manage", __name__, url_prefix="/manage/events/<int:event_id>/agenda")


class AgendaItemForm(Form):
    day = DateField(_l("Day"), [InputRequired(_l("Please enter the day.")), PlausibleDate()])
    start = TimeField(_l("Start"), [InputRequired(_l("Please enter the start time."))])
    end = TimeField(_l("End"), [InputRequired(_l("Please enter the end time."))])
    kind = SelectField(_l("Kind"), choices=[SelectChoice(kind.value, kind.label) for kind in AgendaItemKind])
    title = StringField(_l("Title"), [InputRequired(_l("Please enter a title.")), Length(max=250)])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    room_name = StringField(
        _l("Room or track"),
        [Optional(), Length(max=120)],
        description=_l("Parallel forums run in different rooms. A new name creates the room."),
    )
    capacity = IntegerField(_l("Seats (forums and workshops)"), [Optional(), NumberRange(min=1, max=100000)])
    attendance_mode = SelectField(
        _l("Taking part"),
        choices=[SelectChoice("", _l("As the event"))]
        + [SelectChoice(mode.value, mode.label) for mode in AttendanceMode],
        description=_l("For an item only in the room or only online, at an event with both."),
        default="",
    )
    project_name = StringField(_l("Project presented (good practice)"), [Optional(), Length(max=200)])
    presenting_organisation_id = SelectField(_l("Organisation presented (good practice)"), coerce=int)
    speaker_ids = SelectMultipleField(_l("Speakers"), coerce=int, description=_l("Hold Ctrl (or ⌘) to choose several."))
    moderator_ids = SelectMultipleField(
        _l("Moderation"), coerce=int, description=_l("Hold Ctrl (or ⌘) to choose several.")
    )
    version = HiddenField()

    def fill_choices(self) -> None:
        people = db.session.scalars(db.select(Person).order_by(Person.name)).all()
        choices = [
            SelectChoice(
                person.id,
                f"{person.full_name}, {person.organisation.name}" if person.organisation else person.full_name,
            )
            for person in people
        ]
        self.speaker_ids.choices = self.moderator_ids.choices = choices
        organisations = organisation_services.in_name_order()
        self.presenting_organisation_id.choices = [SelectChoice(0, "–")] + [
            SelectChoice(org.id, org.name) for org in organisations
        ]

    def details(self) -> services.ItemDetails:
        zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])  # organisers type Berlin time
        return services.ItemDetails(
            starts_at=datetime.combine(self.day.data, self.start.data, tzinfo=zone),
            ends_at=datetime.combine(self.day.data, self.end.data, tzinfo=zone),
            kind=AgendaItemKind(self.kind.data),
            title=self.title.data,
            description=self.description.data or "",
            room_name=self.room_name.data or "",
            capacity=self.capacity.data,
            attendance_mode=AttendanceMode(self.attendance_mode.data) if self.attendance_mode.data else None,
            project_name=self.project_name.data or "",
            presenting_organisation_id=self.presenting_organisation_id.data or None,
            speaker_ids=self.speaker_ids.data or [],
            moderator_ids=self.moderator_ids.data or [],
        )


def form_for(item: AgendaItem | None, event) -> AgendaItemForm:
    zone = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    if item is None:
        form = AgendaItemForm(data={"day": event.starts_at.astimezone(zone).date(), "kind": AgendaItemKind.TALK.value})
    else:
        form = AgendaItemForm(
            data={
                "day": item.starts_at.astimezone(zone).date(),
                "start": item.starts_at.astimezone(zone).time(),
                "end": item.ends_at.astimezone(zone).time(),
                "kind": item.kind.value,
                "title": item.title,
                "description": item.description,
                "room_name": item.room.name if item.room else "",
                "capacity": item.capacity,
                "attendance_mode": item.attendance_mode.value if item.attendance_mode else "",
                "project_name": item.project_name or "",
                "presenting_organisation_id": item.presenting_organisation_id or 0,
                "speaker_ids": [person.id for person in item.speakers],
                "moderator_ids": [person.id for person in item.moderators],
                "version": item.version,
            }
        )
    form.fill_choices()
    return form


class RoomForm(Form):
    name = StringField(_l("Name"), [InputRequired(_l("Please enter a name.")), Length(max=120)])
    capacity = IntegerField(_l("Seats"), [Optional(), NumberRange(min=1, max=100000)])


@blueprint.get("/")
def index(event_id: int):
    event = g.event
    rooms = [(room, RoomForm(obj=room, prefix=f"room-{room.id}")) for room in event.rooms]
    return render_template("agenda/manage/agenda.html", event=event, warnings=services.warnings(event), rooms=rooms)


@blueprint.post("/rooms/<int:room_id>")
def room(event_id: int, room_id: int):
    event = g.event
    form = RoomForm(prefix=f"room-{room_id}")
    if form.validate_on_submit():
        try:
            saved = services.save_room(event.id, room_id, form.name.data.strip(), form.capacity.data, by=current_user)
        except services.AgendaError as refused:
            flash(refused.message, "error")
        else:
            flash(_("Saved: %(title)s", title=saved.name), "success")
    else:
        flash(" ".join(str(message) for errors in form.errors.values() for message in errors), "error")
    return redirect(url_for(".index", event_id=event.id), code=303)


@blueprint.route("/new", methods=["GET", "POST"], defaults={"item_id": None})
@blueprint.route("/<int:item_id>", methods=["GET", "POST"])
def edit(event_id: int, item_id: int | None):
    event = g.event
    item = None
    if item_id is not None:
        item = row_of_event_or_404(AgendaItem, item_id, event)
    form = form_for(item, event)
    if form.validate_on_submit():
        try:
            version = int(form.version.data) if (form.version.data or "").isdigit() else None
            saved = services.save_item(event.id, form.details(), item_id, version, by=current_user)
        except services.AgendaError as refused:
            form.add_error(refused.message, refused.field)
        else:
            flash(_("Saved: %(title)s", title=saved.title), "success")
            return redirect(url_for(".index", event_id=event.id), code=303)
    return render_template("agenda/manage/agenda_item.html", event=event, item=item, form=form), status_of(form)


@blueprint.route("/<int:item_id>/delete", methods=["GET", "POST"])
def delete(event_id: int, item_id: int):
    event = g.event
    item = row_of_event_or_404(AgendaItem, item_id, event)
    form = Form()
    if form.validate_on_submit():
        title = item.title
        services.delete_item(event.id, item.id, by=current_user)
        flash(_("Deleted: %(title)s", title=title), "success")
        return redirect(url_for(".index", event_id=event.id), code=303)
    return render_template("agenda/manage/agenda_delete.html", event=event, item=item, form=form)
