"""The rules of speakers and moderators (shared by all events)."""

from dataclasses import dataclass

import sqlalchemy as sa

from conference.accounts.access import Action, may
from conference.accounts.models import User
from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import write_transaction
from conference.events.models import Event
from conference.extensions import db
from conference.organisations import signals as organisation_signals
from conference.organisations.models import Organisation
from conference.people.models import Person


@dataclass
class PersonDetails:
    name: str
    academic_title: str = ""
    function: str = ""
    organisation_id: int | None = None
    biography: str = ""


def events_of(person: Person) -> set[Event]:
    """The events the person appears in (as speaker or moderator)."""
    return {appearance.agenda_item.event for appearance in person.appearances}


def editable_by(user: User, person: Person) -> bool:
    """Administrators, and those who organise every event the person appears in; a person in no event yet
    only by whoever added them."""
    if user.is_administrator:
        return True
    events = events_of(person)
    return all(may(user, Action.ORGANISE, event) for event in events) if events else person.created_by_id == user.id


def save(person: Person | None, details: PersonDetails, *, by: Actor | None) -> Person:
    """A new person (added ``by`` someone), or the changes to one; empty optional texts are stored as none."""
    with write_transaction():
        person = person or Person(created_by_id=by.id if by else None)
        person.name, person.function = details.name.strip(), details.function.strip() or None
        person.academic_title = details.academic_title.strip() or None
        person.organisation = db.session.get(Organisation, details.organisation_id) if details.organisation_id else None
        person.biography = details.biography.strip()
        db.session.add(person)
        db.session.flush()
        logs: set[int | None] = {event.id for event in events_of(person)} or {None}  # every event showing them
        for event_id in logs:
            record(AuditAction.PERSON_SAVED, person.full_name, event_id, by=by)
    return person


@organisation_signals.merging.connect
def move_people_to_kept_organisation(kept: Organisation, duplicate: Organisation, **_details: object) -> None:
    db.session.execute(sa.update(Person).where(Person.organisation_id == duplicate.id).values(organisation_id=kept.id))
