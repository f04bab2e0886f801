"""``flask --app conference demo-data``: load the demo world; running it again changes nothing."""

import io
import random
import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from itertools import cycle
from urllib.parse import urlsplit

import click
import sqlalchemy as sa
from flask import current_app, url_for
from flask.cli import with_appcontext
from markupsafe import escape

from conference.accounts.models import EventAssignment, EventRole, User, UserRole
from conference.agenda.models import AgendaItem, AgendaItemPerson, AppearanceRole, Room
from conference.database import utcnow
from conference.demo import data
from conference.documents.render import render_pdf
from conference.evaluation import services as evaluation
from conference.evaluation.models import Evaluation, Response, ResponseAnswer
from conference.events.models import (
    AttendanceMode,
    Event,
    EventPartner,
    EventStatus,
    ExtentUnit,
    ParticipantListMode,
)
from conference.extensions import db
from conference.figures.models import EventFigures
from conference.materials import storage
from conference.materials.models import Material
from conference.organisations import logos
from conference.organisations.models import Organisation
from conference.people.models import Person
from conference.registration.models import (
    Answer,
    ForumChoice,
    Question,
    Registration,
    RegistrationStatus,
)
from conference.registration.services import forum_slots, new_check_in_code, new_link


def load(now: datetime) -> list[str]:
    """Create whatever of the demo world is missing (``now`` in Berlin time); returns the slugs of the events
    created."""
    organisations = {slug: _organisation(slug, *fields) for slug, fields in data.ORGANISATIONS.items()}
    for slug, (*_, parent_slug, _city, _website, _description) in data.ORGANISATIONS.items():
        if parent_slug:
            organisations[slug].parent = organisations[parent_slug]
    network = organisations[data.EMBEDDING_NETWORK]
    network.embed_origins = network.embed_origins or " ".join(network_website())
    people = {key: _person(*fields, organisations) for key, fields in data.PEOPLE.items()}
    created = [(event, spec) for spec in data.events(now) if (event := _event(spec, organisations, people))]
    db.session.flush()  # the questions and registrations get their ids, which the evaluation refers to
    for event, spec in created:
        _materials(event, spec.get("materials", []))
        _statistics(event, spec.get("statistics", {}))
        if "evaluation" in spec:
            _evaluation(event, **spec["evaluation"])
    _demo_organiser([event for event, _spec in created])
    db.session.commit()
    return [event.slug for event, _spec in created]


def network_website() -> list[str]:
    """The demo network's own website, played by this site under another name: localhost for 127.0.0.1, another
    origin and another site, so that its frames get none of this site's cookies, as on a real network's website."""
    parts = urlsplit(current_app.config["PUBLIC_URL"] or "")
    return [f"{parts.scheme}://localhost:{parts.port}"] if parts.hostname == "127.0.0.1" and parts.port else []


def logo(short_name: str, colour: str) -> bytes:
    """A plain tile with the organisation's short name: a stand-in logo that imitates nobody's trademark."""
    size = 44 if len(short_name) <= 5 else max(16, 220 // len(short_name))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="240" height="120" viewBox="0 0 240 120">'
        f'<rect width="240" height="120" rx="14" fill="{colour}"/>'
        f'<text x="120" y="{60 + size * 0.35:.0f}" font-family="DejaVu Sans, sans-serif" font-weight="bold" '
        f'font-size="{size}" fill="#ffffff" text-anchor="middle">{escape(short_name)}</text></svg>'
    ).encode()


def _organisation(slug, name, short_name, kind, _parent, city, website, description) -> Organisation:
    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if organisation is None:
        organisation = Organisation(
            slug=slug,
            name=name,
            short_name=short_name,
            kind=kind,
            city=city,
            website=website,
            description=description,
            logo=logos.store(logo(short_name or name[:12], data.LOGO_COLOURS[kind])),
        )
        db.session.add(organisation)
    return organisation


def _person(name, academic_title, function, organisation_slug, biography, organisations) -> Person:
    organisation = organisations[organisation_slug]
    person = db.session.scalar(sa.select(Person).where(Person.name == name, Person.organisation_id == organisation.id))
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
        slug=spec["slug"],
        title=spec["title"],
        subtitle=spec["subtitle"],
        kind=spec["kind"],
        status=EventStatus.PUBLISHED,
        starts_at=data.berlin(day, spec["start"]),
        ends_at=data.berlin(day, spec["end"]),
        venue=spec["venue"],
        street=spec["street"],
        postcode=spec["postcode"],
        city=spec["city"],
        description=spec["description"],
        programme_name=spec["programme_name"],
        funding_notice=spec["funding_notice"],
        network=organisations[spec["network"]],
        capacity=spec["capacity"],
        registration_opens_at=opens_at,
        registration_closes_at=closes_at,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        participant_list_mode=spec.get("participant_list_mode", ParticipantListMode.HIDDEN),
    )
    event.certificate_signer_name, event.certificate_signer_function = spec.get("certificate_signer", ("", ""))
    event.grant_number = spec.get("grant_number", "")
    if "certificate_extent" in spec:
        amount, unit = spec["certificate_extent"]
        event.certificate_extent, event.certificate_extent_unit = Decimal(amount), ExtentUnit(unit)
    if "retention_days" in spec:
        event.retention_days = spec["retention_days"]
    if "online" in spec:  # also online: its places and the link those confirmed online get
        event.attendance_mode = AttendanceMode.HYBRID
        event.online_capacity, event.online_url = spec["online"]
    event.partners = [
        EventPartner(role=role, organisation=organisations[slug], position=position)
        for position, (role, slug) in enumerate(spec["partners"])
    ]
    event.questions = [
        Question(label=label, kind=kind, options=options, required=required, help_text=help_text, position=position)
        for position, (label, kind, options, required, help_text) in enumerate(spec.get("questions", []))
    ]
    event.rooms = [
        Room(name=name, capacity=capacity, position=position) for position, (name, capacity) in enumerate(spec["rooms"])
    ]
    rooms = {room.name: room for room in event.rooms}
    for start, end, kind, title, room, speakers, moderators, extra in spec["agenda"]:
        appearances = [(key, AppearanceRole.SPEAKER) for key in speakers] + [
            (key, AppearanceRole.MODERATOR) for key in moderators
        ]
        event.agenda_items.append(
            AgendaItem(
                starts_at=data.berlin(day, start),
                ends_at=data.berlin(day, end),
                kind=kind,
                title=title,
                room=rooms.get(room),
                description=extra.get("description", ""),
                project_name=extra.get("project_name"),
                presenting_organisation=organisations.get(extra.get("organisation")),
                capacity=extra.get("capacity"),
                appearances=[
                    AgendaItemPerson(person=people[key], role=role, position=position)
                    for position, (key, role) in enumerate(appearances)
                ],
            )
        )
    attendees = spec.get("attendees", [])
    checked_in = spec.get("checked_in", len(attendees))
    forums = cycle([item for slot in forum_slots(event) for item in slot.items] or [None])
    questions = {question.label: question for question in event.questions}
    answers = spec.get("answers", [])
    first_of: dict[str, Registration] = {}  # who registered their colleagues of the same organisation, as a group
    for number, (first_name, last_name, organisation, function) in enumerate(attendees):
        registration = _attendee(event, first_name, last_name, organisation, function, RegistrationStatus.CONFIRMED)
        first = first_of.setdefault(organisation, registration)
        registration.registered_by = first if first is not registration else None
        registration.checked_in_at = event.starts_at if number < checked_in else None
        if number < len(answers):
            given, days_before = answers[number]
            registration.created_at = event.starts_at - timedelta(days=days_before)
            registration.answers = [
                Answer(question=questions[label], value=value) for label, value in given.items() if value
            ]
        if (forum := next(forums)) is not None:
            registration.forum_choices = [ForumChoice(agenda_item=forum, checked_in_at=None)]
    for first_name, last_name, organisation, function in spec.get("waiting", []):
        _attendee(event, first_name, last_name, organisation, function, RegistrationStatus.WAITLISTED)
    db.session.add(event)
    return event


def _attendee(
    event: Event, first_name: str, last_name: str, organisation: str, function: str, status: RegistrationStatus
) -> Registration:
    """A registration added directly (no mail is sent), made two weeks before the event."""
    registration = Registration(
        event=event,
        status=status,
        first_name=first_name,
        last_name=last_name,
        email=f"{secrets.token_hex(4)}@example.org",
        organisation=organisation,
        function=function,
        privacy_accepted_at=event.starts_at - timedelta(days=14),
        created_at=event.starts_at - timedelta(days=14),
        check_in_code=new_check_in_code(),
        listed_as_participant=True,
    )
    new_link(registration)
    db.session.add(registration)
    return registration


def _materials(event: Event, specs: list) -> None:
    """Internal downloads drawn by the demo itself: PDFs made from templates of its own."""
    for title, description, template, visibility in specs:
        pdf = render_pdf(f"demo/{template}.html", event=event, title=title)
        stored_name, size = storage.save(io.BytesIO(pdf), len(pdf))
        db.session.add(
            Material(
                event=event,
                title=title,
                description=description,
                visibility=visibility,
                stored_name=stored_name,
                original_name=f"{template}-{event.slug}.pdf",
                content_type="application/pdf",
                size=size,
            )
        )


def _evaluation(event: Event, answered: int, texts: list[str]) -> None:
    """The standard evaluation, asked the morning after the event, answered by the first ``answered`` of those who
    came (in a way of their own, the same each time the demo loads), and reminded four days later."""
    questions = evaluation.add_standard_set(event)
    db.session.flush()
    came = db.session.scalars(
        sa.select(Registration)
        .where(Registration.event_id == event.id, Registration.checked_in_at.is_not(None))
        .order_by(Registration.id)
    ).all()
    asked_at = evaluation.first_mail_due(event)
    db.session.add(
        Evaluation(
            event_id=event.id, invited=len(came), invited_at=asked_at, reminded_at=asked_at + evaluation.REMIND_AFTER
        )
    )
    choose = random.Random(event.slug)
    written = cycle(texts)
    for number, registration in enumerate(came):
        invitation = evaluation.new_invitation(registration, asked_at)
        invitation.reminded_at = None if number < answered // 2 else asked_at + evaluation.REMIND_AFTER
        invitation.answered = number < answered
        if number >= answered:
            continue
        day = (asked_at + (timedelta() if number < answered // 2 else evaluation.REMIND_AFTER)).date()
        values = [
            choose.choices([3, 4, 5], [1, 3, 4])[0],
            choose.choices([2, 3, 4, 5], [1, 2, 4, 3])[0],
            choose.choices([3, 4, 5], [1, 2, 5])[0],
            choose.choice(questions[3].options),
            choose.sample(questions[4].options, choose.randint(1, 2)),
            next(written) if number % 3 == 0 else None,
        ]
        response = Response(
            id=secrets.token_hex(16),
            event_id=event.id,
            day=day,
            forum_ids=[choice.agenda_item_id for choice in registration.forum_choices],
        )
        response.answers = [
            ResponseAnswer(question_id=question.id, value=value)
            for question, value in zip(questions, values, strict=True)
            if value is not None
        ]
        db.session.add(response)


def _statistics(event: Event, questions: dict[str, str]) -> None:
    """The questions whose answers the funders' figures read (conference.figures), by their labels."""
    if questions:
        db.session.flush()
        by_label = {question.label: question.id for question in event.questions}
        db.session.add(
            EventFigures(
                event_id=event.id,
                kind_question_id=by_label[questions["kind"]],
                region_question_id=by_label[questions["region"]],
            )
        )


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
        created = load(utcnow().astimezone(data.BERLIN))
        click.echo(
            f"Demo data: {len(created)} event(s) created"
            + (f": {', '.join(created)}" if created else " (all present).")
        )
    for website in network_website():
        with current_app.test_request_context():  # only the path: the host is the website's
            example = url_for("embed.example", slug=data.EMBEDDING_NETWORK)
        click.echo(f"The demo network's events on its own website (another origin): {website}{example}")
    account = data.DEMO_ORGANISER
    click.echo(f"Demo organiser login: {account['email']} / password: {account['password']}")
