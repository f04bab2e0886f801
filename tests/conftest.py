"""Fixtures: an app with an empty database per test, its clients, and factories for the models.

The database is a SQLite file in the test's temporary folder, or a schema on the PostgreSQL server named by
``TEST_DATABASE_URL`` (``tests/support/databases.py``).
"""

import email
import email.policy
import gc
from datetime import timedelta

import jinja2
import jinja2.bccache
import pytest
from aiosmtpd.controller import Controller
from flask import g
from werkzeug.routing import Rule

from conference import create_app
from conference.accounts.models import EventAssignment, EventRole, User, UserRole
from conference.agenda.models import AgendaItem, AgendaItemKind, AgendaItemPerson, AppearanceRole, Room
from conference.database import utcnow
from conference.events.models import Event, EventKind, EventPartner, EventStatus, PartnerRole
from conference.extensions import db
from conference.organisations.models import Organisation, OrganisationKind
from conference.people.models import Person
from conference.registration.models import Question, QuestionKind
from tests.support import applicant, check_in, counter, databases, free_port


class Mailbox:
    """What the test SMTP server received, as parsed messages."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.raw: list[bytes] = []  # each message as it arrived
        self.connections: list[tuple] = []  # the client's address and port of each message

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.raw.append(envelope.content)
        self.connections.append(session.peer)
        return "250 OK"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def pytest_configure(config) -> None:
    # Every test makes an app: thousands of objects (URL rules, compiled templates, mappers' caches) that Python's
    # collector, at its default thresholds, walks again every few hundred allocations; that doubled the suite's
    # time. What is loaded by now lives for the whole run, and the collector runs less often.
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
    _compile_each_url_builder_once()


def _compile_each_url_builder_once() -> None:
    """Werkzeug compiles Python code for building each URL of an app, which was three quarters of making the
    test's app (40 of 53 ms). For a rule without defaults that code depends on the rule's text and parts alone,
    and reads the converters through the rule it is bound to, so every test's app can use what the first compiled.
    """
    compile_builder = Rule._compile_builder
    compiled = {}

    def once(rule: Rule, append_unknown: bool = True):
        if rule.defaults:
            return compile_builder(rule, append_unknown)
        key = (rule.rule, tuple(rule._trace), append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(rule, append_unknown)
        return compiled[key]

    Rule._compile_builder = once


def pytest_collection_modifyitems(items) -> None:
    # The tests of a browser module run in order in one worker, which serves them one live server.
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group(item.module.__name__))


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
    smtp_server.handler.raw.clear()
    smtp_server.handler.connections.clear()
    return smtp_server.handler


@pytest.fixture(scope="session")
def empty_database(tmp_path_factory):
    return databases.empty_databases(tmp_path_factory.mktemp("template"))


class CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once for the whole run rather than once per test's app."""

    def __init__(self):
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()


@pytest.fixture
def app(tmp_path, smtp_server, empty_database):
    app = create_app(
        {
            "TESTING": True,
            "CONFERENCE_ENV": "testing",
            "DATABASE_URL": empty_database(tmp_path),
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": smtp_server.hostname,
            "MAIL_PORT": smtp_server.port,
            "PUBLIC_URL": "http://localhost",
        }
    )
    app.instance_path = str(tmp_path / "instance")  # uploads and files stay out of the working tree
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    # Requests share the test's app context (and so its database session), so what extensions
    # keep in ``g`` (locale, logged-in user, CSRF token) is cleared after each, as a new context would be.
    # A locale forced around the request stays: a mail built in a language pushes a request context for its links.
    app.teardown_request(
        lambda _error: [
            g.pop(key) for key in list(g) if key != "_flask_babel" or not hasattr(g._flask_babel, "forced_babel_locale")
        ]
    )
    with app.app_context():
        yield app
        db.session.remove()
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
        fields = {
            "slug": f"org-{number}",
            "name": f"Organisation {number}",
            "kind": OrganisationKind.EDUCATION_PROVIDER,
        } | fields
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
        event.partners = [
            EventPartner(role=role, organisation=org, position=i) for i, (role, org) in enumerate(partners)
        ]
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

    def make(
        event: Event,
        start_minutes: int = 0,
        minutes: int = 30,
        room: str | None = None,
        speakers=(),
        moderators=(),
        **fields,
    ) -> AgendaItem:
        starts_at = event.starts_at + timedelta(minutes=start_minutes)
        fields = {"kind": AgendaItemKind.TALK, "title": f"Programmpunkt {next(counter)}"} | fields
        item = AgendaItem(event=event, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **fields)
        db.session.add(item)
        if room:
            item.room = next((r for r in event.rooms if r.name == room), None) or Room(
                event=event, name=room, position=len(event.rooms)
            )
        roles = [(p, AppearanceRole.SPEAKER) for p in speakers] + [(p, AppearanceRole.MODERATOR) for p in moderators]
        item.appearances = [
            AgendaItemPerson(person_id=p.id, role=role, position=i) for i, (p, role) in enumerate(roles)
        ]
        db.session.commit()
        return item

    return make


@pytest.fixture
def make_question(app):
    def make(event: Event, **fields) -> Question:
        fields = {
            "label": f"Frage {next(counter)}",
            "kind": QuestionKind.TEXT,
            "position": len(event.questions),
        } | fields
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
            make_agenda_item(
                event,
                start_minutes,
                90,
                room=f"Raum {index + 1}",
                kind=AgendaItemKind.FORUM,
                title=f"Forum {index + 1}",
                capacity=capacity,
            )
            for index, capacity in enumerate(capacities)
        ]

    return make


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


@pytest.fixture
def url_values(app, make_event, make_agenda_item, make_person, make_organisation, make_question):
    """An event with a row of every kind, and a value for every argument of every URL rule."""
    from conference.documents import jobs
    from conference.documents.models import DocumentJob
    from conference.materials.models import Material
    from conference.materials.storage import folder as material_folder
    from conference.registration import services

    yesterday = utcnow() - timedelta(days=1)  # over, so that every document (certificates too) can be made
    network = make_organisation(kind=OrganisationKind.NETWORK)
    event = make_event(
        network=network,
        partners=[(PartnerRole.FUNDER, make_organisation())],
        starts_at=yesterday,
        ends_at=yesterday + timedelta(hours=6),
    )
    registration = services.register(event.id, applicant(), utcnow(), by_organiser=True, by=None).registration
    speaker = make_person()
    item = make_agenda_item(event, room="Saal", speakers=[speaker])
    question = make_question(event, label="Essen")
    check_in(registration)
    (jobs.folder() / "result.pdf").write_bytes(b"%PDF-1.7")
    job = DocumentJob(event_id=event.id, kind="certificates.pdf", status="done", stored_name="result.pdf")
    db.session.add(job)
    (material_folder() / "material").write_bytes(b"%PDF-1.7")
    material = Material(
        event_id=event.id,
        title="Folien",
        stored_name="material",
        original_name="f.pdf",
        content_type="application/pdf",
        size=8,
    )
    db.session.add(material)
    db.session.commit()
    values = {
        "event_id": event.id,
        "registration_id": registration.id,
        "action": "cancel",
        "item_id": item.id,
        "format": "csv",
        "person_id": speaker.id,
        "organisation_id": make_organisation().id,
        "partner_id": event.partners[0].id,
        "room_id": item.room.id,
        "user_id": 1,
        "assignment_id": 1,
        "job_id": job.id,
        "name": "programme",
        "question_id": question.id,
        "direction": "up",
        "material_id": material.id,
        "slug": event.slug,
        "network_id": network.id,
        "token": "not-a-real-token",
        "number": "ABCDEF123456",
        "task_id": 1,
        "partner": "not-a-partner-token",
        "locale": "en",
        "kind": "confirmed",
        "what": "invitation",
        "token_id": 1,
        "hook_id": 1,
        "event_slug": event.slug,
        "delivery_id": 1,
        "member_id": registration.id,
    }
    return event, values
