"""The rules of an event's agenda – changing it, and the warnings an organiser should see – and arranging it for
display."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import combinations

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.agenda.models import AgendaItem, AgendaItemKind, AgendaItemPerson, AppearanceRole, Room
from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked
from conference.events import signals as event_signals
from conference.events.models import AttendanceMode, Event
from conference.extensions import db
from conference.organisations import signals as organisation_signals
from conference.organisations.models import Organisation
from conference.people.models import Person
from conference.rules import Refusal


class AgendaError(Refusal):
    pass


@dataclass
class ItemDetails:
    starts_at: datetime
    ends_at: datetime
    kind: AgendaItemKind
    title: str
    description: str = ""
    room_name: str = ""
    capacity: int | None = None
    attendance_mode: AttendanceMode | None = None  # None: as the event
    project_name: str = ""
    presenting_organisation_id: int | None = None
    speaker_ids: list[int] = field(default_factory=list)
    moderator_ids: list[int] = field(default_factory=list)


def save_item(
    event_id: int, details: ItemDetails, item_id: int | None = None, version: int | None = None, *, by: Actor | None
) -> AgendaItem:
    """Create an item, or change one if nobody else changed it since ``version`` was read."""
    if details.ends_at <= details.starts_at:
        raise AgendaError(_("The end must be after the start."), field="ends_at")
    with row_locked(Event, event_id) as event:
        organisation = (
            db.session.get(Organisation, details.presenting_organisation_id)
            if details.presenting_organisation_id
            else None
        )
        if details.presenting_organisation_id and organisation is None:
            raise AgendaError(_("Please choose an organisation from the list."), field="presenting_organisation_id")
        people = {person.id: person for person in _people(details.speaker_ids + details.moderator_ids)}
        if item_id is None:
            item = AgendaItem(event=event)
        else:
            found = db.session.get(AgendaItem, item_id, populate_existing=True)
            if found is None or found.event_id != event.id:
                raise AgendaError(_("This agenda item no longer exists."))
            item = found
            if item.version != version:
                raise AgendaError(
                    _(
                        "Someone else saved a change in the meantime, so yours was not saved. Your entries are "
                        "kept below: reload the page to see the other version, then make your changes again."
                    )
                )
            item.version += 1
        with db.session.no_autoflush:  # the item is complete only at the end of this block
            item.starts_at, item.ends_at, item.kind = details.starts_at, details.ends_at, details.kind
            item.title, item.description = details.title.strip(), details.description.strip()
            item.capacity, item.attendance_mode = details.capacity, details.attendance_mode
            item.project_name = details.project_name.strip() or None
            item.presenting_organisation = organisation
            item.room = _room(event, details.room_name.strip())
            roles = [(pid, AppearanceRole.SPEAKER) for pid in details.speaker_ids] + [
                (pid, AppearanceRole.MODERATOR) for pid in details.moderator_ids
            ]
            kept = {(appearance.person_id, appearance.role): appearance for appearance in item.appearances}
            item.appearances = [
                kept.get((pid, role)) or AgendaItemPerson(person=people[pid], role=role)
                for pid, role in dict.fromkeys(roles)
            ]
            for position, appearance in enumerate(item.appearances):
                appearance.position = position
        db.session.add(item)
        record(AuditAction.AGENDA_SAVED, item.title, event.id, by=by)
    return item


def delete_item(event_id: int, item_id: int, *, by: Actor | None) -> None:
    with row_locked(Event, event_id) as event:
        item = db.session.get(AgendaItem, item_id)
        if item is None or item.event_id != event.id:
            raise AgendaError(_("This agenda item no longer exists."))
        db.session.delete(item)
        record(AuditAction.AGENDA_DELETED, item.title, event.id, by=by)


def _people(ids: list[int]) -> list[Person]:
    people = db.session.scalars(db.select(Person).where(Person.id.in_(ids))).all() if ids else []
    if len({person.id for person in people}) != len(set(ids)):
        raise AgendaError(_("Please choose people from the list."), field="speaker_ids")
    return list(people)


def _room(event: Event, name: str) -> Room | None:
    if not name:
        return None
    room = next((room for room in event.rooms if room.name.casefold() == name.casefold()), None)
    if room is None:
        room = Room(event=event, name=name[:120], position=len(event.rooms))
    return room


def warnings(event: Event) -> list[str]:
    """What looks wrong in the agenda: nothing here stops saving, it is for the organiser to judge."""
    found = []
    for item in event.agenda_items:
        if item.starts_at < event.starts_at or item.ends_at > event.ends_at:
            found.append(_("“%(title)s” lies outside the event's hours.", title=item.title))
        if item.capacity and item.room and item.room.capacity and item.capacity > item.room.capacity:
            found.append(
                _(
                    "“%(title)s” has %(seats)s seats, but room %(room)s only %(room_seats)s.",
                    title=item.title,
                    seats=item.capacity,
                    room=item.room.name,
                    room_seats=item.room.capacity,
                )
            )
    for first, second in combinations(event.agenda_items, 2):
        if first.starts_at >= second.ends_at or second.starts_at >= first.ends_at:
            continue
        if first.room is not None and first.room is second.room:
            found.append(
                _(
                    "“%(first)s” and “%(second)s” overlap in the same room: %(room)s.",
                    first=first.title,
                    second=second.title,
                    room=first.room.name,
                )
            )
        for person in {a.person for a in first.appearances} & {a.person for a in second.appearances}:
            found.append(
                _(
                    "%(person)s is booked in “%(first)s” and “%(second)s” at the same time.",
                    person=person.full_name,
                    first=first.title,
                    second=second.title,
                )
            )
    return found


def save_room(event_id: int, room_id: int, name: str, capacity: int | None, *, by: Actor | None) -> Room:
    with row_locked(Event, event_id) as event:
        room = next((room for room in event.rooms if room.id == room_id), None)
        if room is None:
            raise AgendaError(_("This room no longer exists."))
        if any(other.id != room.id and other.name.casefold() == name.casefold() for other in event.rooms):
            raise AgendaError(_("Another room already has this name."), field="name")
        room.name, room.capacity = name, capacity
        record(AuditAction.ROOM_CHANGED, name, event.id, by=by)
    return room


@event_signals.duplicated.connect
def copy_the_agenda(copy: Event, source: Event, shift: timedelta) -> None:
    """A duplicated event gets the rooms and the agenda of the one it was copied from, moved in time."""
    rooms = {room.id: Room(name=room.name, capacity=room.capacity, position=room.position) for room in source.rooms}
    copy.rooms = list(rooms.values())
    copy.agenda_items = [
        AgendaItem(
            starts_at=item.starts_at + shift,
            ends_at=item.ends_at + shift,
            kind=item.kind,
            title=item.title,
            description=item.description,
            room=rooms.get(item.room_id) if item.room_id else None,
            capacity=item.capacity,
            attendance_mode=item.attendance_mode,
            project_name=item.project_name,
            # By id, as the event's partners are copied (events/services.duplicate).
            presenting_organisation_id=item.presenting_organisation_id,
            appearances=[
                AgendaItemPerson(person_id=a.person_id, role=a.role, position=a.position) for a in item.appearances
            ],
        )
        for item in source.agenda_items
    ]


@dataclass
class TimeSlot:
    """Items that start together: one item, or parallel forums in several rooms."""

    starts_at: datetime
    ends_at: datetime
    items: list[AgendaItem]

    @property
    def is_parallel(self) -> bool:
        return len(self.items) > 1


def programme(event: Event) -> list[AgendaItem]:
    """The event's agenda items in time order, with what the public pages show of each (room, presenting
    organisation, speakers and their organisations) loaded in a few queries, however long the programme."""
    return list(
        db.session.scalars(
            sa.select(AgendaItem)
            .where(AgendaItem.event_id == event.id)
            .order_by(AgendaItem.starts_at)
            .options(
                selectinload(AgendaItem.room),
                selectinload(AgendaItem.presenting_organisation),
                selectinload(AgendaItem.appearances)
                .selectinload(AgendaItemPerson.person)
                .selectinload(Person.organisation),
            )
        )
    )


def time_slots(items: list[AgendaItem]) -> list[TimeSlot]:
    slots: dict[datetime, list[AgendaItem]] = {}
    for item in sorted(items, key=lambda item: item.starts_at):
        slots.setdefault(item.starts_at, []).append(item)
    return [
        TimeSlot(
            starts_at=start,
            ends_at=max(item.ends_at for item in group),
            items=sorted(group, key=lambda item: (item.room.position if item.room else -1, item.id)),
        )
        for start, group in slots.items()
    ]


def good_practice_items(items: list[AgendaItem]) -> list[AgendaItem]:
    return [item for item in items if item.kind == AgendaItemKind.GOOD_PRACTICE]


def people_of(items: list[AgendaItem]) -> list[Person]:
    """Everyone who speaks or moderates, in order of first appearance, each once."""
    seen: dict[int, Person] = {}
    for item in sorted(items, key=lambda item: item.starts_at):
        for appearance in item.appearances:
            seen.setdefault(appearance.person.id, appearance.person)
    return list(seen.values())


@organisation_signals.showing.connect
def events_with_presenter_or_speaker(organisation_ids: list[int]) -> list[tuple[int, int]]:
    """Events whose programme names one of the organisations: presenting a good-practice example, or of a speaker."""
    presenting = sa.select(AgendaItem.presenting_organisation_id, AgendaItem.event_id).where(
        AgendaItem.presenting_organisation_id.in_(organisation_ids)
    )
    speaking = (
        sa.select(Person.organisation_id, AgendaItem.event_id)
        .join(AgendaItemPerson, AgendaItemPerson.agenda_item_id == AgendaItem.id)
        .join(Person)
        .where(Person.organisation_id.in_(organisation_ids))
    )
    found = db.session.execute(sa.union(presenting, speaking))
    return [(organisation_id, event_id) for organisation_id, event_id in found if organisation_id is not None]


@organisation_signals.merging.connect
def move_examples_to_kept_organisation(kept: Organisation, duplicate: Organisation, **_details: object) -> None:
    db.session.execute(
        sa.update(AgendaItem)
        .where(AgendaItem.presenting_organisation_id == duplicate.id)
        .values(presenting_organisation_id=kept.id)
    )
