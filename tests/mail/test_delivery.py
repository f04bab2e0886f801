"""Delivering queued mail: many mails through one connection, marked sent together, failures kept for later."""

import smtplib

import sqlalchemy as sa

from conference.database import utcnow
from conference.extensions import db
from conference.mail import services as mail
from conference.mail.models import OutgoingMail
from conference.registration import services
from tests.support import applicant


def queue_registrations(app, event, count: int) -> list[int]:
    """``count`` registrations whose confirmations are queued and claimed, not sent yet."""
    app.config["TASK_RUNNER"] = "worker"  # nobody sends them until the test calls deliver
    for number in range(count):
        services.register(event.id, applicant(email=f"person{number}@example.org"), utcnow())
    return list(db.session.scalars(sa.select(OutgoingMail.id).order_by(OutgoingMail.id)))


def statuses() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(OutgoingMail.status).order_by(OutgoingMail.id)))


def test_mails_waiting_together_go_through_one_connection_and_are_all_marked_sent(app, make_event, mailbox):
    ids = queue_registrations(app, make_event(), 45)

    mail.deliver(ids)

    assert sorted(message["To"] for message in mailbox.messages) == sorted(f"person{n}@example.org" for n in range(45))
    assert len(set(mailbox.connections)) == 1
    assert statuses() == ["done"] * 45
    assert all(row.sent_at for row in db.session.scalars(sa.select(OutgoingMail)))


def test_a_mail_that_fails_is_kept_for_later_and_the_others_are_sent(app, make_event, mailbox, monkeypatch):
    ids = queue_registrations(app, make_event(), 3)
    build = mail.BUILDERS["registration"]

    def failing_for_the_second(context):
        if context["registration_id"] == 2:
            raise ValueError("cannot build")
        return build(context)

    monkeypatch.setitem(mail.BUILDERS, "registration", failing_for_the_second)
    mail.deliver(ids)

    assert statuses() == ["done", "queued", "done"] and len(mailbox.messages) == 2
    failed = db.session.get(OutgoingMail, ids[1])
    assert "ValueError" in failed.last_error and failed.due_at > utcnow()


def test_when_the_mail_server_is_away_every_mail_waits_for_the_next_attempt(app, make_event, mailbox, monkeypatch):
    ids = queue_registrations(app, make_event(), 3)
    app.config["MAIL_PORT"] = 1  # nothing listens there
    attempts = []
    connect = smtplib.SMTP
    monkeypatch.setattr(smtplib, "SMTP", lambda *arguments, **options: attempts.append(1) or connect(*arguments, **options))

    mail.deliver(ids)

    assert statuses() == ["queued"] * 3 and mailbox.messages == []
    assert len(attempts) == 1  # the others did not wait for a timeout each
    assert all("ConnectionRefusedError" in row.last_error for row in db.session.scalars(sa.select(OutgoingMail)))


def test_the_mails_of_one_change_go_out_together_through_one_connection(app, make_event, mailbox):
    from conference.events import services as events
    from conference.events.models import EventStatus

    event = make_event()
    people = [services.register(event.id, applicant(email=f"person{n}@example.org"), utcnow()).registration for n in range(5)]
    assert len(set(mailbox.connections)) == 5  # one registration, one mail, one delivery each
    mailbox.messages.clear()
    mailbox.connections.clear()

    events.set_status(event.id, EventStatus.CANCELLED, utcnow())  # one transaction queues a mail to everyone

    assert sorted(message["To"] for message in mailbox.messages) == sorted(person.email for person in people)
    assert len(set(mailbox.connections)) == 1



def test_a_mail_deleted_before_it_went_out_is_skipped_and_the_others_are_sent(app, make_event, mailbox):
    ids = queue_registrations(app, make_event(), 3)
    db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.id == ids[0]))  # its person's data was erased
    db.session.commit()

    mail.deliver(ids)

    assert statuses() == ["done", "done"] and len(mailbox.messages) == 2
