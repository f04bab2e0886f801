"""``flask --app conference demo-data``: load the demo world; running it again changes nothing."""

import secrets
from datetime import timedelta

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from conference.accounts.models import EventAssignment, EventRole, User, UserRole
from conference.agenda.models import AgendaItem, AgendaItemPerson, AppearanceRole, Room
from conference.database import utcnow
from conference.demo import data
from conference.events.models import Event, EventPartner, EventStatus, ParticipantListMode
from conference.extensions import db
from conference.organisations.models import Organisation
from conference.people.models import Person
from conference.registration.models import Question, Registration, RegistrationStatus
from conference.registration.services import new_check_in_code, new_link


def load(today) -> list[str]:
    """Create whatever of the demo world is missing; returns the slugs of the events created."""
    organisations = {slug: _organisation(slug, *fields) for slug, fields in data.ORGANISATIONS.items()}
    for slug, (*_, parent_slug, _city, _website, _description) in data.ORGANISATIONS.items():
        if parent_slug:
            organisations[slug].parent = organisations[parent_slug]
    people = {key: _person(*fields, organisations) for key, fields in data.PEOPLE.items()}
    created = [event for spec in data.events(today) if (event := _event(spec, organisations, people))]
    _demo_organiser(created)
    db.session.commit()
    return [event.slug for event in created]


def _organisation(slug, name, short_name, kind, _parent, city, website, description) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        organisation = Organisation(
            slug=slug, name=name, short_name=short_name, kind=kind, city=city, website=website, description=description
        )
        db.session.add(organisation)
    return organisation


def _person(name, academic_title, function, organisation_slug, biography, organisations) -> Person:
    organisation = organisations[organisation_slug]
    person = db.session.scalar(
        sa.select(Person).where(Person.name == name, Person.organisation_id == organisation.id)
    )
    if person is None:
        person = Person(
            name=name, academic_title=academic_title, function=function, organisation=organisation, biography=biography
        )
        db.session.add(person)
    return person


def _event(spec: dict, organisations: dict, people: dict) -> Event | None:
    if db.session.scalar(sa.select(Event.id).where(Event.slug == spec["slug"])) is not None:
        return None
    day = spec["day"]
    contact_name, contact_email, contact_phone = spec["contact"]
    opens_at, closes_at = spec["registration"] or (None, None)
    event = Event(
        slug=spec["slug"], title=spec["title"], subtitle=spec["subtitle"], kind=spec["kind"],
        status=EventStatus.PUBLISHED,
        starts_at=data.berlin(day, spec["start"]), ends_at=data.berlin(day, spec["end"]),
        venue=spec["venue"], street=spec["street"], postcode=spec["postcode"], city=spec["city"],
        description=spec["description"], programme_name=spec["programme_name"],
        funding_notice=spec["funding_notice"], network=organisations[spec["network"]], capacity=spec["capacity"],
        registration_opens_at=opens_at, registration_closes_at=closes_at,
        contact_name=contact_name, contact_email=contact_email, contact_phone=contact_phone,
        participant_list_mode=spec.get("participant_list_mode", ParticipantListMode.HIDDEN),
    )
    event.certificate_signer_name, event.certificate_signer_function = spec.get("certificate_signer", ("", ""))
    event.partners = [
        EventPartner(role=role, organisation=organisations[slug], position=position)
        for position, (role, slug) in enumerate(spec["partners"])
    ]
    event.questions = [
        Question(label=label, kind=kind, options=options, required=required, help_text=help_text, position=position)
        for position, (label, kind, options, required, help_text) in enumerate(spec.get("questions", []))
    ]
    event.rooms = [Room(name=name, capacity=capacity, position=position) for position, (name, capacity) in enumerate(spec["rooms"])]
    rooms = {room.name: room for room in event.rooms}
    for start, end, kind, title, room, speakers, moderators, extra in spec["agenda"]:
        appearances = [(key, AppearanceRole.SPEAKER) for key in speakers] + [(key, AppearanceRole.MODERATOR) for key in moderators]
        event.agenda_items.append(
            AgendaItem(
                starts_at=data.berlin(day, start), ends_at=data.berlin(day, end), kind=kind, title=title,
                room=rooms.get(room), description=extra.get("description", ""), project_name=extra.get("project_name"),
                presenting_organisation=organisations.get(extra.get("organisation")), capacity=extra.get("capacity"),
                appearances=[
                    AgendaItemPerson(person=people[key], role=role, position=position)
                    for position, (key, role) in enumerate(appearances)
                ],
            )
        )
    for first_name, last_name, organisation, function in spec.get("attendees", []):
        _attendee(event, first_name, last_name, organisation, function)
    db.session.add(event)
    return event


def _attendee(event: Event, first_name: str, last_name: str, organisation: str, function: str) -> None:
    """A confirmed registration checked in at the event's start (added directly: no mail is sent)."""
    registration = Registration(
        event=event, status=RegistrationStatus.CONFIRMED, first_name=first_name, last_name=last_name,
        email=f"{secrets.token_hex(4)}@example.org", organisation=organisation, function=function,
        privacy_accepted_at=event.starts_at - timedelta(days=14), created_at=event.starts_at - timedelta(days=14),
        check_in_code=new_check_in_code(), checked_in_at=event.starts_at, listed_as_participant=True,
    )
    new_link(registration)
    db.session.add(registration)


def _demo_organiser(events: list[Event]) -> None:
    """The demo organiser account, assigned to the events created now."""
    account = data.DEMO_ORGANISER
    user = db.session.scalar(sa.select(User).where(User.email == account["email"]))
    if user is None:
        user = User(email=account["email"], name=account["name"], role=UserRole.ORGANISER)
        user.set_password(account["password"])
        db.session.add(user)
    user.assignments.extend(EventAssignment(event=event, role=EventRole.ORGANISER) for event in events)


@click.command("demo-data")
@click.option("--if-empty", is_flag=True, help="Only load into a database that has no events yet.")
@with_appcontext
def demo_data_command(if_empty: bool) -> None:
    """Load the demo conferences, organisations and the demo organiser account (idempotent)."""
    if if_empty and db.session.scalar(sa.select(Event.id).limit(1)) is not None:
        click.echo("Demo data: the database already has events; nothing loaded.")
    else:
        created = load(utcnow().astimezone(data.BERLIN).date())
        click.echo(f"Demo data: {len(created)} event(s) created" + (f": {', '.join(created)}" if created else " (all present)."))
    account = data.DEMO_ORGANISER
    click.echo(f"Demo organiser login: {account['email']} / password: {account['password']}")
