"""Pages ask the database a fixed number of questions, however many registrations, speakers and items there are."""

import re
import secrets
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from conference.accounts.models import User
from conference.agenda.models import AgendaItemKind
from conference.audit.models import AuditAction, AuditEntry
from conference.database import utcnow
from conference.evaluation import services as evaluation
from conference.evaluation.models import Response, ResponseAnswer
from conference.extensions import db
from conference.registration.models import ForumChoice, Registration, RegistrationStatus
from conference.registration.services import seats_taken
from tests.support import log_in
from tests.support.registration import form_data


def add_log_entries(event, count: int) -> None:
    """``count`` changes by as many accounts (at most 60), half of them about the event's first registration."""
    accounts = list(
        db.session.scalars(
            sa.insert(User).returning(User.id),
            [
                {"email": f"orga-{event.id}-{number}@example.org", "name": f"Orga {number}", "password_hash": "-"}
                for number in range(min(count, 60))
            ],
        )
    )
    registrations = db.session.scalars(
        sa.select(Registration.id).where(Registration.event_id == event.id).order_by(Registration.id).limit(count)
    ).all()
    db.session.execute(
        sa.insert(AuditEntry),
        [
            {
                "event_id": event.id,
                "user_id": accounts[number % len(accounts)],
                "action": AuditAction.REGISTRATION_CHANGED,
                "registration_id": registrations[0 if number % 2 else number],
                "subject": "Vorname Nachname",
                "changed_fields": ["Forum"],
                "changed_values": {"Forum": ["Forum 1", "Forum 2"]},
            }
            for number in range(count)
        ],
    )
    db.session.commit()


def add_registrations(event, count: int) -> None:
    now = utcnow()
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "event_id": event.id,
                "status": RegistrationStatus.CONFIRMED if i % 5 else RegistrationStatus.WAITLISTED,
                "first_name": f"Vorname{i}",
                "last_name": f"Nachname{i}",
                "email": f"person{event.id}-{i}@example.org",
                "organisation": "Bildungszentrum",
                "privacy_accepted_at": now,
                "link_nonce": secrets.token_hex(16),
                "token_hash": secrets.token_hex(32),
                "check_in_code": secrets.token_hex(8).upper(),
                "created_at": now,
                "checked_in_at": now if i % 3 == 0 else None,
            }
            for i in range(count)
        ],
    )
    db.session.commit()


def statements(client, path: str, fresh_session: bool = False, data: dict | None = None) -> int:
    """How many statements a request runs (a POST of ``data``, if given); ``fresh_session``: with nothing left in the
    session the tests share with the app, where rows an earlier request loaded would answer a query per row (a log
    entry's account, say) without asking."""
    return len(executed_by(client, path, fresh_session, data))


def executed_by(client, path: str, fresh_session: bool = False, data: dict | None = None) -> list[tuple[str, object]]:
    """The statements a request runs, with their parameters (see ``statements``)."""
    if fresh_session:
        db.session.expunge_all()
    executed = []
    listener = lambda _connection, _cursor, statement, parameters, *_args: executed.append((statement, parameters))
    sa.event.listen(db.engine, "before_cursor_execute", listener)
    try:
        response = client.get(path) if data is None else client.post(path, data=data)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert response.status_code == (200 if data is None else 303), path
    return executed


PAGES = {
    "event page": "/events/{slug}",
    "agenda": "/events/{slug}/agenda",
    "good practice": "/events/{slug}/good-practice",
    "speakers": "/events/{slug}/speakers",
    "registrations": "/manage/events/{id}/registrations/",
    "documents": "/manage/events/{id}/documents/",
    "check-in search": "/manage/events/{id}/check-in/?q=Nachname",
    "overview": "/manage/events/{id}/registrations/dashboard",
    "home page": "/",
    "organisations": "/manage/organisations/",
    "log": "/manage/events/{id}/log",
    "evaluation": "/manage/events/{id}/evaluation/",
    "figures": "/manage/events/{id}/figures/",
    "registration page": "/manage/events/{id}/registrations/{registration}",
    "speakers (organisers)": "/manage/events/{id}/speakers/",
}


# Pages measured with a fresh session, as a request finds it (else what they load may be in the session already).
FRESH_SESSION = {"log", "registration page", "agenda", "good practice", "speakers", "speakers (organisers)"}


def add_evaluation_answers(event, count: int) -> None:
    """The standard evaluation, answered ``count`` times (the first and the last question)."""
    evaluation.use_standard_set(event.id, by=None)
    first, *_, last = evaluation.questions_of(event)
    ids = [secrets.token_hex(16) for _ in range(count)]
    db.session.execute(
        sa.insert(Response), [{"id": id, "event_id": event.id, "day": date(2026, 1, 1), "forum_ids": []} for id in ids]
    )
    db.session.execute(
        sa.insert(ResponseAnswer),
        [{"response_id": id, "question_id": first.id, "value": 4} for id in ids]
        + [{"response_id": id, "question_id": last.id, "value": "Gut"} for id in ids],
    )
    db.session.commit()


@pytest.fixture
def small_and_big(make_event, make_agenda_item, make_person, make_organisation, make_forums):
    """Two events alike but for their size: 3 registrations, 2 items; 1,000 registrations, 40 items."""

    def build(registrations: int, items: int):
        event = make_event(
            capacity=registrations,
            starts_at=utcnow() + timedelta(days=20),
            ends_at=utcnow() + timedelta(days=20, hours=6),
        )
        forum, _other = make_forums(event, registrations, registrations)
        for number in range(items):
            make_agenda_item(
                event,
                10 * number,
                10,
                room=f"Raum {number % 3}",
                kind=AgendaItemKind.GOOD_PRACTICE,
                speakers=[make_person(organisation_id=make_organisation().id)],
                presenting_organisation_id=make_organisation().id,
            )
        add_registrations(event, registrations)
        db.session.execute(
            sa.insert(ForumChoice),
            [
                {"registration_id": registration_id, "agenda_item_id": forum.id}
                for registration_id in db.session.scalars(
                    sa.select(Registration.id).where(Registration.event_id == event.id)
                )
            ],
        )
        db.session.commit()
        add_log_entries(event, min(registrations, 120))
        add_evaluation_answers(event, min(registrations, 60))
        return event

    return build(3, 2), build(1000, 40)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_asks_as_often_for_a_thousand_registrations_as_for_three(client, make_user, small_and_big, page):
    small, big = small_and_big
    log_in(client, make_user(events=[small, big]))
    paths = [
        PAGES[page].format(
            slug=event.slug,
            id=event.id,
            registration=db.session.scalar(
                sa.select(sa.func.min(Registration.id)).where(Registration.event_id == event.id)
            ),
        )
        for event in (small, big)
    ]
    for path in paths:  # what is looked up once per process and event (cached) is not the page's
        client.get(path)
    counts = [statements(client, path, fresh_session=page in FRESH_SESSION) for path in paths]
    assert counts[0] == counts[1], f"{page}: {counts[0]} statements for the small event, {counts[1]} for the big one"
    assert counts[1] <= 25, f"{page}: {counts[1]} statements"


def test_a_registration_asks_as_often_at_a_big_event_as_at_a_small_one(client, small_and_big, mailbox):
    """The public form sent: the count, the checks and the writes, and the confirmation mail built and sent (the
    tests' task runner sends it at once)."""
    counts = []
    for event in small_and_big:
        page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
        forum = re.search(r'name="forum_0"[^>]*value="(\d+)"', page).group(1)
        data = form_data(page, email=f"neu-{event.id}@example.org", forum_0=forum)
        counts.append(statements(client, f"/events/{event.slug}/register", fresh_session=True, data=data))
        assert mailbox.to(f"neu-{event.id}@example.org")
    assert counts[0] == counts[1], f"{counts[0]} statements at the small event, {counts[1]} at the big one"
    assert counts[1] <= 34, f"{counts[1]} statements"


def reads_every_registration_of_the_event(plan_line: str) -> bool:
    """Whether SQLite's plan reads a registration table row by row for the event (and a status), rather than
    finding what it looks for through an index or counting in the index alone."""
    if not re.match(r"(SCAN|SEARCH) registration\b", plan_line):
        return False
    if plan_line.startswith("SCAN"):
        return True
    if "COVERING INDEX" in plan_line or "PRIMARY KEY" in plan_line:
        return False
    return set(re.findall(r"(\w+)[=<>]", plan_line)) <= {"event_id", "status"}


def test_a_registration_at_a_big_event_finds_what_it_looks_for_through_indexes(client, small_and_big, mailbox):
    """SQLite keeps no statistics: with no index that fits, it reads every registration of the event, once for each
    registration and each mail to someone waiting (the form sent before, the address registered, the place on the
    waiting list), and a rush slows down as the event fills. Here the big event is full: the newcomer waits."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's planner (PostgreSQL plans by the statistics it keeps)")
    _small, big = small_and_big
    big.capacity = seats_taken(big.id)
    db.session.commit()
    page = client.get(f"/events/{big.slug}/register").get_data(as_text=True)
    forum = re.search(r'name="forum_0"[^>]*value="(\d+)"', page).group(1)
    data = form_data(page, email="neu-gross@example.org", forum_0=forum)
    executed = executed_by(client, f"/events/{big.slug}/register", fresh_session=True, data=data)
    [mail] = mailbox.to("neu-gross@example.org")
    assert "Warteliste" in mail.get_body(("plain",)).get_content()
    connection = db.session.connection()
    reading = [
        (statement, line)
        for statement, parameters in executed
        if statement.lstrip().startswith("SELECT") or " RETURNING " in statement
        for line in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).scalars("detail")
    ]
    assert any(line.startswith("SEARCH registration") for _statement, line in reading)  # the test sees the reads
    assert not [(statement, line) for statement, line in reading if reads_every_registration_of_the_event(line)]
