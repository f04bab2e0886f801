from dataclasses import fields
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.database import utcnow
from conference.events import services as events
from conference.events.models import Event, EventStatus
from conference.events.services import EventDetails
from conference.extensions import db
from conference.mail.models import OutgoingMail
from conference.registration import services
from conference.registration.models import QuestionKind, Registration
from conference.registration.models import RegistrationStatus as S
from conference.registration.services import RegistrationError
from conference.tasks.models import Task
from tests.support import applicant


def register(event, **fields):
    return services.register(event.id, applicant(**fields), utcnow(), by=None).registration


def statuses(event) -> list[S]:
    query = sa.select(Registration.status).where(Registration.event_id == event.id).order_by(Registration.id)
    return list(db.session.scalars(query))


def test_seats_fill_then_the_waiting_list_takes_arrivals_in_order(make_event, mailbox):
    event = make_event(capacity=2)
    people = [register(event) for _ in range(4)]

    assert statuses(event) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.WAITLISTED]
    assert services.is_full(event)
    waiting_mail = mailbox.to(people[3].email)[0]
    assert waiting_mail["Subject"] == f"Warteliste: {event.title}"
    assert "Position 2" in waiting_mail.get_body(("plain",)).get_content()


def test_a_cancellation_promotes_the_first_on_the_waiting_list_and_tells_them(make_event, mailbox):
    event = make_event(capacity=1)
    first, second, third = register(event), register(event), register(event)

    services.cancel(first.id, utcnow(), by=None)

    assert [db.session.get(Registration, r.id).status for r in (first, second, third)] == [
        S.CANCELLED,
        S.CONFIRMED,
        S.WAITLISTED,
    ]
    assert mailbox.to(second.email)[-1]["Subject"] == f"Ein Platz ist frei geworden: {event.title}"
    assert mailbox.to(first.email)[-1]["Subject"] == f"Anmeldung storniert: {event.title}"


def change_capacity(event, capacity: int | None) -> None:
    """As the organiser's event form does it."""
    details = EventDetails(**{field.name: getattr(event, field.name) for field in fields(EventDetails)})
    details.capacity = capacity
    events.update_event(event.id, details, events.version(event), by=None)


def test_raising_the_capacity_promotes_as_many_as_seats_freed(make_event):
    event = make_event(capacity=1)
    for _ in range(4):
        register(event)

    change_capacity(event, 3)

    assert statuses(event) == [S.CONFIRMED, S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    with pytest.raises(events.EventError):
        change_capacity(event, -1)


def test_people_joining_the_waiting_list_do_not_refuse_an_organisers_change_of_the_event_as_a_conflict(make_event):
    event = make_event(capacity=1)
    register(event)
    opened = events.version(event)  # the organiser opens the event's form
    for _ in range(2):
        register(event)  # the waiting list grows (and its longest is kept for the funders)

    details = EventDetails(**{field.name: getattr(event, field.name) for field in fields(EventDetails)})
    details.capacity = 2
    events.update_event(event.id, details, opened, by=None)

    assert statuses(event) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
    assert db.session.get(Event, event.id).longest_waiting_list == 2


def test_an_address_registers_once_and_a_second_attempt_only_resends_the_link(make_event, mailbox):
    event = make_event()
    first = register(event, email="Ayse@Example.org")

    outcome = services.register(event.id, applicant(email="ayse@example.org", first_name="Other"), utcnow(), by=None)

    assert outcome.already_registered and outcome.registration.id == first.id
    assert db.session.get(Registration, first.id).first_name == "Ayşe"  # nothing changed
    assert len(statuses(event)) == 1
    resent = mailbox.to("ayse@example.org")[-1]
    assert resent["Subject"] == f"Ihre Anmeldung: {event.title}"
    assert services.link_token(first) in resent.get_body(("plain",)).get_content()


def test_pressing_the_button_twice_keeps_one_registration_and_one_mail(make_event, mailbox):
    event = make_event()
    twice = applicant(submission_key="k" * 32)
    first = services.register(event.id, twice, utcnow(), by=None)
    second = services.register(event.id, twice, utcnow(), by=None)

    assert second.repeated and second.registration.id == first.registration.id
    assert len(mailbox.to(twice.email)) == 1


def test_after_cancelling_the_address_may_register_again(make_event):
    event = make_event()
    first = register(event, email="again@example.org")
    services.cancel(first.id, utcnow(), by=None)
    assert register(event, email="again@example.org").status == S.CONFIRMED


@pytest.mark.parametrize(
    "change",
    [
        {"status": EventStatus.DRAFT},
        {"status": EventStatus.CANCELLED},
        {"registration_opens_at": utcnow() + timedelta(days=1)},
        {"registration_closes_at": utcnow() - timedelta(minutes=1)},
        {"registration_opens_at": None},
    ],
)
def test_registration_only_while_open_and_published(make_event, change):
    event = make_event(**change)
    with pytest.raises(RegistrationError, match="nicht geöffnet|not open"):
        register(event)
    assert statuses(event) == []


def test_approval_holds_a_seat_until_the_organiser_decides(make_event, mailbox):
    event = make_event(capacity=1, requires_approval=True)
    pending, waiting = register(event), register(event)
    assert statuses(event) == [S.PENDING, S.WAITLISTED]
    assert mailbox.to(pending.email)[0]["Subject"] == f"Anmeldung eingegangen: {event.title}"

    services.decide(pending.id, approve=False, by=None)

    assert statuses(event) == [S.REJECTED, S.PENDING]  # the waiting person moves up, again pending
    assert mailbox.to(pending.email)[-1]["Subject"] == f"Anmeldung nicht angenommen: {event.title}"
    services.decide(waiting.id, approve=True, by=None)
    assert statuses(event) == [S.REJECTED, S.CONFIRMED]
    assert mailbox.to(waiting.email)[-1]["Subject"] == f"Anmeldung bestätigt: {event.title}"
    with pytest.raises(RegistrationError):
        services.decide(waiting.id, approve=True, by=None)


def test_each_forum_slot_needs_one_offered_forum_with_a_free_seat(make_event, make_forums):
    event = make_event()
    small, large = make_forums(event, 1, None)

    assert [c.agenda_item_id for c in register(event, forums=[small.id]).forum_choices] == [small.id]
    with pytest.raises(RegistrationError, match="Forum 1") as full:
        register(event, forums=[small.id])
    assert full.value.field == "forum_0"
    with pytest.raises(RegistrationError) as missing:
        register(event, forums=[])
    assert missing.value.field == "forum_0"
    with pytest.raises(RegistrationError):
        register(event, forums=[small.id, large.id])
    with pytest.raises(RegistrationError):
        register(event, forums=[large.id, 999999])
    assert len(statuses(event)) == 1


def test_a_promoted_person_whose_forum_filled_up_is_asked_to_choose_again(make_event, make_forums, mailbox):
    event = make_event(capacity=1)
    forum, other = make_forums(event, 1, None)
    seated = register(event, forums=[forum.id])
    waiting = register(event, forums=[forum.id])  # a wish: not checked while waiting
    change_capacity(event, 2)

    promoted = db.session.get(Registration, waiting.id)
    assert promoted.status == S.CONFIRMED and promoted.forum_choices == []
    assert "Bitte wählen Sie" in mailbox.to(waiting.email)[-1].get_body(("plain",)).get_content()
    assert [c.agenda_item_id for c in db.session.get(Registration, seated.id).forum_choices] == [forum.id]


def test_required_questions_must_be_answered_and_answers_are_kept(make_event, make_question):
    event = make_event()
    diet = make_question(
        event, label="Ernährung", kind=QuestionKind.SINGLE_CHOICE, options=["vegetarisch", "vegan"], required=True
    )
    needs = make_question(event, label="Barrierefreiheit", kind=QuestionKind.LONG_TEXT)

    with pytest.raises(RegistrationError) as unanswered:
        register(event, answers={needs.id: "Rollstuhl"})
    assert unanswered.value.field == f"question_{diet.id}"

    registration = register(event, answers={diet.id: "vegan", needs.id: ""})
    assert registration.answer_to(diet) == "vegan" and registration.answer_to(needs) is None


def test_changes_keep_the_seat_and_check_the_new_forum(make_event, make_forums):
    event = make_event()
    first_forum, second_forum = make_forums(event, None, 1)
    taker = register(event, forums=[second_forum.id])
    person = register(event, forums=[first_forum.id])

    with pytest.raises(RegistrationError):
        services.update(person.id, applicant(forums=[second_forum.id]), utcnow(), by=None)
    services.update(taker.id, applicant(first_name="Neu", forums=[second_forum.id]), utcnow(), by=None)

    assert db.session.get(Registration, taker.id).first_name == "Neu"
    assert [c.agenda_item_id for c in db.session.get(Registration, person.id).forum_choices] == [first_forum.id]


def test_no_cancelling_after_the_event_has_started(make_event):
    event = make_event()
    registration = register(event)
    with pytest.raises(RegistrationError):
        services.cancel(registration.id, event.starts_at + timedelta(minutes=5), by=None)
    assert db.session.get(Registration, registration.id).status == S.CONFIRMED


def test_links_open_exactly_their_registration(make_event):
    event = make_event()
    one, two = register(event), register(event)
    assert services.registration_for_token(services.link_token(one)).id == one.id
    assert services.registration_for_token(services.link_token(two)).id == two.id
    assert services.registration_for_token("0" * 64) is None
    assert services.registration_for_token("x" * 10_000) is None
    assert len(services.link_token(one)) == 64 and one.token_hash != services.link_token(one)


def test_lost_link_mails_only_registered_addresses(make_event, mailbox):
    event = make_event()
    registration = register(event)
    services.resend_link(event.id, registration.email.upper())
    services.resend_link(event.id, "nobody@example.org")
    assert len(mailbox.to(registration.email)) == 2 and mailbox.to("nobody@example.org") == []


def test_a_failing_mail_server_loses_no_registration_and_the_mail_is_retried(
    app, make_event, mailbox, runner, smtp_server
):
    event = make_event()
    app.config["MAIL_PORT"] = 1  # nothing listens there
    registration = register(event)

    assert db.session.get(Registration, registration.id).status == S.CONFIRMED
    queued = db.session.scalar(sa.select(OutgoingMail))
    task = db.session.scalar(sa.select(Task).where(Task.name == "mail.deliver"))
    assert queued.status == "queued" and "ConnectionRefusedError" in queued.last_error
    assert task.status == "queued" and task.attempts == 1 and task.due_at > utcnow()

    app.config["MAIL_PORT"] = smtp_server.port
    task.due_at = utcnow()
    db.session.commit()
    result = runner.invoke(args=["worker", "--burst"])

    assert "task(s) run" in result.output and result.exit_code == 0
    assert db.session.get(OutgoingMail, queued.id).status == "done"
    assert mailbox.to(registration.email)[0]["Subject"] == f"Anmeldung bestätigt: {event.title}"


def test_someone_moved_up_keeps_no_forum_that_filled_up_meanwhile_and_is_asked_to_choose_again(
    make_event, make_forums, mailbox
):
    from conference.registration.models import Registration as Row

    event = make_event(capacity=1)
    forum_a, forum_b = make_forums(event, 1, 10)
    services.register(event.id, applicant(forums=[forum_a.id]), utcnow(), by=None)
    waiting = services.register(event.id, applicant(forums=[forum_a.id]), utcnow(), by=None).registration
    event.capacity = 2  # a seat free beside the waiting list, as after a cancellation elsewhere
    db.session.commit()

    services.promote(waiting.id, by=None)  # out of turn, by an organiser

    db.session.expire_all()
    assert db.session.get(Row, waiting.id).forum_choices == []  # forum A is full: no second seat in it
    assert (
        "Das von Ihnen gewählte Forum ist inzwischen voll"
        in mailbox.to(waiting.email)[-1].get_body(("plain",)).get_content()
    )


def test_a_mail_waiting_for_a_mistyped_address_follows_the_correction_and_goes_with_a_removed_one(
    app, make_event, mailbox, smtp_server
):
    event = make_event()
    app.config["MAIL_PORT"] = 1  # the mail server is away: the confirmation waits to be tried again
    person = register(event, email="olga@exmaple.org")
    app.config["MAIL_PORT"] = smtp_server.port

    services.update(
        person.id,
        applicant(first_name=person.first_name, last_name=person.last_name, email="olga@example.org"),
        utcnow(),
        by_organiser=True,
        by=None,
    )

    waiting, corrected = db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)).all()
    assert (waiting.status, waiting.recipient, corrected.status) == ("queued", "olga@example.org", "done")
    assert [message["To"] for message in mailbox.messages] == ["olga@example.org"]
    services.update(
        person.id,
        applicant(first_name=person.first_name, last_name=person.last_name, email=""),
        utcnow(),
        by_organiser=True,
        by=None,
    )
    assert db.session.get(OutgoingMail, waiting.id) is None and db.session.get(Registration, person.id).email is None
