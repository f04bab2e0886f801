"""Fixtures: an app with a fresh database per test, its clients, and factories for the models.

The database is SQLite in the test's temporary folder, or the PostgreSQL server named by
``TEST_DATABASE_URL`` (its tables are dropped and created again for every test).
"""

import email
import email.policy
import itertools
import os
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from flask import g

from conference import create_app
from conference.accounts.models import EventAssignment, EventRole, User, UserRole
from conference.agenda.models import AgendaItem, AgendaItemKind, AgendaItemPerson, AppearanceRole, Room
from conference.database import utcnow
from conference.events.models import Event, EventKind, EventPartner, EventStatus, PartnerRole
from conference.extensions import db
from conference.organisations.models import Organisation, OrganisationKind
from conference.people.models import Person
from conference.registration.models import Question, QuestionKind
from conference.check_in import services as door
from conference.registration.services import Applicant

counter = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """What the test SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.connections: list[tuple] = []  # the client's address and port of each message

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.connections.append(session.peer)
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server) -> Mailbox:
    smtp_server.handler.messages.clear()
    smtp_server.handler.connections.clear()
    return smtp_server.handler


@pytest.fixture
def app(tmp_path, smtp_server):
    database_url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'test.sqlite3'}"
    app = create_app({
        "TESTING": True, "CONFERENCE_ENV": "testing", "DATABASE_URL": database_url,
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp_server.hostname, "MAIL_PORT": smtp_server.port,
        "PUBLIC_URL": "http://localhost",
    })
    app.instance_path = str(tmp_path / "instance")  # uploads and files stay out of the working tree
    # Requests share the test's app context (and so its database session), so what extensions
    # keep in ``g`` (locale, logged-in user, CSRF token) is cleared after each, as a new context would be.
    # A locale forced around the request stays: a mail built in a language pushes a request context for its links.
    app.teardown_request(lambda _error: [g.pop(key) for key in list(g)
                                         if key != "_flask_babel" or not hasattr(g._flask_babel, "forced_babel_locale")])
    with app.app_context():
        db.drop_all()
        db.create_all()
        yield app
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_organisation(app):
    def make(**fields) -> Organisation:
        number = next(counter)
        fields = {"slug": f"org-{number}", "name": f"Organisation {number}", "kind": OrganisationKind.EDUCATION_PROVIDER} | fields
        organisation = Organisation(**fields)
        db.session.add(organisation)
        db.session.commit()
        return organisation

    return make


@pytest.fixture
def make_event(app):
    """A published one-day event in four weeks, 9.30–16.00 Berlin time, registration open."""

    def make(partners: list[tuple[PartnerRole, Organisation]] = (), **fields) -> Event:
        number = next(counter)
        now = utcnow()
        day = (now + timedelta(weeks=4)).replace(hour=7, minute=30, second=0, microsecond=0)
        fields = {
            "slug": f"event-{number}",
            "title": f"Fachtagung {number}",
            "kind": EventKind.CONFERENCE,
            "status": EventStatus.PUBLISHED,
            "starts_at": day,
            "ends_at": day + timedelta(hours=6, minutes=30),
            "venue": "Tagungshaus",
            "city": "Schwerin",
            "description": "Worum es geht.",
            "registration_opens_at": now - timedelta(days=1),
            "registration_closes_at": day - timedelta(days=2),
        } | fields
        event = Event(**fields)
        event.partners = [EventPartner(role=role, organisation=org, position=i) for i, (role, org) in enumerate(partners)]
        db.session.add(event)
        db.session.commit()
        return event

    return make


@pytest.fixture
def make_person(app):
    def make(**fields) -> Person:
        fields = {"name": f"Person {next(counter)}"} | fields
        person = Person(**fields)
        db.session.add(person)
        db.session.commit()
        return person

    return make


@pytest.fixture
def make_agenda_item(app):
    """An agenda item of ``event`` starting ``start_minutes`` after the event starts."""

    def make(event: Event, start_minutes: int = 0, minutes: int = 30, room: str | None = None,
             speakers=(), moderators=(), **fields) -> AgendaItem:
        starts_at = event.starts_at + timedelta(minutes=start_minutes)
        fields = {"kind": AgendaItemKind.TALK, "title": f"Programmpunkt {next(counter)}"} | fields
        item = AgendaItem(event=event, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **fields)
        db.session.add(item)
        if room:
            item.room = next((r for r in event.rooms if r.name == room), None) or Room(event=event, name=room, position=len(event.rooms))
        roles = [(p, AppearanceRole.SPEAKER) for p in speakers] + [(p, AppearanceRole.MODERATOR) for p in moderators]
        item.appearances = [AgendaItemPerson(person=p, role=role, position=i) for i, (p, role) in enumerate(roles)]
        db.session.commit()
        return item

    return make


@pytest.fixture
def make_question(app):
    def make(event: Event, **fields) -> Question:
        fields = {"label": f"Frage {next(counter)}", "kind": QuestionKind.TEXT, "position": len(event.questions)} | fields
        question = Question(event=event, **fields)
        db.session.add(question)
        db.session.commit()
        return question

    return make


@pytest.fixture
def make_forums(make_agenda_item):
    """Parallel forums in one slot of ``event``, with the given capacities."""

    def make(event: Event, *capacities: int | None, start_minutes: int = 120) -> list[AgendaItem]:
        return [
            make_agenda_item(event, start_minutes, 90, room=f"Raum {index + 1}", kind=AgendaItemKind.FORUM,
                             title=f"Forum {index + 1}", capacity=capacity)
            for index, capacity in enumerate(capacities)
        ]

    return make


def applicant(**fields) -> Applicant:
    number = next(counter)
    return Applicant(**({"first_name": "Ayşe", "last_name": f"Yılmaz {number}", "email": f"person{number}@example.org",
                        "organisation": "Schweriner Ausbildungszentrum e.V."} | fields))


def open_page(app, path: str, view) -> None:
    """A page of the test's own, open to anyone: app-level endpoints are refused unless declared (accounts/access.py)."""
    app.add_url_rule(path, endpoint=f"site.{view.__name__}", view_func=view)


def check_in(registration) -> None:
    """Check ``registration`` in as the door does at its event's start, whenever the test runs."""
    event = registration.event
    assert door.check_in(event, door.Scan(registration.check_in_code), event.starts_at).admitted


@pytest.fixture
def make_user(app):
    def make(password: str = "ein-langes-passwort", role: UserRole = UserRole.ORGANISER, events=(), **fields) -> User:
        number = next(counter)
        user = User(email=fields.pop("email", f"orga{number}@example.org"), name=f"Orga {number}", role=role, **fields)
        user.set_password(password)
        user.assignments = [EventAssignment(event=event, role=EventRole.ORGANISER) for event in events]
        db.session.add(user)
        db.session.commit()
        return user

    return make


def form_token(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def form_as_sent(html: str) -> dict[str, str]:
    """What a browser sends for the (only) form on a page left as it is: inputs, ticked boxes only, the chosen
    options, and text areas with the CRLF line breaks browsers send. Values stay HTML-escaped, as plain tests need."""
    data = {name: value for tag, name, value in re.findall(r'(<input[^>]*name="(\w+)"[^>]*value="([^"]*)"[^>]*>)', html)
            if 'type="checkbox"' not in tag or "checked" in tag}
    data |= dict(re.findall(r'<select[^>]*name="(\w+)".*?<option selected value="([^"]*)"', html, re.S))
    data |= {name: value.removeprefix("\r\n").removeprefix("\n").replace("\n", "\r\n")
             for name, value in re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', html, re.S)}
    return data


def log_in(client, user: User, password: str = "ein-langes-passwort"):
    return client.post("/login", data={"email": user.email, "password": password, "csrf_token": form_token(client, "/login")})


@pytest.fixture
def url_values(app, make_event, make_agenda_item, make_person, make_organisation, make_question):
    """An event with a row of every kind, and a value for every argument of every URL rule."""
    from conference.documents import jobs
    from conference.documents.models import DocumentJob
    from conference.materials.models import Material
    from conference.materials.storage import folder as material_folder
    from conference.registration import services

    yesterday = utcnow() - timedelta(days=1)  # over, so that every document (certificates too) can be made
    event = make_event(partners=[(PartnerRole.FUNDER, make_organisation())], starts_at=yesterday,
                       ends_at=yesterday + timedelta(hours=6))
    registration = services.register(event.id, applicant(), utcnow(), by_organiser=True).registration
    item = make_agenda_item(event, room="Saal")
    question = make_question(event, label="Essen")
    check_in(registration)
    (jobs.folder() / "result.pdf").write_bytes(b"%PDF-1.7")
    job = DocumentJob(event_id=event.id, kind="certificates.pdf", status="done", stored_name="result.pdf")
    db.session.add(job)
    (material_folder() / "material").write_bytes(b"%PDF-1.7")
    material = Material(event_id=event.id, title="Folien", stored_name="material", original_name="f.pdf",
                        content_type="application/pdf", size=8)
    db.session.add(material)
    db.session.commit()
    values = {"event_id": event.id, "registration_id": registration.id, "action": "cancel", "item_id": item.id,
              "format": "csv", "person_id": make_person().id, "organisation_id": make_organisation().id,
              "partner_id": event.partners[0].id, "room_id": item.room.id, "user_id": 1, "assignment_id": 1,
              "job_id": job.id, "name": "programme", "question_id": question.id, "direction": "up",
              "material_id": material.id, "slug": event.slug, "token": "not-a-real-token", "number": "ABCDEF123456", "task_id": 1,
              "partner": "not-a-partner-token", "locale": "en", "kind": "confirmed"}
    return event, values


def path_of(rule, values: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda match: str(values[match.group(1)]), rule.rule)
