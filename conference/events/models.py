import enum
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.agenda.models import AgendaItem, Room
    from conference.organisations.models import Organisation
    from conference.registration.models import Question


class EventKind(LabelledEnum):
    CONFERENCE = "conference", _l("Conference")
    SEMINAR = "seminar", _l("Seminar")
    WORKSHOP = "workshop", _l("Workshop")
    INFORMATION_EVENING = "information_evening", _l("Information evening")
    NETWORK_MEETING = "network_meeting", _l("Network meeting")


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class RegistrationState(enum.StrEnum):
    """Where an event stands in its registration period, as the public pages show it."""

    NONE = "none"  # no online registration planned
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CLOSED = "closed"


class ParticipantListMode(LabelledEnum):
    """Who may see the list of participants who agreed to appear on it."""

    HIDDEN = "hidden", _l("Not shown")
    REGISTERED = "registered", _l("Registered participants only")
    PUBLIC = "public", _l("Everyone")


class PartnerRole(LabelledEnum):
    """The part an organisation plays at an event; the order here is the order on the event page."""

    ORGANISER = "organiser", _l("Organiser")
    NETWORK_PROJECT = "network_project", _l("Network projects")
    STRATEGIC_PARTNER = "strategic_partner", _l("Strategic partners")
    PROFESSIONAL_SUPPORT = "professional_support", _l("Professional support")
    COOPERATION_PARTNER = "cooperation_partner", _l("Cooperation partners")
    FUNDER = "funder", _l("Funding")


class ExtentUnit(LabelledEnum):
    """What the extent printed on certificates of attendance counts."""

    HOURS = "hours", _l("Hours")
    TEACHING_UNITS = "teaching_units", _l("Teaching units of 45 minutes")


class AttendanceMode(LabelledEnum):
    """Where people take part: in the room, through a video platform, or either."""

    ON_SITE = "on_site", _l("On site")
    ONLINE = "online", _l("Online")
    HYBRID = "hybrid", _l("On site and online")


DEFAULT_RETENTION_DAYS = 365
DEFAULT_GROUP_SIZE_LIMIT = 10  # people one registration may name, the registrant included


class Event(Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(120), unique=True)
    title: Mapped[str] = mapped_column(sa.String(250))
    subtitle: Mapped[str | None] = mapped_column(sa.String(250))
    kind: Mapped[EventKind] = mapped_column(str_enum(EventKind), default=EventKind.CONFERENCE)
    status: Mapped[EventStatus] = mapped_column(str_enum(EventStatus), default=EventStatus.DRAFT, index=True)
    # Language of the event's own texts, so pages can mark them up correctly in either interface language.
    language: Mapped[str] = mapped_column(sa.String(8), default="de")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(sa.String(200), default="")
    street: Mapped[str] = mapped_column(sa.String(200), default="")
    postcode: Mapped[str] = mapped_column(sa.String(12), default="")
    city: Mapped[str] = mapped_column(sa.String(100), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    programme_name: Mapped[str | None] = mapped_column(sa.String(200))
    funding_notice: Mapped[str] = mapped_column(sa.Text, default="")
    # The network the event belongs to (e.g. NQ-Netz-MV); visitors filter the event list by it.
    network_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisation.id", ondelete="SET NULL"), index=True)
    capacity: Mapped[int | None] = mapped_column(sa.Integer)  # seats in the room
    attendance_mode: Mapped[AttendanceMode] = mapped_column(
        str_enum(AttendanceMode), default=AttendanceMode.ON_SITE, server_default=AttendanceMode.ON_SITE.value
    )
    # Places online (None: as many as register); the link and its access code go only to those confirmed online.
    online_capacity: Mapped[int | None] = mapped_column(sa.Integer)
    online_url: Mapped[str] = mapped_column(sa.String(500), default="", server_default="")
    online_access_code: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The most people one registration may name, the registrant and their colleagues (1: each registers alone).
    group_size_limit: Mapped[int] = mapped_column(
        default=DEFAULT_GROUP_SIZE_LIMIT, server_default=str(DEFAULT_GROUP_SIZE_LIMIT)
    )
    # Registrations wait for an organiser's approval before they are confirmed.
    requires_approval: Mapped[bool] = mapped_column(default=False)
    # The registration form asks for a form of address (Frau, Herr) and an academic title, which mails, badges,
    # certificates and lists then use ("Sehr geehrte Frau Dr. Nowak").
    asks_salutation: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    asks_academic_title: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # Check-in helpers may let in whom the list does not: people on the waiting list or awaiting approval, and
    # walk-ins (the event's organisers always may).
    helpers_may_admit: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    participant_list_mode: Mapped[ParticipantListMode] = mapped_column(
        str_enum(ParticipantListMode), default=ParticipantListMode.HIDDEN
    )
    privacy_text: Mapped[str] = mapped_column(sa.Text, default="")
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(50), default="")
    # Who signs the certificates of attendance, e.g. "Dr. Jana Beispiel", "Projektleitung NQ-Netz-MV".
    certificate_signer_name: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    certificate_signer_function: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    # The extent printed on certificates ("Umfang: 6 Zeitstunden"); not printed when empty.
    certificate_extent: Mapped[Decimal | None] = mapped_column(sa.Numeric(5, 1))
    certificate_extent_unit: Mapped[ExtentUnit] = mapped_column(
        str_enum(ExtentUnit), default=ExtentUnit.HOURS, server_default=ExtentUnit.HOURS.value
    )
    # The funder's reference of the grant (Förderkennzeichen), printed on the sign-in sheets funders ask for.
    grant_number: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    # Personal data of the registrations is deleted this many days after the event (conference.privacy).
    retention_days: Mapped[int] = mapped_column(
        default=DEFAULT_RETENTION_DAYS, server_default=str(DEFAULT_RETENTION_DAYS)
    )
    # The most people the waiting list held at once, for the funders' figures: kept by registration (services.register)
    # under the event's lock, as people join it.
    longest_waiting_list: Mapped[int] = mapped_column(default=0, server_default="0")
    # When the reminder mail went to everyone confirmed (a periodic task sends it two days before).
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 0", name="capacity_not_negative"),
        sa.CheckConstraint("online_capacity IS NULL OR online_capacity >= 0", name="online_capacity_not_negative"),
    )

    network: Mapped["Organisation | None"] = relationship()
    partners: Mapped[list["EventPartner"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventPartner.position"
    )
    rooms: Mapped[list["Room"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Room.position"
    )
    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="AgendaItem.starts_at"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="Question.position"
    )

    @property
    def is_public(self) -> bool:
        return self.status in (EventStatus.PUBLISHED, EventStatus.CANCELLED)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    @property
    def modes(self) -> list[bool]:
        """How one may take part, as ``Registration.online`` says it: [False], [True] or both."""
        return {AttendanceMode.ON_SITE: [False], AttendanceMode.ONLINE: [True]}.get(self.attendance_mode, [False, True])

    def capacity_for(self, online: bool) -> int | None:
        return self.online_capacity if online else self.capacity

    @property
    def address(self) -> str:
        """Venue, street, postcode and city on one line, leaving out what is not given."""
        return ", ".join(part for part in (self.venue, self.street, f"{self.postcode} {self.city}".strip()) if part)

    def has_ended(self, now: datetime) -> bool:
        return self.ends_at <= now

    def registration_state(self, now: datetime) -> RegistrationState:
        if self.status != EventStatus.PUBLISHED or self.registration_opens_at is None:
            return RegistrationState.NONE
        if now < self.registration_opens_at:
            return RegistrationState.NOT_YET_OPEN
        closes_at = self.registration_closes_at or self.starts_at
        if now >= closes_at:
            return RegistrationState.CLOSED
        return RegistrationState.OPEN

    def partners_by_role(self) -> list[tuple[PartnerRole, list["EventPartner"]]]:
        """Partners grouped by role, roles in the order of ``PartnerRole``, empty roles left out."""
        return [
            (role, members)
            for role in PartnerRole
            if (members := [partner for partner in self.partners if partner.role == role])
        ]

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventPartner(Model):
    """One organisation in one role at one event (an organisation may hold several roles)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    role: Mapped[PartnerRole] = mapped_column(str_enum(PartnerRole))
    position: Mapped[int] = mapped_column(default=0)

    __table_args__ = (sa.UniqueConstraint("event_id", "organisation_id", "role", name="uq_event_partner_role"),)

    event: Mapped[Event] = relationship(back_populates="partners")
    organisation: Mapped["Organisation"] = relationship(back_populates="event_roles")
