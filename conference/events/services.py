"""The rules of events – creating, changing, publishing, cancelling, duplicating – and the queries behind the public
pages."""

import functools
import re
from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked, utcnow, write_transaction
from conference.events import signals
from conference.events.models import (
    DEFAULT_GROUP_SIZE_LIMIT,
    DEFAULT_RETENTION_DAYS,
    AttendanceMode,
    Event,
    EventKind,
    EventPartner,
    EventStatus,
    ExtentUnit,
    ParticipantListMode,
    PartnerRole,
)
from conference.extensions import db
from conference.organisations import services as organisation_services
from conference.organisations import signals as organisation_signals
from conference.organisations.models import Organisation, OrganisationKind
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
    group_size_limit: int = DEFAULT_GROUP_SIZE_LIMIT
    asks_salutation: bool = True
    asks_academic_title: bool = True
    helpers_may_admit: bool = False
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
    capacity: int | None = None
    attendance_mode: AttendanceMode = AttendanceMode.ON_SITE
    online_capacity: int | None = None
    online_url: str = ""
    online_access_code: str = ""


def _check(details: EventDetails, event_id: int | None) -> None:
    if details.ends_at <= details.starts_at:
        raise EventError(_("The end must be after the start."), field="end")
    if (
        details.registration_opens_at
        and details.registration_closes_at
        and details.registration_closes_at <= details.registration_opens_at
    ):
        raise EventError(_("Registration must close after it opens."), field="registration_closes_at")
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", details.slug):
        raise EventError(_("Use only lower-case letters, digits and hyphens."), field="slug")
    taken = db.session.scalar(sa.select(Event.id).where(Event.slug == details.slug, Event.id != (event_id or 0)))
    if taken is not None:
        raise EventError(_("Another event already has this address."), field="slug")
    if details.network_id is not None and db.session.get(Organisation, details.network_id) is None:
        raise EventError(_("Please choose an organisation from the list."), field="network_id")
    if details.capacity is not None and details.capacity < 0:
        raise EventError(_("The capacity cannot be negative."), field="capacity")
    if details.online_capacity is not None and details.online_capacity < 0:
        raise EventError(_("The capacity cannot be negative."), field="online_capacity")
    if details.online_url:
        address = urlsplit(details.online_url)
        if address.scheme not in ("https", "http") or not address.hostname:  # shown as a link: no javascript:
            raise EventError(_("Please enter a web address starting with https://"), field="online_url")
    if not 1 <= details.group_size_limit <= 50:
        raise EventError(_("Please enter a number between 1 and 50."), field="group_size_limit")


def create_event(details: EventDetails, *, by: Actor | None) -> Event:
    """A new draft event (``by``: the user who makes it, who will organise it)."""
    _check(details, None)
    with write_transaction():
        event = Event(
            status=EventStatus.DRAFT, **{field.name: getattr(details, field.name) for field in fields(details)}
        )
        db.session.add(event)
        db.session.flush()
        signals.created.send(event, by=by)
        record(AuditAction.EVENT_CREATED, event.title, event.id, by=by)
    return event


def update_event(
    event_id: int, details: EventDetails, read_version: str, now: datetime | None = None, *, by: Actor | None
) -> list[str]:
    """Change an event, unless someone else changed it since the form showed version ``read_version``;
    returns the names of the fields that changed. An emptied opening of a published event means, as the form
    says, "with publishing": it has been published, so registration stays open (from ``now`` at the latest)."""
    _check(details, event_id)
    now = now or utcnow()
    with row_locked(Event, event_id) as event:
        if version(event) != read_version:
            raise EventError(
                _(
                    "Someone else saved a change in the meantime, so yours was not saved. Your entries are "
                    "kept below: reload the page to see the other version, then make your changes again."
                )
            )
        if (
            event.status == EventStatus.PUBLISHED
            and details.registration_opens_at is None
            and event.registration_opens_at is not None
        ):  # (an event that never had one needs no registration)
            details.registration_opens_at = min(event.registration_opens_at, _to_the_minute(now))
        changed = [
            field.name
            for field in fields(details)
            if not _same(getattr(event, field.name), getattr(details, field.name))
        ]
        values = {name: (getattr(event, name), getattr(details, name)) for name in changed}
        if "network_id" in values:  # the log names the organisation, not its number
            before, after = (db.session.get_one(Organisation, v).name if v else None for v in values["network_id"])
            values["network_id"] = before, after
        for name in changed:
            setattr(event, name, getattr(details, name))
        if "attendance_mode" in changed:
            signals.mode_changed.send(event, by=by)  # a single way of taking part: everyone takes part so
        if not {"capacity", "online_capacity"}.isdisjoint(changed):
            signals.capacity_changed.send(event, by=by)  # raised: people move up from the waiting list
        if not {"online_url", "online_access_code"}.isdisjoint(changed) and tells_registrants(event, changed, now):
            signals.online_access_changed.send(event)  # those confirmed online are mailed the new way in
        if tells_registrants(event, [name for name in changed if name in TIME_AND_PLACE], now):
            signals.moved.send(event)  # everyone registered or waiting is told, their calendar entry updated
        if changed:
            record(
                AuditAction.EVENT_CHANGED, event.title, event.id, changed_fields=changed, changed_values=values, by=by
            )
    return changed


# What a registrant's calendar entry holds of an event besides its title and description.
TIME_AND_PLACE = ("starts_at", "ends_at", "venue", "street", "postcode", "city", "attendance_mode")
ONLINE_ACCESS = ("online_url", "online_access_code")  # in the calendar entries of those taking part online


def would_tell_registrants(event: Event, details: EventDetails, now: datetime) -> str | None:
    """Whom saving ``details`` would mail: "everyone" registered or waiting (a new time or place), "online" (those
    confirmed online: a new link or access code), or None (see ``whom_a_change_tells``). EventError for details that
    would be refused."""
    _check(details, event.id)
    changed = [
        name for name in TIME_AND_PLACE + ONLINE_ACCESS if not _same(getattr(event, name), getattr(details, name))
    ]
    return whom_a_change_tells(event, changed, now)


def whom_a_change_tells(event: Event, changed: list[str], now: datetime) -> str | None:
    """Whom the saved ``changed`` fields were mailed to, as ``would_tell_registrants`` says."""
    if not tells_registrants(event, changed, now):
        return None
    return "everyone" if not set(changed).isdisjoint(TIME_AND_PLACE) else "online"


def tells_registrants(event: Event, changed: list[str], now: datetime) -> bool:
    """Whether a change is mailed to everyone registered or waiting: a new time or place of a published event that
    has not ended. A draft is still being prepared, and other fields are not in anyone's calendar."""
    return (
        event.status == EventStatus.PUBLISHED
        and not event.has_ended(now)
        and not set(changed).isdisjoint(TIME_AND_PLACE + ONLINE_ACCESS)
    )


def _same(stored: object, given: object) -> bool:
    """Whether the form left a value as it was: "" is no text either, and the form shows times to the minute."""
    if isinstance(stored, datetime) and isinstance(given, datetime):
        return _to_the_minute(stored) == _to_the_minute(given)
    return (stored or None) == (given or None)


def _to_the_minute(moment: datetime) -> datetime:
    """As the form shows a time, so that saving the form unchanged changes nothing."""
    return moment.replace(second=0, microsecond=0)


def version(event: Event) -> str:
    return event.updated_at.isoformat()


STATUS_ACTIONS = {
    EventStatus.PUBLISHED: AuditAction.EVENT_PUBLISHED,
    EventStatus.DRAFT: AuditAction.EVENT_UNPUBLISHED,
    EventStatus.CANCELLED: AuditAction.EVENT_CANCELLED,
}


def set_status(event_id: int, status: EventStatus, now: datetime, *, by: Actor | None) -> Event:
    """Publish, withdraw or cancel; an event that has taken place cannot be cancelled (nobody is told it was)."""
    with row_locked(Event, event_id) as event:
        if status == EventStatus.CANCELLED and event.has_ended(now):
            raise EventError(_("This event has taken place; it can no longer be cancelled."))
        if status == EventStatus.PUBLISHED and event.registration_opens_at is None:
            event.registration_opens_at = _to_the_minute(now)  # registration opens with publishing unless set later
        event.status = status
        if status == EventStatus.CANCELLED:
            signals.cancelled.send(event)  # everyone registered or waiting is told
        record(STATUS_ACTIONS[status], event.title, event.id, by=by)
    return event


def duplicate(event_id: int, title: str, slug: str, starts_at: datetime, *, by: Actor | None) -> Event:
    """A draft copy for a new date, partners included; the features above copy their parts (agenda, rooms,
    questions) in the same transaction: the copy is whole or not there at all."""
    source = db.session.get_one(Event, event_id)
    shift = starts_at - source.starts_at
    details = EventDetails(**{field.name: getattr(source, field.name) for field in fields(EventDetails)})
    details.title, details.slug = title, slug
    details.starts_at, details.ends_at = source.starts_at + shift, source.ends_at + shift
    details.registration_opens_at = details.registration_closes_at = None
    details.online_url = details.online_access_code = ""  # a new date's video conference is set up anew
    with write_transaction():
        copy = create_event(details, by=by)
        # By id: setting ``organisation`` would add the new row to its ``event_roles`` on the way, loading them, and
        # that load's flush would meet the row outside the session (SQLAlchemy warns and skips it).
        copy.partners = [
            EventPartner(organisation_id=p.organisation_id, role=p.role, position=p.position) for p in source.partners
        ]
        signals.duplicated.send(copy, source=source, shift=shift)
        record(AuditAction.EVENT_DUPLICATED, source.title, copy.id, by=by)
    return copy


def add_partner(event_id: int, organisation_id: int, role: PartnerRole, *, by: Actor | None) -> None:
    with row_locked(Event, event_id) as event:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            raise EventError(_("Please choose an organisation from the list."), field="organisation_id")
        if any(p.organisation_id == organisation_id and p.role == role for p in event.partners):
            raise EventError(_("This organisation already has this role."), field="organisation_id")
        event.partners.append(EventPartner(organisation_id=organisation_id, role=role, position=len(event.partners)))
        record(AuditAction.PARTNER_ADDED, f"{organisation.name}: {role.label}", event.id, by=by)


def remove_partner(event_id: int, partner_id: int, *, by: Actor | None) -> None:
    with row_locked(Event, event_id) as event:
        partner = db.session.get(EventPartner, partner_id)
        if partner is None or partner.event_id != event.id:
            raise EventError(_("This partner entry no longer exists."))
        db.session.delete(partner)
        record(AuditAction.PARTNER_REMOVED, f"{partner.organisation.name}: {partner.role.label}", event.id, by=by)


PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def public_events() -> sa.Select[Event]:
    return sa.select(Event).where(Event.status.in_(PUBLIC_STATUSES))


def involving(organisation: Organisation) -> sa.ColumnElement[bool]:
    """Events of the organisation's network or where it (or one of its projects) has any role."""
    organisation_ids = [organisation.id, *(child.id for child in organisation.children)]
    takes_part = sa.select(EventPartner.id).where(
        EventPartner.event_id == Event.id, EventPartner.organisation_id.in_(organisation_ids)
    )
    return sa.or_(Event.network_id == organisation.id, takes_part.exists())


def upcoming_and_past(now: datetime, organisation: Organisation | None = None) -> tuple[list[Event], list[Event]]:
    """Public events that have not ended yet (soonest first) and those that have (latest first)."""
    query = public_events()
    if organisation is not None:
        query = query.where(involving(organisation))
    upcoming = db.session.scalars(query.where(Event.ends_at > now).order_by(Event.starts_at)).all()
    past = db.session.scalars(query.where(Event.ends_at <= now).order_by(Event.starts_at.desc())).all()
    return list(upcoming), list(past)


def organisers_for_filter() -> list[Organisation]:
    """Networks and organisers of public events: the choices of the home page's filter."""
    organises = (
        sa.select(EventPartner.organisation_id)
        .join(Event)
        .where(Event.status.in_(PUBLIC_STATUSES), EventPartner.role == PartnerRole.ORGANISER)
    )
    is_network = sa.select(Event.network_id).where(Event.status.in_(PUBLIC_STATUSES))
    return organisation_services.in_name_order(
        sa.select(Organisation).where(sa.or_(Organisation.id.in_(organises), Organisation.id.in_(is_network)))
    )


def public_event(slug: str) -> Event | None:
    return db.session.scalar(_finding_public_event(), {"slug": slug})


@functools.cache
def _finding_public_event() -> sa.Select[Event]:
    """Built once: every public page of an event and every registration asks (see ``database.table_of``)."""
    return public_events().where(Event.slug == sa.bindparam("slug"))


def taking_part_by_kind() -> list[tuple[OrganisationKind, list[Organisation]]]:
    """Organisations with a role at a public event, grouped by kind in the order of the kinds."""
    query = sa.select(Organisation).join(EventPartner).join(Event).where(Event.status.in_(PUBLIC_STATUSES)).distinct()
    organisations = sorted(
        db.session.scalars(query), key=lambda org: (list(OrganisationKind).index(org.kind), org.name.casefold())
    )
    return [(kind, list(members)) for kind, members in groupby(organisations, key=lambda org: org.kind)]


def public_roles(organisation: Organisation) -> list[tuple[Event, list[PartnerRole]]]:
    """The public events the organisation takes part in, latest first, with its roles at each."""
    by_event: dict[int, tuple[Event, list[PartnerRole]]] = {}
    for partner in organisation.event_roles:
        if partner.event.is_public:
            by_event.setdefault(partner.event.id, (partner.event, []))[1].append(partner.role)
    return sorted(by_event.values(), key=lambda entry: entry[0].starts_at, reverse=True)


@organisation_signals.showing.connect
def events_with_partner_or_network(organisation_ids: list[int]) -> list[tuple[int, int]]:
    """Events whose partners name one of the organisations or a project it runs, or whose network it is."""
    partner = sa.orm.aliased(Organisation)
    partners = [
        sa.select(partner.id, EventPartner.event_id).join(partner).where(partner.id.in_(organisation_ids)),
        sa.select(partner.parent_id, EventPartner.event_id)
        .join(partner)
        .where(partner.parent_id.in_(organisation_ids)),
    ]
    networks = sa.select(Event.network_id, Event.id).where(Event.network_id.in_(organisation_ids))
    found = db.session.execute(sa.union(*partners, networks))
    return [(organisation_id, event_id) for organisation_id, event_id in found if organisation_id is not None]


@organisation_signals.merging.connect
def move_to_kept_organisation(kept: Organisation, duplicate: Organisation, **_details: object) -> None:
    """Events name the organisation kept as network and partner; a role it already holds at an event is not doubled."""
    db.session.execute(sa.update(Event).where(Event.network_id == duplicate.id).values(network_id=kept.id))
    held = {(partner.event_id, partner.role) for partner in kept.event_roles}
    for partner in list(duplicate.event_roles):
        if (partner.event_id, partner.role) in held:
            duplicate.event_roles.remove(partner)  # an orphan, deleted
        else:
            partner.organisation = kept
            held.add((partner.event_id, partner.role))
