from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from conference.events.models import (
    DEFAULT_GROUP_SIZE_LIMIT,
    DEFAULT_RETENTION_DAYS,
    AttendanceMode,
    Event,
    EventKind,
    ExtentUnit,
    ParticipantListMode,
)
from conference.events.services import EventDetails, version
from conference.organisations import services as organisation_services
from conference.site.forms import Form, MailAddress, PlausibleDate
from conference.site.urls import slugify

TEXT_FIELDS = (
    "title",
    "subtitle",
    "venue",
    "street",
    "postcode",
    "city",
    "description",
    "programme_name",
    "funding_notice",
    "privacy_text",
    "contact_name",
    "contact_email",
    "contact_phone",
    "certificate_signer_name",
    "certificate_signer_function",
    "grant_number",
    "online_url",
    "online_access_code",
)
# Funders may ask for proof of participation for years after their programme ends.
MAX_RETENTION_DAYS = 20 * 365


class CommaDecimalField(DecimalField):
    """A decimal number typed the German way ("6,5") or with a point, shown as it was typed: "6", not "6.0"
    (the number input shows "6.5" as "6,5" to German readers itself)."""

    def process_formdata(self, valuelist):
        super().process_formdata([value.replace(",", ".") for value in valuelist])

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format(self.data.normalize(), "f")


def berlin() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])


class EventForm(Form):
    title = StringField(_l("Title"), [InputRequired(_l("Please enter a title.")), Length(max=250)])
    slug = StringField(
        _l("Web address"),
        [Optional(), Length(max=100)],
        description=_l("Part of the address: /events/… Left empty, it is made from the title."),
    )
    subtitle = StringField(_l("Subtitle"), [Optional(), Length(max=250)])
    kind = SelectField(_l("Format"), choices=[SelectChoice(kind.value, kind.label) for kind in EventKind])
    language = SelectField(
        _l("Language of the event"), choices=[SelectChoice("de", "Deutsch"), SelectChoice("en", "English")]
    )
    start_day = DateField(_l("First day"), [InputRequired(_l("Please enter the day.")), PlausibleDate()])
    start = TimeField(_l("Start"), [InputRequired(_l("Please enter the start time."))])
    end_day = DateField(
        _l("Last day"), [Optional(), PlausibleDate()], description=_l("Only for events over several days.")
    )
    end = TimeField(_l("End"), [InputRequired(_l("Please enter the end time."))])
    venue = StringField(_l("Venue"), [Optional(), Length(max=200)])
    street = StringField(_l("Street"), [Optional(), Length(max=200)])
    postcode = StringField(_l("Postcode"), [Optional(), Length(max=12)])
    city = StringField(_l("City"), [Optional(), Length(max=100)])
    attendance_mode = SelectField(
        _l("Taking part"),
        choices=[SelectChoice(mode.value, mode.label) for mode in AttendanceMode],
        default=AttendanceMode.ON_SITE.value,
    )
    online_url = StringField(
        _l("Online link"),
        [Optional(), Length(max=500)],
        description=_l(
            "The address of the video conference. Only those confirmed online see it: on their page, in the reminder "
            "and in their calendar entry; when it changes, they are mailed the new one."
        ),
    )
    online_access_code = StringField(_l("Access code for the online link (optional)"), [Optional(), Length(max=100)])
    description = TextAreaField(
        _l("Description"),
        [Optional(), Length(max=20000)],
        description=_l("Plain text; a blank line starts a new paragraph."),
    )
    programme_name = StringField(_l("Funding programme"), [Optional(), Length(max=200)])
    funding_notice = TextAreaField(_l("Funding notice"), [Optional(), Length(max=2000)])
    grant_number = StringField(
        _l("Grant number"),
        [Optional(), Length(max=100)],
        description=_l("The funder's reference (Förderkennzeichen), printed on the attendee lists."),
    )
    network_id = SelectField(_l("Network"), coerce=int)
    capacity = IntegerField(
        _l("Seats"),
        [Optional(), NumberRange(min=0, max=100000)],
        description=_l("Empty: no limit. Raising it moves people up from the waiting list."),
    )
    online_capacity = IntegerField(
        _l("Places online"),
        [Optional(), NumberRange(min=0, max=100000)],
        description=_l("Empty: no limit. Online participants have their own waiting list."),
    )
    registration_opens_at = DateTimeLocalField(
        _l("Registration opens"), [Optional(), PlausibleDate()], description=_l("Empty: when the event is published.")
    )
    registration_closes_at = DateTimeLocalField(
        _l("Registration closes"), [Optional(), PlausibleDate()], description=_l("Empty: when the event starts.")
    )
    group_size_limit = IntegerField(
        _l("People per registration"),
        [Optional(), NumberRange(min=1, max=50, message=_l("Please enter a number between 1 and 50."))],
        description=_l(
            "How many people one registrant may register at once, themselves included. 1: no groups; empty: 10."
        ),
    )
    requires_approval = BooleanField(_l("Organisers confirm each registration"))
    asks_salutation = BooleanField(
        _l("Ask for the form of address (Frau, Herr)"),
        description=_l("Mails then greet formally: “Sehr geehrte Frau Nowak”."),
    )
    asks_academic_title = BooleanField(
        _l("Ask for an academic title (Dr., Prof.)"),
        description=_l("Shown in mails, on badges, certificates and lists."),
    )
    helpers_may_admit = BooleanField(
        _l("Check-in helpers may admit people from the waiting list and walk-ins"),
        description=_l(
            "The event's organisers always may. Who is admitted this way has a place, also beyond the capacity."
        ),
    )
    participant_list_mode = SelectField(
        _l("Participant list"), choices=[SelectChoice(mode.value, mode.label) for mode in ParticipantListMode]
    )
    privacy_text = TextAreaField(
        _l("Privacy notice"),
        [Optional(), Length(max=20000)],
        description=_l("Empty: a standard notice naming the contact below."),
    )
    retention_days = IntegerField(
        _l("Delete personal data after (days)"),
        [Optional(), NumberRange(min=30, max=MAX_RETENTION_DAYS)],
        description=_l(
            "Counted from the end of the event (empty: 365); names, addresses and answers are then deleted, the "
            "figures stay. Keep them as long as your funder requires proof of participation."
        ),
    )
    contact_name = StringField(_l("Contact person"), [Optional(), Length(max=200)])
    contact_email = EmailField(_l("Contact e-mail"), [Optional(), Length(max=254), MailAddress()])
    contact_phone = StringField(_l("Contact phone"), [Optional(), Length(max=50)])
    certificate_signer_name = StringField(
        _l("Signed by"),
        [Optional(), Length(max=200)],
        description=_l("The name under the signature line of the certificates of attendance."),
    )
    certificate_signer_function = StringField(
        _l("Function of the signer"), [Optional(), Length(max=200)], description=_l("For example: Project management")
    )
    certificate_extent = CommaDecimalField(
        _l("Extent"),
        [Optional(), NumberRange(min=0.5, max=999, message=_l("Please enter a number between 0.5 and 999."))],
        places=1,
        description=_l("Printed on the certificates, e.g. 6 hours or 8 teaching units. Empty: not printed."),
    )
    certificate_extent_unit = SelectField(
        _l("Counted in"),
        choices=[SelectChoice(unit.value, unit.label) for unit in ExtentUnit],
        default=ExtentUnit.HOURS.value,
    )
    version = HiddenField()

    def fill_choices(self) -> None:
        networks = organisation_services.in_name_order()
        self.network_id.choices = [SelectChoice(0, "–")] + [SelectChoice(org.id, org.name) for org in networks]

    def details(self) -> EventDetails:
        zone = berlin()
        local = lambda value: value.replace(tzinfo=zone) if value else None  # organisers type Berlin time
        return EventDetails(
            **{name: (self[name].data or "").strip() for name in TEXT_FIELDS},
            slug=(self.slug.data or "").strip() or slugify(self.title.data),
            kind=EventKind(self.kind.data),
            language=self.language.data,
            starts_at=datetime.combine(self.start_day.data, self.start.data, tzinfo=zone),
            ends_at=datetime.combine(self.end_day.data or self.start_day.data, self.end.data, tzinfo=zone),
            network_id=self.network_id.data or None,
            registration_opens_at=local(self.registration_opens_at.data),
            registration_closes_at=local(self.registration_closes_at.data),
            requires_approval=self.requires_approval.data,
            group_size_limit=self.group_size_limit.data or DEFAULT_GROUP_SIZE_LIMIT,
            helpers_may_admit=self.helpers_may_admit.data,
            asks_salutation=self.asks_salutation.data,
            asks_academic_title=self.asks_academic_title.data,
            participant_list_mode=ParticipantListMode(self.participant_list_mode.data),
            retention_days=self.retention_days.data or DEFAULT_RETENTION_DAYS,
            capacity=self.capacity.data,
            attendance_mode=AttendanceMode(self.attendance_mode.data),
            online_capacity=self.online_capacity.data,
            certificate_extent=self.certificate_extent.data,
            certificate_extent_unit=ExtentUnit(self.certificate_extent_unit.data),
        )


def event_form(event: Event | None) -> EventForm:
    if event is None:
        form = EventForm(
            data={
                "retention_days": DEFAULT_RETENTION_DAYS,
                "asks_salutation": True,
                "asks_academic_title": True,
                "group_size_limit": DEFAULT_GROUP_SIZE_LIMIT,
            }
        )
    else:
        zone = berlin()
        starts, ends = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
        naive = lambda value: value.astimezone(zone).replace(tzinfo=None) if value else None
        form = EventForm(
            data={
                **{name: getattr(event, name) for name in TEXT_FIELDS},
                "slug": event.slug,
                "kind": event.kind.value,
                "language": event.language,
                "start_day": starts.date(),
                "start": starts.time(),
                "end_day": ends.date() if ends.date() != starts.date() else None,
                "end": ends.time(),
                "network_id": event.network_id or 0,
                "capacity": event.capacity,
                "attendance_mode": event.attendance_mode.value,
                "online_capacity": event.online_capacity,
                "registration_opens_at": naive(event.registration_opens_at),
                "registration_closes_at": naive(event.registration_closes_at),
                "requires_approval": event.requires_approval,
                "group_size_limit": event.group_size_limit,
                "helpers_may_admit": event.helpers_may_admit,
                "participant_list_mode": event.participant_list_mode.value,
                "asks_salutation": event.asks_salutation,
                "asks_academic_title": event.asks_academic_title,
                "retention_days": event.retention_days,
                "version": version(event),
                "certificate_extent": event.certificate_extent,
                "certificate_extent_unit": event.certificate_extent_unit.value,
            }
        )
    form.fill_choices()
    return form


# The form field of an event's attribute, where they are named apart (the log names what changed by its label).
FORM_FIELDS = {"starts_at": "start", "ends_at": "end"}


def field_labels() -> dict[str, str]:
    """The words the event form uses for each attribute, which the log names changes by."""
    form = event_form(None)
    return {field.name: field.label.text for field in form} | {
        attribute: form[field].label.text for attribute, field in FORM_FIELDS.items()
    }
