"""The door on the day of the event: who is let in, when, and at which door.

Check-in opens on the event's day, OPENS_BEFORE its start, and closes at its end; after that
organisers may still correct it (every change is logged), check-in helpers no longer can.
Forums of parallel slots may have a door of their own: a scan there admits only people who
chose that forum.

A scan can reach the server late: made while the venue's network was down, it waited on the
phone. It carries the time it was made, which becomes the check-in time, so the same scan
sent twice is recognised and counted once. Whether the door is open is judged on arrival, so a
phone's clock cannot reopen it.
"""

import enum
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy.orm import InstrumentedAttribute

from conference.agenda.models import AgendaItem
from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked, rows_changed, write_transaction
from conference.events.models import Event
from conference.extensions import db
from conference.registration import services as registrations
from conference.registration.models import BY_NAME, NOT_YET_CONFIRMED, ForumChoice, Registration, RegistrationStatus
from conference.registration.services import CHECK_IN_ALPHABET, CHECK_IN_OPENS_BEFORE, forum_slots, told, typed_search
from conference.registration.signals import Change
from conference.rules import Refusal
from conference.site.filters import clock

OPENS_BEFORE = CHECK_IN_OPENS_BEFORE
# A scan kept on a phone is accepted with its own time for this long; older ones are dated on arrival.
OFFLINE_FOR_AT_MOST = timedelta(hours=6)
CLOCK_SKEW = timedelta(minutes=10)  # how far ahead a phone's clock may be
CODE_PATTERN = re.compile(f"[{CHECK_IN_ALPHABET}]{{10}}")
LIST_LIMIT = 200  # people per list on the door page; beyond that the search narrows it down


class DoorState(enum.StrEnum):
    NOT_YET_OPEN = "not_yet_open"
    OPEN = "open"
    CORRECTING = "correcting"  # the event is over; organisers may still correct
    CLOSED = "closed"


class DoorClosed(Refusal):
    pass


def door_state(event: Event, now: datetime, may_correct: bool) -> DoorState:
    if event.is_cancelled:
        return DoorState.CLOSED
    if now < opens_at(event):
        return DoorState.NOT_YET_OPEN
    if now < event.ends_at:
        return DoorState.OPEN
    return DoorState.CORRECTING if may_correct else DoorState.CLOSED


def opens_at(event: Event) -> datetime:
    return event.starts_at - OPENS_BEFORE


def door_message(event: Event, state: DoorState) -> str:
    """Why the door is not simply open, or "" when it is."""
    if state == DoorState.NOT_YET_OPEN:
        return _(
            "Check-in opens on %(date)s at %(time)s.",
            date=format_date(opens_at(event), "full"),
            time=clock(opens_at(event)),
        )
    if state == DoorState.CORRECTING:
        return _("The event is over. You can still correct the check-in; every change is recorded in the log.")
    if state == DoorState.CLOSED:
        if event.is_cancelled:
            return _("This event has been cancelled; there is no check-in.")
        return _("The event is over, so check-in is closed. Organisers can still correct it.")
    return ""


def forums(event: Event) -> list[AgendaItem]:
    """The forums that may have a door of their own: those of slots of parallel forums."""
    return [item for slot in forum_slots(event) for item in slot.items]


@dataclass
class Scan:
    code: str
    at: datetime | None = None  # when the scan was made, if it waited on the phone
    forum_id: int | None = None  # the forum's door, or None for the entrance


@dataclass
class Outcome:
    """What the door sees after a scan: who it is, and whether to let them in."""

    registration: Registration | None
    admitted: bool
    message: str
    # The same scan arrived a second time (sent again after a lost answer): nothing changed.
    repeated: bool = False


def normalise(code: str) -> str:
    return "".join(code.split()).upper()[:40]


def check_in(event: Event, scan: Scan, now: datetime, may_correct: bool = False, *, by: Actor | None) -> Outcome:
    """Admit a confirmed registrant once, at the entrance or at the door of their forum; refuse anything else, saying
    why."""
    state = door_state(event, now, may_correct)
    if state not in (DoorState.OPEN, DoorState.CORRECTING):
        raise DoorClosed(door_message(event, state))
    earliest = max(now - OFFLINE_FOR_AT_MOST, opens_at(event))
    at = scan.at if scan.at is not None and earliest <= scan.at <= now + CLOCK_SKEW else now
    code = normalise(scan.code)
    if not CODE_PATTERN.fullmatch(code):
        return Outcome(None, False, _("This is not a check-in code. Please scan again or search by name."))
    with write_transaction():
        registration = db.session.scalar(sa.select(Registration).where(Registration.check_in_code == code))
        if registration is None:
            return Outcome(None, False, _("Unknown code. Please check it or search by name."))
        if registration.event_id != event.id:
            return Outcome(None, False, _("This code belongs to another event."))
        if registration.status != RegistrationStatus.CONFIRMED:
            return Outcome(registration, False, _("Not admitted: %(status)s.", status=registration.status.label))
        if registration.online:
            return Outcome(registration, False, _("Registered to take part online, not on site."))
        target: Registration | ForumChoice | None
        if scan.forum_id is None:
            target = registration
        else:
            target = next(
                (choice for choice in registration.forum_choices if choice.agenda_item_id == scan.forum_id), None
            )
            if target is None:
                return Outcome(registration, False, _wrong_forum(registration, scan.forum_id))
        if target.checked_in_at is not None:
            if scan.at is not None and target.checked_in_at == scan.at:
                return Outcome(registration, True, _("Checked in: welcome!"), repeated=True)
            return Outcome(registration, False, _("Already checked in at %(time)s.", time=clock(target.checked_in_at)))
        # Only if nobody checked them in meanwhile (two helpers, two phones): admitted once.
        model = type(target)
        if not rows_changed(
            sa.update(model).where(model.id == target.id, model.checked_in_at.is_(None)).values(checked_in_at=at)
        ):
            return Outcome(registration, False, _("Already checked in."))
        db.session.refresh(target)
        arrived = target is registration or registration.checked_in_at is None
        if registration.checked_in_at is None:
            registration.checked_in_at = at  # who is at a forum's door has come in
        record(AuditAction.CHECKED_IN, registration.full_name, event.id, registration.id, by=by)
        if arrived:
            told(registration, Change.CHECKED_IN)
    return Outcome(registration, True, _("Checked in: welcome!"))


def _wrong_forum(registration: Registration, forum_id: int) -> str:
    forum = db.session.get_one(AgendaItem, forum_id)
    chosen = [
        choice.agenda_item for choice in registration.forum_choices if choice.agenda_item.starts_at == forum.starts_at
    ]
    if chosen:
        return _("Registered for another forum: %(title)s.", title=chosen[0].title)
    return _("No forum chosen in this time slot.")


def undo(
    event: Event,
    registration_id: int,
    forum_id: int | None,
    now: datetime,
    may_correct: bool = False,
    *,
    by: Actor | None,
) -> Registration:
    """Take back a check-in made by mistake: at the entrance (and every forum), or at one forum's door."""
    state = door_state(event, now, may_correct)
    if state not in (DoorState.OPEN, DoorState.CORRECTING):
        raise DoorClosed(door_message(event, state))
    with row_locked(Event, event.id):  # two phones undoing at once: undone, and logged, once
        registration = db.session.get(Registration, registration_id, populate_existing=True)
        if registration is None or registration.event_id != event.id:
            raise DoorClosed(_("Unknown registration."))
        choices = (
            registration.forum_choices
            if forum_id is None
            else [choice for choice in registration.forum_choices if choice.agenda_item_id == forum_id]
        )
        here = registration if forum_id is None else next(iter(choices), None)
        if here is None or here.checked_in_at is None:
            raise DoorClosed(_("%(name)s is not checked in here.", name=registration.full_name))
        for choice in choices:
            choice.checked_in_at = None
        if forum_id is None:
            registration.checked_in_at = None
        record(AuditAction.CHECK_IN_UNDONE, registration.full_name, event.id, registration.id, by=by)
        if forum_id is None:
            told(registration, Change.CHANGED)
    return registration


def admit(event: Event, registration_id: int, now: datetime, may_correct: bool = False, *, by: Actor | None) -> Outcome:
    """Let in at the entrance someone on the waiting list or awaiting approval (registrations.admit), when those
    who may decide so; the answer says when the room is then fuller than it holds."""
    state = door_state(event, now, may_correct)
    if state not in (DoorState.OPEN, DoorState.CORRECTING):
        raise DoorClosed(door_message(event, state))
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        raise DoorClosed(_("Unknown registration."))
    try:
        registrations.admit(registration.id, now, by=by)
    except registrations.RegistrationError as refused:
        return Outcome(registration, False, refused.message)
    return Outcome(registration, True, _("Admitted out of turn: welcome!"))  # the door page says if the room is full


def walk_in(
    event: Event, applicant: registrations.Applicant, now: datetime, may_correct: bool = False, *, by: Actor | None
) -> Outcome:
    """Register someone at the entrance and let them in (registrations.walk_in); an address registered already
    makes no second registration: the answer is that one, for the door to deal with as with a scan."""
    state = door_state(event, now, may_correct)
    if state not in (DoorState.OPEN, DoorState.CORRECTING):
        raise DoorClosed(door_message(event, state))
    try:
        registration = registrations.walk_in(event.id, applicant, now, by=by).registration
    except registrations.AlreadyRegistered as known:
        registered = known.registration
        if registered.checked_in_at is not None:
            return Outcome(
                registered,
                False,
                _(
                    "This address is registered already and was checked in at %(time)s.",
                    time=clock(registered.checked_in_at),
                ),
            )
        return Outcome(
            registered, False, _("This address is registered already: %(status)s.", status=registered.status.label)
        )
    return Outcome(registration, True, _("Registered and checked in: welcome!"))


def room_note(event: Event, forum_id: int | None, inside: int) -> str:
    """Whether more are in than the room of this door holds: the event's, or the forum's."""
    capacity = event.capacity if forum_id is None else db.session.get_one(AgendaItem, forum_id).capacity
    return registrations.room_note(capacity, inside)


@dataclass
class Door:
    """Who is expected at a door and who is in (latest first), as the door page lists them; with a search at the
    entrance also who is found on the waiting list or awaiting approval, whom the list does not let in."""

    expected: list[Registration]
    checked_in: list[tuple[Registration, datetime]]
    expected_count: int
    checked_in_count: int
    not_yet_confirmed: list[Registration]


def _confirmed_at(
    event: Event, forum_id: int | None
) -> tuple[sa.Select[Registration, datetime | None], InstrumentedAttribute[datetime | None]]:
    """Confirmed people who belong at a door (not those taking part online), with the time each checked in there."""
    checked_in_at = Registration.checked_in_at if forum_id is None else ForumChoice.checked_in_at
    query = sa.select(Registration, checked_in_at).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.online.is_(False),
    )
    if forum_id is not None:
        query = query.join(ForumChoice).where(ForumChoice.agenda_item_id == forum_id)
    return query, checked_in_at


def counts(event: Event, forum_id: int | None) -> tuple[int, int]:
    """How many are still expected at a door, and how many are in."""
    query, checked_in_at = _confirmed_at(event, forum_id)
    at = query.with_only_columns(checked_in_at.label("at"), maintain_column_froms=True).subquery().c.at
    expected, checked_in = db.session.execute(
        sa.select(sa.func.count().filter(at.is_(None)), sa.func.count().filter(at.is_not(None)))
    ).one()
    return expected, checked_in


def people_at(event: Event, forum_id: int | None, search: str = "") -> Door:
    """The door's two lists, filtered by name or organisation, with the counts of everyone."""
    query, checked_in_at = _confirmed_at(event, forum_id)
    if search:
        query = query.where(
            typed_search(search, Registration.first_name, Registration.last_name, Registration.organisation)
        )
    expected = db.session.scalars(query.where(checked_in_at.is_(None)).order_by(*BY_NAME).limit(LIST_LIMIT)).all()
    checked_in = db.session.execute(
        query.where(checked_in_at.is_not(None)).order_by(checked_in_at.desc(), Registration.id).limit(LIST_LIMIT)
    ).all()
    not_yet_confirmed = (
        []
        if not search or forum_id is not None
        else db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status.in_(NOT_YET_CONFIRMED),
                typed_search(search, Registration.first_name, Registration.last_name, Registration.organisation),
            )
            .order_by(*BY_NAME)
            .limit(LIST_LIMIT)
        ).all()
    )
    # (each with a time: the query asks for those checked in)
    checked_in_with_time = cast(list[tuple[Registration, datetime]], [tuple(row) for row in checked_in])
    return Door(list(expected), checked_in_with_time, *counts(event, forum_id), list(not_yet_confirmed))
