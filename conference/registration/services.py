"""The rules of registration, callable without HTTP.

Every change to who holds a seat runs in one transaction that holds the event's lock
(``row_locked``): count, decide and write happen together, so no rush can overbook. Mail about
the change is queued in that same transaction and delivered by a background task after it commits.
"""

import functools
import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import format_date, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from conference.agenda.models import AgendaItem, AgendaItemKind
from conference.agenda.services import TimeSlot, time_slots
from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked, table_of
from conference.events import signals as event_signals
from conference.events.models import Event, EventStatus, ParticipantListMode, RegistrationState
from conference.events.services import public_event
from conference.extensions import db
from conference.mail import services as mail
from conference.mail.models import OutgoingMail
from conference.registration import signals as registration_signals
from conference.registration.models import (
    ACTIVE,
    BY_NAME,
    NOT_YET_CONFIRMED,
    SEAT_HOLDING,
    Answer,
    ForumChoice,
    MailText,
    Question,
    Registration,
    RegistrationStatus,
    Salutation,
)
from conference.registration.questions import asked, fits, is_shown
from conference.registration.signals import Change
from conference.rules import Refusal
from conference.site import qr
from conference.site.filters import clock, time_range
from conference.tasks.models import WorkStatus

CHECK_IN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread at the door
CHECK_IN_OPENS_BEFORE = timedelta(hours=3)  # the door (conference.check_in) opens this long before the start


class RegistrationError(Refusal):
    pass


class NoteChangedMeanwhile(RegistrationError):
    pass


@dataclass
class Applicant:
    first_name: str
    last_name: str
    email: str
    organisation: str = ""
    function: str = ""
    phone: str = ""
    salutation: str = ""  # a Salutation's value
    academic_title: str = ""
    locale: str = "de"
    listed_as_participant: bool | None = False  # None: left as it is
    online: bool | None = None  # takes part online, where the event offers both; None: on site, or left as it is
    submission_key: str = ""
    answers: dict[int, object] = field(default_factory=dict)  # question id -> answer
    forums: list[int] = field(default_factory=list)  # the chosen forum of each slot of parallel forums


@dataclass
class Outcome:
    registration: Registration
    # Someone registered this address before: its link was mailed again, nothing else is told.
    already_registered: bool = False
    # The same form was sent twice (a double click): the first submission's registration.
    repeated: bool = False
    # For an address registered already: the status a new registration would have got now.
    offered: RegistrationStatus | None = None
    # The colleagues registered with this registration (for an address registered already: as they would have been).
    group: list[Registration] = field(default_factory=list)

    @property
    def status_offered(self) -> RegistrationStatus:
        """What the thank-you page may say: the status this registration got, or for an address registered
        already the status a new one would have got (its own is told only by mail, to the address)."""
        return self.offered if self.already_registered and self.offered else self.registration.status


# --- the secret link -------------------------------------------------------------------------


def link_token(registration: Registration) -> str:
    digest = hmac.new(
        current_app.config["SECRET_KEY"].encode(), f"registration:{registration.link_nonce}".encode(), hashlib.sha256
    )
    return digest.hexdigest()


def new_check_in_code() -> str:
    return "".join(secrets.choice(CHECK_IN_ALPHABET) for _ in range(10))


def has_ticket(registration: Registration) -> bool:
    """Whether the person has a ticket with a check-in code the door admits (not those taking part online)."""
    return (
        registration.status == RegistrationStatus.CONFIRMED
        and not registration.online
        and registration.anonymised_at is None
    )


def check_in_qr_code(registration: Registration) -> str:
    """The check-in code as a QR code, an SVG data URI for pages and PDFs."""
    return qr.svg_data_uri(registration.check_in_code)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def registration_for_token(token: str) -> Registration | None:
    if not token or len(token) > 128:
        return None
    return db.session.scalar(sa.select(Registration).where(Registration.token_hash == _hash(token)))


def public_list_of(event: Event) -> bool:
    """Whether anyone may see who takes part (those who agreed to be listed)."""
    return event.participant_list_mode == ParticipantListMode.PUBLIC


def event_with_public_list(slug: str) -> Event | None:
    """The event whose participant list anyone may see (the page and its PDF)."""
    event = public_event(slug)
    return event if event is not None and public_list_of(event) else None


def registration_shown_the_list(token: str) -> Registration | None:
    """The registration behind ``token``, if its event's participant list is shown to them."""
    registration = registration_for_token(token)
    return registration if registration is not None and list_shown_to(registration) else None


def list_shown_to(registration: Registration) -> bool:
    """Whether this registrant may see who else takes part."""
    return (
        registration.event.participant_list_mode != ParticipantListMode.HIDDEN
        and registration.status == RegistrationStatus.CONFIRMED
    )


def new_link(registration: Registration) -> None:
    registration.link_nonce = secrets.token_hex(16)
    registration.token_hash = _hash(link_token(registration))


# --- seats and forums ------------------------------------------------------------------------


def seats_taken(event_id: int, online: bool = False) -> int:
    """Places held in the room, or ``online``."""
    return db.session.execute(_counting_seats(), {"event_id": event_id, "online": online}).scalar_one()


@functools.cache
def _counting_seats() -> sa.Select[Any]:
    """Built once and on the table, as it runs for every registration and page of an event (see ``table_of``)."""
    registrations = table_of(Registration).c
    return sa.select(sa.func.count()).where(
        registrations.event_id == sa.bindparam("event_id"),
        registrations.online == sa.bindparam("online"),
        registrations.status.in_(SEAT_HOLDING),
    )


def places_free(event: Event, online: bool) -> int | None:
    """Free places in the room or online; None: as many as register."""
    capacity = event.capacity_for(online)
    return None if capacity is None else max(capacity - seats_taken(event.id, online), 0)


def typed_search(search: str, *columns: sa.ColumnExpressionArgument[str | None]) -> sa.ColumnElement[bool]:
    """Rows where any of ``columns`` contains what was typed, case-insensitively; "%" and "_" are plain characters."""
    return sa.or_(*(sa.func.lower(column).contains(search.lower(), autoescape=True) for column in columns))


def is_full(event: Event, online: bool | None = None) -> bool:
    """No place free in the room or ``online``; None: in none of the ways the event offers."""
    return all(places_free(event, mode) == 0 for mode in (event.modes if online is None else [online]))


def online_access(registration: Registration) -> tuple[str, str] | None:
    """The online link and its access code, for someone confirmed to take part online (and only for them: not for
    those waiting or awaiting approval, nor on any public page)."""
    event = registration.event
    if (
        registration.online
        and registration.status == RegistrationStatus.CONFIRMED
        and registration.anonymised_at is None
        and not event.is_cancelled
        and event.online_url
    ):
        return event.online_url, event.online_access_code
    return None


def takes_part_online(event: Event, wanted: bool | None) -> bool:
    """How someone takes part: as the event offers it, or as they chose (None: on site) where it offers both."""
    return event.modes[0] if len(event.modes) == 1 else bool(wanted)


def forum_slots(event: Event) -> list[TimeSlot]:
    """Slots of parallel forums, in each of which a registrant chooses one."""
    forums = [item for item in event.agenda_items if item.kind == AgendaItemKind.FORUM]
    return [slot for slot in time_slots(forums) if slot.is_parallel]


def forum_seats_taken(item: AgendaItem, besides: Registration | None = None) -> int:
    query = (
        sa.select(sa.func.count())
        .select_from(ForumChoice)
        .join(Registration)
        .where(ForumChoice.agenda_item_id == item.id, Registration.status.in_(SEAT_HOLDING))
    )
    if besides is not None and besides.id is not None:
        query = query.where(Registration.id != besides.id)
    return db.session.scalars(query).one()


def forum_is_full(item: AgendaItem, besides: Registration | None = None) -> bool:
    return item.capacity is not None and forum_seats_taken(item, besides) >= item.capacity


def _set_forums(registration: Registration, event: Event, chosen_ids: list[int]) -> None:
    slots = forum_slots(event)
    offered = {item.id: item for slot in slots for item in slot.items}
    if any(item_id not in offered for item_id in chosen_ids):
        raise RegistrationError(_("Please choose one of the forums offered."))
    picks = []
    for index, slot in enumerate(slots):
        picked = [item for item in slot.items if item.id in chosen_ids]
        if len(picked) != 1:
            raise RegistrationError(_("Please choose one forum for this time slot."), field=f"forum_{index}")
        # People on the waiting list keep their wish; it is checked when they get a seat.
        if registration.status in SEAT_HOLDING and forum_is_full(picked[0], besides=registration):
            raise RegistrationError(
                _("The forum “%(title)s” is full. Please choose another one.", title=picked[0].title),
                field=f"forum_{index}",
            )
        picks.append(picked[0])
    kept = {choice.agenda_item_id: choice for choice in registration.forum_choices}
    registration.forum_choices = [kept.get(item.id) or ForumChoice(agenda_item=item) for item in picks]


def _set_answers(registration: Registration, event: Event, answers: dict[int, object]) -> None:
    questions = {question.id: question for question in asked(event)}
    if any(question_id not in questions for question_id in answers):
        raise RegistrationError(_("The form does not match this event. Please reload the page."))
    existing = {answer.question_id: answer for answer in registration.answers}
    # Answers to questions since removed from the form stay, as the export shows them.
    kept = [answer for answer in registration.answers if answer.question_id not in questions]
    for question in questions.values():
        shown = is_shown(question, answers)
        value = answers.get(question.id) if shown else None
        value = value.strip() if isinstance(value, str) else value  # blanks are no answer
        if value in (None, "", []):
            if question.required and shown:
                raise RegistrationError(_("Please answer this question."), field=f"question_{question.id}")
            if question.id in existing and not fits(question, existing[question.id].value):
                kept.append(existing[question.id])  # given before the question changed: the form could not show it
            continue
        answer = existing.get(question.id) or Answer(question=question)
        answer.value = value
        kept.append(answer)
    registration.answers = kept


# --- changes ---------------------------------------------------------------------------------

# What the log names a changed field by: the label its form shows.
FIELD_LABELS = {
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "email": _l("E-mail address"),
    "organisation": _l("Organisation"),
    "function": _l("Function or role"),
    "phone": _l("Phone"),
    "listed_as_participant": _l("Participant list"),
    "online": _l("Takes part online"),
}
# Fields whose values the log keeps before and after, besides the forums (titles of the event's own): the consent
# to be listed, which organisers may have to show was given or withdrawn (Art. 7(1) DSGVO). Names, address, phone
# and answers are the person's own data, and answers to choice questions too: they can tell of health or belief
# (dietary needs, access) – the log names those fields only.
LOGGED_VALUES = {"listed_as_participant", "online"}


class IfGroupDoesNotFit(StrEnum):
    """What a registrant chose for a group larger than the seats still free."""

    SPLIT = "split"  # the first ones (the registrant first) take the free seats, the others wait, in order
    WAIT = "wait"  # all wait together


class GroupDoesNotFit(RegistrationError):
    """Fewer seats are free than the group has people: the registrant chooses (``IfGroupDoesNotFit``)."""

    def __init__(self, free: int, size: int):
        super().__init__(
            ngettext(
                "Only %(num)d place is still free for your %(size)d people. Please choose how to register them.",
                "Only %(num)d places are still free for your %(size)d people. Please choose how to register them.",
                free,
                size=size,
            ),
            field="if_group_does_not_fit",
        )


def register(
    event_id: int,
    applicant: Applicant,
    now: datetime,
    by_organiser: bool = False,
    *,
    by: Actor | None,
    colleagues: Sequence[Applicant] = (),
    if_full: IfGroupDoesNotFit | None = None,
) -> Outcome:
    """Register, or put on the waiting list when the event is full; with ``colleagues``, a group: each a registration
    of their own, registered by the applicant (``registered_by``), seated in order while seats are free.

    An address that is registered already gets its link sent again, and nothing else changes (its colleagues are
    not registered either: the mail says so). Organisers may add people outside the registration period, but not
    to a cancelled event.
    """
    with row_locked(Event, event_id) as event:
        if by_organiser:
            if event.is_cancelled:
                raise RegistrationError(_("This event has been cancelled; registration is not possible."))
        elif event.registration_state(now) != RegistrationState.OPEN:
            raise RegistrationError(_("Registration for this event is not open."))
        email = applicant.email.strip().lower() or None
        if email is None and not by_organiser:
            raise RegistrationError(_("Please enter your e-mail address."), field="email")
        submission = _hash(applicant.submission_key) if applicant.submission_key else ""
        repeated, existing = _made_before(event, submission, email)
        if repeated:
            return Outcome(repeated, repeated=True, group=group_of(repeated))
        _check_group(event, email, colleagues)
        online = takes_part_online(event, applicant.online)
        statuses = _group_statuses(event, 1 + len(colleagues), if_full, online)
        registration = _new_registration(event, statuses[0], email, submission, now)
        registration.online = online  # and so their colleagues (_member)
        # The same checks whether or not the address is registered: a refusal (a full forum, say)
        # must not tell a stranger which it is.
        _apply(registration, event, applicant)
        if existing is None:
            db.session.add(registration)  # counted in its colleagues' forums
        members: list[Registration] = []
        stored: list[Registration] = []  # registered now
        known: list[Registration] = []  # colleagues registered before, by their own addresses
        for index, (colleague, status) in enumerate(zip(colleagues, statuses[1:], strict=True)):
            # A colleague whose address is registered already is not registered again; that registration's link
            # goes to the address, and the form tells nobody which addresses are registered.
            registered = _active_registration(event.id, colleague.email.strip().lower() or None)
            member = _member(registration, event, colleague, status, now, index, stored=not (existing or registered))
            members.append(member)
            (known if registered else stored).append(registered or member)
        if existing is not None:
            queue_mail(existing, "link", group_not_added=bool(colleagues))
            # The colleagues as they would have been registered: the thanks tell nobody that the address was.
            return Outcome(existing, already_registered=True, offered=registration.status, group=members)
        queue_mail(registration, "registered", with_group=bool(stored))
        if RegistrationStatus.WAITLISTED in statuses:
            _note_waiting_list(event)
        if by_organiser:
            db.session.flush()
            record(AuditAction.REGISTRATION_ADDED, registration.full_name, event.id, registration.id, by=by)
        told(registration, Change.CREATED)
        for member in stored:
            queue_mail(member, "registered")
            told(member, Change.CREATED)
        for registered in known:
            queue_mail(registered, "link")
    return Outcome(registration, group=members)


def add_to_group(leader_id: int, colleague: Applicant, now: datetime) -> Registration:
    """One more colleague, registered later through the link of the one who registered the group: a seat if one is
    free, else the waiting list; while registration is open and the group below the event's limit."""
    leader = db.session.get_one(Registration, leader_id)
    with row_locked(Event, leader.event_id) as event:
        db.session.refresh(leader)
        group = group_of(leader)
        if not may_add_to_group(leader, group, now) and 1 + len(group) < event.group_size_limit:
            raise RegistrationError(_("Registration for this event is not open."))
        _check_group(event, leader.email, [colleague], registered=len(group))
        if colleague.email and _active_registration(event.id, colleague.email.strip().lower()) is not None:
            # Asked through the registrant's link, not by anyone: the answer may say so.
            raise RegistrationError(
                _("This address is registered already; its owner manages that registration through their own link."),
                field="colleagues-0-email",
            )
        status = _seat_status(event) if places_free(event, leader.online) != 0 else RegistrationStatus.WAITLISTED
        member = _member(leader, event, colleague, status, now, 0, stored=True)
        if member.status == RegistrationStatus.WAITLISTED:
            _note_waiting_list(event)
        queue_mail(member, "registered")
        told(member, Change.CREATED)
    return member


def may_add_to_group(leader: Registration, group: list[Registration], now: datetime) -> bool:
    """Whether ``leader`` may register one more colleague with them now (``group``: those registered so far). A
    colleague registered by someone else manages only themselves."""
    event = leader.event
    return (
        event.registration_state(now) == RegistrationState.OPEN
        and leader.is_active
        and leader.anonymised_at is None
        and leader.registered_by_id is None
        and 1 + len(group) < event.group_size_limit
    )


def group_of(leader: Registration) -> list[Registration]:
    """The people ``leader`` registered with them and who are still registered, in the order they were."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.registered_by_id == leader.id, Registration.status.in_(ACTIVE))
            .order_by(Registration.id)
        )
    )


def _check_group(event: Event, email: str | None, colleagues: Sequence[Applicant], registered: int = 0) -> None:
    """A group within the event's limit (``registered``: the colleagues in it already), each address named once."""
    if not colleagues:
        return
    if 1 + registered + len(colleagues) > event.group_size_limit:
        raise RegistrationError(too_many_in_group(event.group_size_limit))
    seen = {email} if email else set()
    for index, colleague in enumerate(colleagues):
        address = colleague.email.strip().lower()
        if not address:
            continue
        if address in seen:
            raise RegistrationError(
                _("This address is given twice. Each person needs their own, or none."),
                field=f"colleagues-{index}-email",
            )
        seen.add(address)


def too_many_in_group(limit: int) -> str:
    return ngettext(
        "This event takes registrations of one person at a time.",
        "You can register at most %(num)d people at once, yourself included.",
        limit,
    )


def _group_statuses(
    event: Event, size: int, if_full: IfGroupDoesNotFit | None, online: bool
) -> list[RegistrationStatus]:
    """Each person's status, in order: places (in the room or ``online``) while they are free; for a group larger
    than the free places, as the registrant chose (none chosen yet: ``GroupDoesNotFit`` asks)."""
    free = places_free(event, online)
    free = size if free is None else free
    if 0 < free < size:
        if if_full is None:
            raise GroupDoesNotFit(free, size)
        if if_full == IfGroupDoesNotFit.WAIT:
            free = 0
    return [_seat_status(event) if index < free else RegistrationStatus.WAITLISTED for index in range(size)]


def _member(
    leader: Registration,
    event: Event,
    colleague: Applicant,
    status: RegistrationStatus,
    now: datetime,
    index: int,
    *,
    stored: bool,
) -> Registration:
    """The registration of the ``index``-th colleague, made by ``leader``, in their language; ``stored``: added to
    the session (counted in the forums of those after it)."""
    member = _new_registration(event, status, colleague.email.strip().lower() or None, "", now)
    member.registered_by, member.online = leader, leader.online  # a group takes part together
    try:
        _apply(member, event, replace(colleague, locale=leader.locale, listed_as_participant=False))
    except RegistrationError as refused:  # shown at the colleague's field, not the registrant's of the same name
        raise RegistrationError(refused.message, refused.field and f"colleagues-{index}-{refused.field}") from None
    if stored:
        db.session.add(member)
    return member


class AlreadyRegistered(RegistrationError):
    """The address has an active registration already: the door offers that one instead of making a second."""

    def __init__(self, registration: Registration):
        super().__init__(_("Someone is already registered with this e-mail address."), field="email")
        self.registration = registration


def walk_in(event_id: int, applicant: Applicant, now: datetime, *, by: Actor | None) -> Outcome:
    """Someone without a registration at the door, registered by those who may admit: confirmed, also beyond the
    capacity, and checked in at once, from the door's opening on; the usual confirmation with their link goes to the
    address, if they gave one. Forums and the event's questions are not asked at the door (organisers can add them
    to the registration later)."""
    with row_locked(Event, event_id) as event:
        if event.is_cancelled or now < event.starts_at - CHECK_IN_OPENS_BEFORE:
            raise RegistrationError(_("People are admitted at the door only on the day of the event."))
        email = applicant.email.strip().lower() or None
        submission = _hash(applicant.submission_key) if applicant.submission_key else ""
        repeated, existing = _made_before(event, submission, email)
        if repeated:
            return Outcome(repeated, repeated=True)
        if existing is not None:
            raise AlreadyRegistered(existing)
        registration = _new_registration(event, RegistrationStatus.CONFIRMED, email, submission, now)
        _apply_person(registration, applicant)
        registration.checked_in_at = now
        db.session.add(registration)
        queue_mail(registration, "registered")
        record(AuditAction.WALK_IN, registration.full_name, event.id, registration.id, by=by)
        told(registration, Change.CREATED, Change.CHECKED_IN)
    return Outcome(registration)


def _new_registration(
    event: Event, status: RegistrationStatus, email: str | None, submission: str, now: datetime
) -> Registration:
    registration = Registration(
        event=event,
        status=status,
        email=email,
        privacy_accepted_at=now,
        check_in_code=new_check_in_code(),
        submission_key=submission,
        created_at=now,
    )
    new_link(registration)
    return registration


def _made_before(event: Event, submission: str, email: str | None) -> tuple[Registration | None, Registration | None]:
    """In one query: the registration the same form made, if it was sent before (a double click, a resent request),
    and the active registration of the address, if there is one."""
    if not (submission or email):
        return None, None
    found = [
        row
        for row in db.session.scalars(
            _finding_made_before(bool(submission), bool(email)), {"submission_key": submission, "email": email}
        )
        if row.event_id == event.id and row.status in ACTIVE
    ]
    repeated = next(
        (row for row in found if submission and row.submission_key == submission and email in (None, row.email)), None
    )
    return repeated, next((row for row in found if email is not None and row.email == email), None)


@functools.cache
def _finding_made_before(by_submission: bool, by_email: bool) -> sa.Executable:
    """Built once (see ``database.table_of``): one SELECT for each, joined. Each names only what its own index holds,
    and the event and status are checked afterwards: SQLite, which keeps no statistics, otherwise chose at times an
    index of the event and read all its registrations (``test_statement_counts`` reads its plans)."""
    made_by = ([Registration.submission_key == sa.bindparam("submission_key")] if by_submission else []) + (
        [Registration.email == sa.bindparam("email")] if by_email else []
    )
    return sa.select(Registration).from_statement(
        sa.union_all(*(sa.select(Registration).where(condition) for condition in made_by))
    )


def _active_registration(event_id: int, email: str | None, besides: int | None = None) -> Registration | None:
    """The registration of this address that is not cancelled or rejected, if there is one (``besides``: other than
    that one). Found by the address alone, the event and status checked here, for the reason given at
    ``_finding_made_before``."""
    if email is None:
        return None
    found = db.session.scalars(sa.select(Registration).where(Registration.email == email))
    return next((row for row in found if row.event_id == event_id and row.status in ACTIVE and row.id != besides), None)


def update(
    registration_id: int, applicant: Applicant, now: datetime, by_organiser: bool = False, *, by: Actor | None
) -> Registration:
    """Change a registration's details, answers and forums while changes are open; organisers may change any
    registration that is not cancelled, also after registration closed, and its address (``_readdress``).

    The log names the fields that changed, as the one who changed them read them (see ``_as_read``).
    """
    registration = db.session.get_one(Registration, registration_id)
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        allowed = registration.is_active if by_organiser else changes_allowed(registration, now)
        if not allowed or registration.anonymised_at is not None:  # a deleted person's data is not typed in again
            raise RegistrationError(_("This registration can no longer be changed."))
        before = _as_read(registration, event)
        _apply(registration, event, applicant)
        if by_organiser:
            _readdress(registration, event, applicant.email)
        if applicant.online is not None and len(event.modes) > 1 and applicant.online != registration.online:
            _change_way_of_taking_part(registration, event, applicant.online, by)
        after = _as_read(registration, event)
        changed = [
            (key, label, before[key][1], value) for key, (label, value) in after.items() if before[key][1] != value
        ]
        if changed:
            record(
                AuditAction.REGISTRATION_CHANGED,
                registration.full_name,
                event.id,
                registration.id,
                changed_fields=[label for _key, label, _old, _new in changed],
                changed_values={
                    label: (old, new)
                    for key, label, old, new in changed
                    if key in LOGGED_VALUES or key.startswith("forum_")
                },
                by_registrant=not by_organiser,
                by=by,
            )
            told(registration, Change.CHANGED)
    return registration


def _change_way_of_taking_part(registration: Registration, event: Event, online: bool, by: Actor | None) -> None:
    """From the room to online or back, where the event offers both: someone with a place needs a free one the new
    way; someone waiting waits on that way's list, in the order they registered (and moves up at once where a place
    is free). The place left behind goes to the next one waiting for it."""
    if registration.status in SEAT_HOLDING and places_free(event, online) == 0:
        raise RegistrationError(
            _("No place is free online any more.") if online else _("No place is free on site any more."),
            field="online",
        )
    waiting = registration.status == RegistrationStatus.WAITLISTED
    registration.online = online
    db.session.flush()
    fill_free_seats(event, by)  # (someone who moves up is told so, the link with it)
    if online_access(registration) and not waiting:
        queue_mail(registration, "online_access")


def _as_read(registration: Registration, event: Event) -> dict[str, tuple[str, object]]:
    """Each field of the registration's form: its label as the reader of the form reads it, and its value."""
    fields = {name: (str(label), getattr(registration, name)) for name, label in FIELD_LABELS.items()}
    chosen = {choice.agenda_item.id for choice in registration.forum_choices}  # a new choice has no agenda_item_id yet
    for index, slot in enumerate(forum_slots(event)):
        fields[f"forum_{index}"] = (
            f"{_('Forum')} {time_range(slot.starts_at, slot.ends_at)}",
            next((item.title for item in slot.items if item.id in chosen), None),
        )
    answers = {
        answer.question.id: answer.value for answer in registration.answers
    }  # (a new answer: no question_id yet)
    for question in asked(event):
        fields[f"question_{question.id}"] = (question.text(get_locale().language, "label"), answers.get(question.id))
    return fields


def _readdress(registration: Registration, event: Event, typed: str) -> None:
    """An organiser corrects a mistyped address, gives one to someone registered without, or removes one.

    The link went to the old address: it is renewed, so that copy no longer opens the registration, and the mail of
    the person's status, with the new link, goes to the new address (also mails still waiting there are built for
    it). The old address is told nothing: it was a mistake, most likely someone else's, who should not read the
    person's name and event once more.
    """
    email = typed.strip().lower() or None
    if email == registration.email:
        return
    if _active_registration(event.id, email, besides=registration.id) is not None:
        raise RegistrationError(_("Someone is already registered with this e-mail address."), field="email")
    registration.email = email
    new_link(registration)
    # Mails still waiting to go are built for the registration's address when they go: their record follows it.
    waiting = sa.select(OutgoingMail.id).where(mails_about([registration.id]), OutgoingMail.status == WorkStatus.QUEUED)
    db.session.execute(
        sa.delete(OutgoingMail).where(OutgoingMail.id.in_(waiting))
        if email is None
        else sa.update(OutgoingMail).where(OutgoingMail.id.in_(waiting)).values(recipient=email)
    )
    queue_mail(registration, "registered")


def cancel(registration_id: int, now: datetime, by_organiser: bool = False, *, by: Actor | None) -> Registration:
    """Cancel; a freed seat goes to the first person on the waiting list."""
    registration = db.session.get_one(Registration, registration_id)
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        if not cancelling_allowed(registration, now):
            raise RegistrationError(_("This registration can no longer be cancelled."))
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = now
        queue_mail(registration, "cancelled_by_organisers" if by_organiser else "cancelled")
        told(registration, Change.CANCELLED)
        fill_free_seats(event, by)
        record(
            AuditAction.REGISTRATION_CANCELLED,
            registration.full_name,
            event.id,
            registration.id,
            by_registrant=not by_organiser,
            by=by,
        )
    return registration


def decide(registration_id: int, approve: bool, *, by: Actor | None) -> Registration:
    """An organiser's decision on a registration awaiting approval."""
    registration = db.session.get_one(Registration, registration_id)
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        if registration.status != RegistrationStatus.PENDING:
            raise RegistrationError(_("This registration is not awaiting approval."))
        registration.status = RegistrationStatus.CONFIRMED if approve else RegistrationStatus.REJECTED
        queue_mail(registration, "approved" if approve else "rejected")
        told(registration, Change.CHANGED)
        if not approve:
            fill_free_seats(event, by)
        record(
            AuditAction.REGISTRATION_APPROVED if approve else AuditAction.REGISTRATION_REJECTED,
            registration.full_name,
            event.id,
            registration.id,
            by=by,
        )
    return registration


def restore(registration_id: int, now: datetime, *, by: Actor | None) -> Registration:
    """Undo a cancellation (back to a place) or a rejection (back to awaiting approval) made by mistake, while
    the place is still free; a forum that filled up meanwhile is dropped, as when moving up."""
    registration = db.session.get_one(Registration, registration_id)
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        if (
            registration.status not in (RegistrationStatus.CANCELLED, RegistrationStatus.REJECTED)
            or registration.anonymised_at is not None
            or event.has_ended(now)
            or event.is_cancelled
        ):
            raise RegistrationError(_("This registration cannot be restored."))
        if places_free(event, registration.online) == 0:
            raise RegistrationError(_("The place has been taken meanwhile, so this can no longer be undone."))
        rejected = registration.status == RegistrationStatus.REJECTED
        registration.status = RegistrationStatus.PENDING if rejected else RegistrationStatus.CONFIRMED
        registration.cancelled_at = None
        _seated(registration, "restored", AuditAction.REGISTRATION_RESTORED, by)
        told(registration, Change.CHANGED)
    return registration


def promote(registration_id: int, *, by: Actor | None) -> Registration:
    """An organiser moves one person up from the waiting list, out of turn, into a free seat."""
    registration = db.session.get_one(Registration, registration_id)
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        if registration.status != RegistrationStatus.WAITLISTED:
            raise RegistrationError(_("This person is not on the waiting list."))
        if places_free(event, registration.online) == 0:
            raise RegistrationError(_("No seat is free. Raise the capacity first."))
        registration.status = _seat_status(event)
        _seated(registration, "promoted", AuditAction.REGISTRATION_PROMOTED, by)
        told(registration, Change.MOVED_UP)
    return registration


def admit(registration_id: int, now: datetime, *, by: Actor | None) -> Registration:
    """Let in someone on the waiting list or awaiting approval who stands at the door: confirmed out of turn, also
    beyond the capacity (the organisers at the door see the room), and checked in, from the door's opening on.

    No mail: they are told in person, and the link they have shows their confirmed place. Forums they wished
    for stay theirs, as the door admits them beyond the capacity too.
    """
    registration = db.session.get_one(Registration, registration_id)
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        if event.is_cancelled or now < event.starts_at - CHECK_IN_OPENS_BEFORE:
            raise RegistrationError(_("People are admitted at the door only on the day of the event."))
        if registration.status == RegistrationStatus.CONFIRMED and registration.checked_in_at:  # two phones at once
            raise RegistrationError(_("Already checked in at %(time)s.", time=clock(registration.checked_in_at)))
        if registration.status not in NOT_YET_CONFIRMED:
            raise RegistrationError(
                _(
                    "Only someone on the waiting list or awaiting approval is admitted this way: %(status)s.",
                    status=registration.status.label,
                )
            )
        registration.status = RegistrationStatus.CONFIRMED
        registration.checked_in_at = now
        registration.online = False  # who stands at the door takes part on site
        record(AuditAction.ADMITTED, registration.full_name, event.id, registration.id, by=by)
        told(registration, Change.CHECKED_IN)
    return registration


def admission_question(registration: Registration, inside: int) -> tuple[str, str]:
    """What is asked before admitting someone out of turn, and what it tells of the consequences (``inside``: how
    many are in)."""
    capacity = registration.event.capacity
    room = (
        ""
        if capacity is None
        else ngettext(
            "The room holds %(capacity)s; %(num)s is in.",
            "The room holds %(capacity)s; %(num)s are in.",
            inside,
            capacity=capacity,
        )
    )
    return (
        _("Admit %(name)s anyway?", name=registration.full_name),
        " ".join(
            filter(
                None,
                [
                    _(
                        "%(status)s. The registration is confirmed out of turn, also beyond the capacity, "
                        "and checked in; the log records it.",
                        status=registration.status.label,
                    ),
                    room,
                ],
            )
        ),
    )


def room_note(capacity: int | None, inside: int) -> str:
    """What the door and the overview say when more people are in than the room holds (the capacity), else ""."""
    if capacity is None or inside <= capacity:
        return ""
    return ngettext(
        "Above capacity: the room holds %(capacity)s, and %(num)s is in.",
        "Above capacity: the room holds %(capacity)s, and %(num)s are in.",
        inside,
        capacity=capacity,
    )


def attendance(event_id: int) -> dict[str, int]:
    """Live counts for the door: confirmed, checked in (at the door or, online, marked so), in the room, waiting."""
    counts = dict(
        db.session.execute(
            sa.select(Registration.status, sa.func.count())
            .where(Registration.event_id == event_id)
            .group_by(Registration.status)
        ).all()
    )
    checked_in, in_the_room = db.session.execute(
        sa.select(sa.func.count(), sa.func.count().filter(Registration.online.is_(False))).where(
            Registration.event_id == event_id, Registration.checked_in_at.is_not(None)
        )
    ).one()
    return {
        "confirmed": counts.get(RegistrationStatus.CONFIRMED, 0),
        "checked_in": checked_in,
        "in_the_room": in_the_room,
        "waiting": counts.get(RegistrationStatus.WAITLISTED, 0),
    }


# --- attendance online ------------------------------------------------------------------------

# An address as attendance lists give them (the column holding them varies: Zoom, Teams, BigBlueButton, …).
# Only from the start of a run of such characters: tried from within a long run without an "@" (a pasted blob), the
# pattern took time growing with the square of its length (40 KB: 18 s).
ADDRESS_IN_TEXT = re.compile(r"(?<![\w.+'-])[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def addresses_in(attendance_list: bytes) -> set[str]:
    """The e-mail addresses in an attendance list a video platform exported, whatever its columns and separators:
    CSV or tab-separated, in UTF-8, UTF-16 (as Teams writes it) or a Windows code page."""
    if attendance_list[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = attendance_list.decode("utf-16", errors="replace")
    else:
        try:
            text = attendance_list.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = attendance_list.decode("cp1252", errors="replace")
    return {address.lower() for address in ADDRESS_IN_TEXT.findall(text)}


def online_participants(event: Event) -> list[Registration]:
    """Those confirmed to take part online, by name: whose attendance the organisers mark."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.online.is_(True),
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .order_by(*BY_NAME)
        )
    )


def mark_online_attendance(event_id: int, attended: set[int], now: datetime, *, by: Actor | None) -> int:
    """Who of those taking part online attended (``attended``: their registrations' ids) and who did not, from the
    event's start on; their certificates follow from it, as a check-in at the door does for the others. Returns how
    many changed."""
    with row_locked(Event, event_id) as event:
        if now < event.starts_at:
            raise RegistrationError(_("Attendance can be marked once the event has begun."))
        changed = 0
        for registration in online_participants(event):
            if (registration.id in attended) == (registration.checked_in_at is not None):
                continue
            changed += 1
            registration.checked_in_at = now if registration.id in attended else None
            action = AuditAction.CHECKED_IN if registration.checked_in_at else AuditAction.CHECK_IN_UNDONE
            record(action, registration.full_name, event.id, registration.id, by=by)
            told(registration, Change.CHECKED_IN if registration.checked_in_at else Change.CHANGED)
    return changed


@event_signals.duplicated.connect
def copy_questions(copy: Event, source: Event, **_details: object) -> None:
    """A duplicated event asks the questions of the one it was copied from."""
    copies = {
        q.id: Question(
            label=q.label,
            help_text=q.help_text,
            kind=q.kind,
            required=q.required,
            options=list(q.options),
            position=q.position,
            label_en=q.label_en,
            help_text_en=q.help_text_en,
            options_en=list(q.options_en),
            shown_if_answer=q.shown_if_answer,
            questionnaire=q.questionnaire,
        )
        for q in source.questions
        if q.is_asked  # on the registration form or in the evaluation
    }
    for q in source.questions:
        if q.id in copies:
            copies[q.id].shown_if = copies.get(q.shown_if_id) if q.shown_if_id else None
    copy.questions = list(copies.values())
    db.session.flush()
    registration_signals.questions_copied.send(copy, source=source, copies=copies)
    for text in db.session.scalars(sa.select(MailText).where(MailText.event_id == source.id)):
        db.session.add(
            MailText(event_id=copy.id, kind=text.kind, locale=text.locale, subject=text.subject, body=text.body)
        )


@event_signals.cancelled.connect
def tell_everyone_of_the_cancellation(event: Event) -> None:
    _tell_everyone(event, "event_cancelled")


@event_signals.moved.connect
def tell_everyone_of_the_move(event: Event) -> None:
    """A new time or place: everyone registered or waiting is told, and their calendar entry updated."""
    _tell_everyone(event, "changed")


def _tell_everyone(event: Event, reason: str) -> None:
    active = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.status.in_(ACTIVE))
    ).all()
    for registration in active:
        queue_mail(registration, reason)


@event_signals.capacity_changed.connect
def seat_the_waiting(event: Event, by: Actor | None) -> None:
    """More seats: people move up from the waiting list."""
    fill_free_seats(event, by)


@event_signals.mode_changed.connect
def take_part_as_the_event_now_offers(event: Event, by: Actor | None) -> None:
    """An event now only on site, or only online: everyone takes part that way, keeping their place (the organisers
    see a place beyond the capacity on the dashboard); an event offering both leaves each as they chose."""
    if len(event.modes) == 1:
        db.session.execute(
            sa.update(Registration)
            .where(Registration.event_id == event.id, Registration.online != event.modes[0])
            .values(online=event.modes[0])
        )
        db.session.expire_all()
    fill_free_seats(event, by)


@event_signals.online_access_changed.connect
def tell_those_online_of_the_new_link(event: Event) -> None:
    confirmed_online = sa.select(Registration).where(
        Registration.event_id == event.id,
        Registration.online.is_(True),
        Registration.status == RegistrationStatus.CONFIRMED,
    )
    for registration in db.session.scalars(confirmed_online):
        queue_mail(registration, "online_access")


MAX_NOTE = 2000


def note_version(registration: Registration) -> str:
    """The note as it was read, for telling whether someone else changed it since."""
    return hashlib.sha256(registration.note.encode()).hexdigest()[:16]


def save_note(registration_id: int, note: str, read_version: str, *, by: Actor | None) -> Registration:
    """Keep the organisers' internal note about a registration; the log says it changed, not what it says. A note
    someone else changed since it was read is not overwritten."""
    registration = db.session.get_one(Registration, registration_id)
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        note = note.strip()
        if registration.anonymised_at is not None:
            raise RegistrationError(_("The data of this person has been deleted."))
        if note == registration.note:
            return registration
        if note_version(registration) != read_version:
            raise NoteChangedMeanwhile(
                _(
                    "Someone else changed the note meanwhile, as shown above; your text is kept "
                    "below. Please put the two together and save again."
                )
            )
        registration.note = note
        record(AuditAction.NOTE_SAVED, registration.full_name, event.id, registration.id, by=by)
    return registration


# What an organiser can send a registrant again: the reason of the mail, and the entry in the log.
MAIL_AGAIN = {
    "confirmation": ("registered", AuditAction.CONFIRMATION_SENT_AGAIN),
    "link": ("link_by_organisers", AuditAction.LINK_SENT_AGAIN),
}
MAIL_PAUSE = timedelta(minutes=1)


def can_be_mailed(registration: Registration) -> bool:
    return (
        registration.email is not None
        and registration.is_active
        and registration.anonymised_at is None
        and not registration.event.is_cancelled
    )


def mail_again(registration_id: int, what: str, now: datetime, *, by: Actor | None) -> Registration:
    """An organiser sends a registrant their confirmation (the mail of their current status, with the calendar file
    and the link) or just their link again. Within a minute of any mail to them another is refused: a double click,
    or two organisers answering the same call, sends one."""
    registration = db.session.get_one(Registration, registration_id)
    reason, action = MAIL_AGAIN[what]
    with row_locked(Event, registration.event_id) as event:
        db.session.refresh(registration)
        if not can_be_mailed(registration):
            raise RegistrationError(
                _(
                    "No mail can be sent for this registration: it has no e-mail address, it is "
                    "no longer active, or the event is cancelled."
                )
            )
        if db.session.scalar(
            sa.select(OutgoingMail.id)
            .where(mails_about([registration.id]), OutgoingMail.created_at > now - MAIL_PAUSE)
            .limit(1)
        ):
            raise RegistrationError(
                _(
                    "A mail went to %(email)s less than a minute ago, so no other was sent. Please "
                    "wait a moment if it has not arrived yet.",
                    email=registration.email,
                )
            )
        queue_mail(registration, reason)
        record(action, registration.full_name, event.id, registration.id, by=by)
    return registration


def resend_link(event_id: int, email: str) -> None:
    """Mail the link to an active registration of this address, if there is one; says nothing either way."""
    with row_locked(Event, event_id):
        registration = _active_registration(event_id, email.strip().lower() or None)
        if registration is not None:
            queue_mail(registration, "link")


def listed_participants(event_id: int) -> list[Registration]:
    """Confirmed participants who agreed to appear on the participant list, by last name."""
    query = (
        sa.select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.listed_as_participant.is_(True),
        )
        .order_by(*BY_NAME)
    )
    return list(db.session.scalars(query))


def changes_allowed(registration: Registration, now: datetime) -> bool:
    event = registration.event
    return registration.is_active and now < (event.registration_closes_at or event.starts_at) and now < event.starts_at


def cancelling_allowed(registration: Registration, now: datetime) -> bool:
    return registration.is_active and now < registration.event.starts_at


def _apply(registration: Registration, event: Event, applicant: Applicant) -> None:
    _apply_person(registration, applicant)
    _set_answers(registration, event, applicant.answers)
    _set_forums(registration, event, applicant.forums)


def _apply_person(registration: Registration, applicant: Applicant) -> None:
    registration.first_name = applicant.first_name.strip()
    registration.last_name = applicant.last_name.strip()
    event = registration.event
    if event.asks_salutation:  # (a form that does not ask leaves what was given before)
        registration.salutation = (
            Salutation(applicant.salutation)
            if applicant.salutation in {salutation.value for salutation in Salutation}
            else Salutation.NONE
        )
    if event.asks_academic_title:
        registration.academic_title = applicant.academic_title.strip()
    registration.organisation = applicant.organisation.strip()
    registration.function = applicant.function.strip()
    registration.phone = applicant.phone.strip()
    registration.locale = applicant.locale
    if applicant.listed_as_participant is not None:
        registration.listed_as_participant = applicant.listed_as_participant


def _seat_status(event: Event) -> RegistrationStatus:
    return RegistrationStatus.PENDING if event.requires_approval else RegistrationStatus.CONFIRMED


def place_on_waiting_list(registration: Registration) -> int | None:
    """1 for the next to move up, as ``fill_free_seats`` takes them; None when not waiting."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    return (
        1
        + db.session.execute(
            _counting_those_before(),
            {
                "event_id": registration.event_id,
                "online": registration.online,
                "created_at": registration.created_at,
                "id": registration.id,
            },
        ).scalar_one()
    )


@functools.cache
def _counting_those_before() -> sa.Select[Any]:
    """Built once and on the table, as each mail to someone waiting asks for their place (see ``table_of``)."""
    registrations = table_of(Registration).c
    return sa.select(sa.func.count()).where(
        registrations.event_id == sa.bindparam("event_id"),
        registrations.online == sa.bindparam("online"),  # each way of taking part has its own list
        registrations.status == RegistrationStatus.WAITLISTED,
        sa.tuple_(registrations.created_at, registrations.id)
        < sa.tuple_(sa.bindparam("created_at", type_=registrations.created_at.type), sa.bindparam("id")),
    )


def _note_waiting_list(event: Event) -> None:
    """Keep the longest the waiting list has been (the funders' figures ask for it); the caller holds the event's lock
    and has flushed the one who just joined it."""
    longest = db.session.scalar(_noting_waiting_list(), {"event_id": event.id})
    if longest is not None:
        orm.attributes.set_committed_value(event, "longest_waiting_list", longest)


@functools.cache
def _noting_waiting_list() -> sa.Update:
    """One statement, built once and on the tables (the ORM would make it anew each time): the event's longest waiting
    list becomes the present one where that is longer; returns the new figure, nothing when it did not grow. A figure,
    not a change of the event: its version (``updated_at``) stays, so that an organiser's form open meanwhile is not
    refused as if someone had edited the event."""
    events, registrations = table_of(Event).c, table_of(Registration).c
    waiting = (
        sa.select(sa.func.count())
        .where(registrations.event_id == events.id, registrations.status == RegistrationStatus.WAITLISTED)
        .scalar_subquery()
    )
    return (
        sa.update(table_of(Event))
        .where(events.id == sa.bindparam("event_id"), events.longest_waiting_list < waiting)
        .values(longest_waiting_list=waiting, updated_at=events.updated_at)
        .returning(events.longest_waiting_list)
    )


def fill_free_seats(event: Event, by: Actor | None) -> None:
    """Move people up from the waiting lists (in the room, online), first come first served, while places are free."""
    for online in (False, True):
        free = places_free(event, online)
        if free == 0:
            continue
        waiting = (
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.online == online,
                Registration.status == RegistrationStatus.WAITLISTED,
            )
            .order_by(Registration.created_at, Registration.id)
            .limit(free)
        )
        for registration in db.session.scalars(waiting).all():
            registration.status = _seat_status(event)
            _seated(registration, "promoted", AuditAction.REGISTRATION_PROMOTED, by)
            told(registration, Change.MOVED_UP)


def _seated(registration: Registration, reason: str, action: AuditAction, by: Actor | None) -> None:
    """Someone back in a seat (moved up, or restored): a wished-for forum that filled up meanwhile is dropped
    and the mail asks for a new choice; the person is told, and it is logged."""
    db.session.flush()
    full = [choice for choice in registration.forum_choices if forum_is_full(choice.agenda_item, besides=registration)]
    for choice in full:
        registration.forum_choices.remove(choice)
    queue_mail(registration, reason, forum_dropped=bool(full))
    record(action, registration.full_name, registration.event_id, registration.id, by=by)


def told(registration: Registration, *changes: Change) -> None:
    """Tell the features above (webhooks) what happened to a registration, inside the transaction that did it."""
    db.session.flush()
    for change in changes:
        registration_signals.changed.send(registration, change=change)


def as_data(registration: Registration) -> dict[str, Any]:
    """A registration as the organisers' tools read it (the API with a token, webhooks): details, forums, answers."""
    return {
        "id": registration.id,
        "status": registration.status.value,
        "salutation": registration.salutation.value or None,
        "academic_title": registration.academic_title or None,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        "organisation": registration.organisation or None,
        "function": registration.function or None,
        "check_in_code": registration.check_in_code if registration.anonymised_at is None else None,
        "registered_by": registration.registered_by_id,
        "online": registration.online,
        "created_at": registration.created_at,
        "checked_in_at": registration.checked_in_at,
        "forums": [choice.agenda_item.title for choice in registration.forum_choices],
        "answers": [{"question": answer.question.label, "answer": answer.value} for answer in registration.answers],
    }


def mails_about(registration_ids: list[int]) -> sa.ColumnElement[bool]:
    """The mails to these registrants, whichever address they went to (each names its registration)."""
    registration_id: sa.ColumnElement[int] = OutgoingMail.context["registration_id"].as_integer()
    return registration_id.in_(registration_ids)


def mails_about_their_group(registration_ids: list[int]) -> sa.ColumnElement[bool]:
    """The mails that went to these registrants about colleagues they registered who have no address of their own
    (``queue_mail``): those carry the registrant's address too."""
    members = sa.select(Registration.id).where(Registration.registered_by_id.in_(registration_ids))
    registration_id: sa.ColumnElement[int] = OutgoingMail.context["registration_id"].as_integer()
    to_registrant: sa.ColumnElement[bool] = OutgoingMail.context["to_registrant"].as_boolean()
    return sa.and_(registration_id.in_(members.scalar_subquery()), to_registrant.is_(True))


def listed(registration_ids: list[int]) -> sa.ColumnElement[bool]:
    """The mails to these registrants that organisers see with them: not those queued ``unlisted`` (a reminder of
    the evaluation goes only to who has not answered it, which organisers must not learn of a person)."""
    unlisted: sa.ColumnElement[bool] = OutgoingMail.context["unlisted"].as_boolean()
    return sa.and_(mails_about(registration_ids), sa.or_(unlisted.is_(None), unlisted.is_(False)))


# Mails whose calendar entry takes the person's entry out of their calendar (METHOD:CANCEL).
CANCELLING = ("cancelled", "cancelled_by_organisers", "rejected", "event_cancelled")


def queue_mail(registration: Registration, reason: str, batch: str | None = None, **extra: object) -> None:
    """Queue the mail about ``registration`` for ``reason``: delivered after the commit, or with its ``batch`` of
    many. The caller holds the event's lock, under which the calendar entries a person was sent are counted: each
    entry's number (SEQUENCE) is fixed here, so that a mail built later (or again) carries its own, and calendar
    programs apply the latest entry also when mails arrive out of order."""
    recipient = registration.email
    if recipient is None:
        # Someone registered without an address gets no mail; a colleague registered so is looked after by who
        # registered them, who is told what changes (they know of the registration itself, and have the link).
        recipient = registrant_address(registration)
        if recipient is None or reason in ("registered", "link"):
            return
        extra["to_registrant"] = True
    elif _carries_calendar(registration, reason):
        sequence = registration.calendars_sent or 0  # (None before a new registration is stored)
        extra["sequence"], registration.calendars_sent = sequence, sequence + 1
    db.session.flush()  # gives a new registration its id, stored with the count above in one INSERT
    context = {"reason": reason, "registration_id": registration.id, **extra}
    if batch:
        mail.queue_later("registration", recipient, batch, **context)
    else:
        mail.queue("registration", recipient, **context)


def registrant_address(member: Registration) -> str | None:
    """The address of who registered ``member`` with them, while they have one."""
    leader = member.registered_by
    return leader.email if leader is not None and leader.anonymised_at is None else None


def _carries_calendar(registration: Registration, reason: str) -> bool:
    """A place (on the waiting list or awaiting approval: a tentative one) is added to the person's calendar or
    updated there; a cancellation takes out what an earlier mail added."""
    if reason in CANCELLING:
        return registration.calendars_sent > 0
    return registration.is_active and not registration.event.is_cancelled


def figures_of(event_ids: list[int]) -> dict[int, dict[RegistrationStatus, int]]:
    """How many registrations of each status the events have, in one query."""
    figures: dict[int, dict[RegistrationStatus, int]] = {event_id: {} for event_id in event_ids}
    for event_id, status, count in db.session.execute(
        sa.select(Registration.event_id, Registration.status, sa.func.count())
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status)
    ):
        figures[event_id][status] = count
    return figures


def next_steps(event: Event, now: datetime) -> list[str]:
    """What an organiser should see to next, in the order the event's life brings it."""
    steps, state = [], event.registration_state(now)
    pending = db.session.scalar(
        sa.select(sa.func.count()).where(
            Registration.event_id == event.id, Registration.status == RegistrationStatus.PENDING
        )
    )
    opens = event.registration_opens_at
    if event.status == EventStatus.DRAFT and (opens is None or opens <= now):
        steps.append(
            _(
                "Not published yet: only the organisers can see it. Registration opens when you publish it, "
                "unless you set a later opening in the settings."
            )
        )
    elif event.status == EventStatus.DRAFT and opens is not None:
        steps.append(
            _(
                "Not published yet: only the organisers can see it. Registration opens on %(date)s at %(time)s "
                "if it is published by then.",
                date=format_date(opens, "long"),
                time=clock(opens),
            )
        )
    if not event.agenda_items:
        steps.append(_("The programme is still empty."))
    if state == RegistrationState.NOT_YET_OPEN and opens is not None:
        steps.append(
            _(
                "Registration opens on %(date)s at %(time)s.",
                date=format_date(opens, "long"),
                time=clock(opens),
            )
        )
    if pending:
        steps.append(
            ngettext(
                "%(num)s registration awaits your approval.", "%(num)s registrations await your approval.", pending
            )
        )
    if state == RegistrationState.OPEN and is_full(event):
        steps.append(_("Fully booked: new registrations join the waiting list."))
    if not event.has_ended(now) and not event.is_cancelled:
        steps.append(
            _(
                "Certificates of attendance can be made from %(time)s on %(date)s.",
                time=clock(event.ends_at),
                date=format_date(event.ends_at, "long"),
            )
        )
    return steps


def dashboard(event: Event) -> dict[str, Any]:
    """The figures an organiser watches: seats, waiting list, forums, check-in, registrations per day."""
    counts = attendance(event.id)
    seated = seats_taken(event.id)
    per_day = db.session.execute(
        sa.select(sa.func.date(Registration.created_at), sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(sa.func.date(Registration.created_at))
        .order_by(sa.func.date(Registration.created_at))
    ).all()
    forums = [(item, forum_seats_taken(item)) for slot in forum_slots(event) for item in slot.items]
    return {
        **counts,
        "seated": seated,
        "capacity": event.capacity,
        "room_note": room_note(event.capacity, counts["in_the_room"]),
        "seats_left": None if event.capacity is None else max(0, event.capacity - seated),
        "online": (seats_taken(event.id, online=True), event.online_capacity) if True in event.modes else None,
        "per_day": [(date.fromisoformat(str(day)), number) for day, number in per_day],
        "forums": forums,
    }
