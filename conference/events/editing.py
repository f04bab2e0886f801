"""Creating, changing, publishing and duplicating events (capacity changes go through registration)."""

import re
import unicodedata
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.agenda.models import AgendaItem, AgendaItemPerson, Room
from conference.database import row_locked, write_transaction
from conference.events.models import (DEFAULT_RETENTION_DAYS, Event, EventKind, EventPartner, EventStatus, ExtentUnit,
                                       ParticipantListMode, PartnerRole)
from conference.extensions import db
from conference.organisations.models import Organisation
from conference.rules import Refusal


class EventError(Refusal):
    pass


@dataclass
class EventDetails:
    title: str
    slug: str
    kind: EventKind
    starts_at: datetime
    ends_at: datetime
    subtitle: str = ""
    language: str = "de"
    venue: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    description: str = ""
    programme_name: str = ""
    funding_notice: str = ""
    network_id: int | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    requires_approval: bool = False
    participant_list_mode: ParticipantListMode = ParticipantListMode.HIDDEN
    privacy_text: str = ""
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    certificate_signer_name: str = ""
    certificate_signer_function: str = ""
    certificate_extent: Decimal | None = None
    certificate_extent_unit: ExtentUnit = ExtentUnit.HOURS
    grant_number: str = ""
    retention_days: int = DEFAULT_RETENTION_DAYS


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "veranstaltung"


def _check(details: EventDetails, event_id: int | None) -> None:
    if details.ends_at <= details.starts_at:
        raise EventError(_("The end must be after the start."), field="end")
    if details.registration_opens_at and details.registration_closes_at and details.registration_closes_at <= details.registration_opens_at:
        raise EventError(_("Registration must close after it opens."), field="registration_closes_at")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", details.slug):
        raise EventError(_("Use only lower-case letters, digits and hyphens."), field="slug")
    taken = db.session.scalar(sa.select(Event.id).where(Event.slug == details.slug, Event.id != (event_id or 0)))
    if taken is not None:
        raise EventError(_("Another event already has this address."), field="slug")
    if details.network_id is not None and db.session.get(Organisation, details.network_id) is None:
        raise EventError(_("Please choose an organisation from the list."), field="network_id")


def create_event(details: EventDetails) -> Event:
    """A new draft event."""
    _check(details, None)
    with write_transaction():
        event = Event(status=EventStatus.DRAFT, **{field.name: getattr(details, field.name) for field in fields(details)})
        db.session.add(event)
    return event


def update_event(event_id: int, details: EventDetails, read_version: str) -> Event:
    """Change an event, unless someone else changed it since the form showed version ``read_version``."""
    _check(details, event_id)
    with row_locked(Event, event_id) as event:
        if version(event) != read_version:
            raise EventError(_("Someone else saved a change in the meantime, so yours was not saved. Your entries are "
                          "kept below: reload the page to see the other version, then make your changes again."))
        for field in fields(details):
            setattr(event, field.name, getattr(details, field.name))
    return event


def version(event: Event) -> str:
    return event.updated_at.isoformat()


def set_status(event_id: int, status: EventStatus) -> Event:
    with row_locked(Event, event_id) as event:
        event.status = status
    return event


def duplicate(event_id: int, title: str, slug: str, starts_at: datetime) -> Event:
    """A draft copy for a new date: agenda, rooms and partners come along, shifted in time."""
    source = db.session.get(Event, event_id)
    shift = starts_at - source.starts_at
    details = EventDetails(**{field.name: getattr(source, field.name) for field in fields(EventDetails)})
    details.title, details.slug = title, slug
    details.starts_at, details.ends_at = source.starts_at + shift, source.ends_at + shift
    details.registration_opens_at = details.registration_closes_at = None
    copy = create_event(details)
    with write_transaction():
        copy.capacity = source.capacity
        rooms = {room.id: Room(name=room.name, capacity=room.capacity, position=room.position) for room in source.rooms}
        copy.rooms = list(rooms.values())
        copy.partners = [EventPartner(organisation=p.organisation, role=p.role, position=p.position) for p in source.partners]
        copy.agenda_items = [
            AgendaItem(
                starts_at=item.starts_at + shift, ends_at=item.ends_at + shift, kind=item.kind, title=item.title,
                description=item.description, room=rooms.get(item.room_id), capacity=item.capacity,
                project_name=item.project_name, presenting_organisation=item.presenting_organisation,
                appearances=[AgendaItemPerson(person=a.person, role=a.role, position=a.position) for a in item.appearances],
            )
            for item in source.agenda_items
        ]
    return copy


def add_partner(event_id: int, organisation_id: int, role: PartnerRole) -> None:
    with row_locked(Event, event_id) as event:
        if db.session.get(Organisation, organisation_id) is None:
            raise EventError(_("Please choose an organisation from the list."), field="organisation_id")
        if any(p.organisation_id == organisation_id and p.role == role for p in event.partners):
            raise EventError(_("This organisation already has this role."), field="organisation_id")
        event.partners.append(EventPartner(organisation_id=organisation_id, role=role, position=len(event.partners)))


def remove_partner(event_id: int, partner_id: int) -> None:
    with row_locked(Event, event_id) as event:
        partner = db.session.get(EventPartner, partner_id)
        if partner is None or partner.event_id != event.id:
            raise EventError(_("This partner entry no longer exists."))
        db.session.delete(partner)
