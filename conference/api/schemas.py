"""What the API answers and accepts, as marshmallow schemas: flask-smorest builds the OpenAPI document from them.

Only what the public pages show: no registrant, no contact address, no internal note.
"""

from marshmallow import Schema, fields, validate

from conference.events.models import AttendanceMode

WHEN = ("upcoming", "past", "all")
STATES = ("open", "waiting_list", "not_yet_open", "closed", "none", "cancelled")
MODES = tuple(mode.value for mode in AttendanceMode)


class Strict(Schema):
    class Meta:
        ordered = True


class PageQuery(Strict):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1), metadata={"description": "From 1."})
    per_page = fields.Integer(
        load_default=20, validate=validate.Range(min=1, max=100), metadata={"description": "1 to 100."}
    )


class EventQuery(PageQuery):
    network = fields.String(metadata={"description": "A network's slug: only its events."})
    organisation = fields.String(
        metadata={"description": "An organisation's slug: events of its network or where it (or a project) has a role."}
    )
    when = fields.String(
        load_default="upcoming",
        validate=validate.OneOf(WHEN),
        metadata={"description": "Events not ended yet (soonest first), ended ones (latest first), or all."},
    )


class Organisation(Strict):
    slug = fields.String(required=True)
    name = fields.String(required=True)
    short_name = fields.String(allow_none=True)
    kind = fields.String(required=True)
    city = fields.String(allow_none=True)
    website = fields.String(allow_none=True)
    url = fields.String(required=True, metadata={"description": "Its page on this site."})


class Person(Strict):
    name = fields.String(required=True)
    academic_title = fields.String(allow_none=True)
    function = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)


class AgendaItem(Strict):
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    kind = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(required=True)
    room = fields.String(allow_none=True)
    attendance_mode = fields.String(
        allow_none=True, validate=validate.OneOf(MODES), metadata={"description": "Null: as the event."}
    )
    project = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True, metadata={"description": "The organisation presenting it."})
    speakers = fields.List(fields.Nested(Person), required=True)
    moderators = fields.List(fields.Nested(Person), required=True)


class Partner(Strict):
    role = fields.String(required=True, metadata={"description": "organiser, network_project, funder, …"})
    organisation = fields.Nested(Organisation, required=True)


class Registration(Strict):
    state = fields.String(required=True, validate=validate.OneOf(STATES))
    full = fields.Boolean(required=True, metadata={"description": "Every place taken: new registrations wait."})
    opens_at = fields.DateTime(allow_none=True)
    closes_at = fields.DateTime(allow_none=True)
    url = fields.String(allow_none=True, metadata={"description": "The registration form, while it is open."})


class EventSummary(Strict):
    slug = fields.String(required=True)
    title = fields.String(required=True)
    subtitle = fields.String(allow_none=True)
    kind = fields.String(required=True)
    attendance_mode = fields.String(
        required=True, validate=validate.OneOf(MODES), metadata={"description": "on_site, online or hybrid (both)."}
    )
    cancelled = fields.Boolean(required=True)
    starts_at = fields.DateTime(required=True)
    ends_at = fields.DateTime(required=True)
    venue = fields.String(allow_none=True)
    address = fields.String(required=True)
    city = fields.String(allow_none=True)
    network = fields.Nested(Organisation, allow_none=True)
    registration = fields.Nested(Registration, required=True)
    url = fields.String(required=True, metadata={"description": "Its page on this site."})


class Event(EventSummary):
    description = fields.String(allow_none=True)
    agenda = fields.List(fields.Nested(AgendaItem), required=True)
    partners = fields.List(fields.Nested(Partner), required=True)


class Page(Strict):
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    total = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class EventPage(Page):
    events = fields.List(fields.Nested(EventSummary), required=True)


class OrganisationList(Strict):
    organisations = fields.List(fields.Nested(Organisation), required=True)


class Answer(Strict):
    question = fields.String(required=True)
    answer = fields.Raw(required=True, metadata={"description": "A text, yes/no, or the options chosen."})


class RegistrationDetails(Strict):
    id = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"description": "confirmed, waitlisted, pending, cancelled, …"})
    salutation = fields.String(allow_none=True)
    academic_title = fields.String(allow_none=True)
    first_name = fields.String(required=True)
    last_name = fields.String(required=True)
    email = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    function = fields.String(allow_none=True)
    check_in_code = fields.String(allow_none=True)
    registered_by = fields.Integer(
        allow_none=True, metadata={"description": "The id of the registration that registered this one with it."}
    )
    online = fields.Boolean(required=True, metadata={"description": "Takes part online rather than on site."})
    created_at = fields.DateTime(required=True)
    checked_in_at = fields.DateTime(
        allow_none=True, metadata={"description": "At the door, or (online) when the organisers marked attendance."}
    )
    forums = fields.List(fields.String(), required=True)
    answers = fields.List(fields.Nested(Answer), required=True)


class RegistrationPage(Page):
    registrations = fields.List(fields.Nested(RegistrationDetails), required=True)


class Scan(Strict):
    code = fields.String(required=True, validate=validate.Length(min=1, max=100))


class CheckIn(Strict):
    admitted = fields.Boolean(required=True)
    repeated = fields.Boolean(required=True, metadata={"description": "Checked in before: admitted again."})
    message = fields.String(required=True, metadata={"description": "What the door says, for people."})
    registration = fields.Integer(allow_none=True, metadata={"description": "The registration's id, if found."})
    name = fields.String(allow_none=True)
