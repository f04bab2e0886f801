"""Delivering queued mail: many mails through one connection, each marked sent, failures tried again by the task."""

import smtplib

import pytest
import sqlalchemy as sa

from conference.database import utcnow
from conference.extensions import db
from conference.mail import services as mail
from conference.mail.models import OutgoingMail
from conference.registration import services
from tests.support import applicant


def queue_registrations(app, event, count: int) -> list[int]:
    """``count`` registrations whose confirmations are queued, not sent yet."""
    app.config["TASK_RUNNER"] = "worker"  # nobody sends them until the test calls deliver
    for number in range(count):
        services.register(event.id, applicant(email=f"person{number}@example.org"), utcnow(), by=None)
    return list(db.session.scalars(sa.select(OutgoingMail.id).order_by(OutgoingMail.id)))


def statuses() -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(OutgoingMail.status).order_by(OutgoingMail.id)))


def test_mails_waiting_together_go_through_one_connection_and_are_each_marked_sent(app, make_event, mailbox):
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
    with pytest.raises(mail.NotAllSent, match="1 of 3 not sent"):
        mail.deliver(ids)

    assert statuses() == ["done", "queued", "done"] and len(mailbox.messages) == 2
    assert "ValueError" in db.session.get(OutgoingMail, ids[1]).last_error


def test_a_mail_that_keeps_failing_is_tried_again_by_its_task_alone_and_marked_failed_when_it_gives_up(
    app, make_event, mailbox, monkeypatch, caplog
):
    from conference.tasks import services as tasks
    from conference.tasks.models import Task

    def refused(context):  # as a mail server refuses a recipient: the error names the address
        raise smtplib.SMTPRecipientsRefused({"a@example.org": (550, b"no such user")})

    build = mail.BUILDERS["registration"]
    monkeypatch.setitem(mail.BUILDERS, "registration", refused)
    event = make_event()
    services.register(event.id, applicant(email="a@example.org"), utcnow(), by=None)  # its task runs at once, and fails
    task = db.session.scalars(sa.select(Task).where(Task.name == "mail.deliver")).one()
    assert task.status == "queued" and task.due_at > utcnow() and statuses() == ["queued"]
    # The task and the log outlive the mail, which goes with its recipient's data: they keep no address.
    assert task.last_error == "NotAllSent: 1 of 1 not sent: SMTPRecipientsRefused"
    assert "a@example.org" not in caplog.text

    monkeypatch.setitem(mail.BUILDERS, "registration", build)
    services.register(event.id, applicant(email="b@example.org"), utcnow(), by=None)  # another change, another task
    assert [message["To"] for message in mailbox.messages] == ["b@example.org"] and statuses() == ["queued", "done"]

    monkeypatch.setitem(mail.BUILDERS, "registration", refused)
    for _attempt in range(mail.MAX_ATTEMPTS - 1):
        db.session.execute(sa.update(Task).where(Task.id == task.id).values(due_at=utcnow()))
        db.session.commit()
        tasks.run_due()
    db.session.rollback()
    assert db.session.get(Task, task.id).status == "failed" and statuses() == ["failed", "done"]
    assert len(mailbox.messages) == 1


def test_when_the_mail_server_is_away_every_mail_waits_for_the_next_attempt(app, make_event, mailbox, monkeypatch):
    ids = queue_registrations(app, make_event(), 3)
    app.config["MAIL_PORT"] = 1  # nothing listens there
    attempts = []
    connect = smtplib.SMTP
    monkeypatch.setattr(
        smtplib, "SMTP", lambda *arguments, **options: attempts.append(1) or connect(*arguments, **options)
    )

    with pytest.raises(mail.NotAllSent, match="3 of 3 not sent"):
        mail.deliver(ids)

    assert statuses() == ["queued"] * 3 and mailbox.messages == []
    assert len(attempts) == 1  # the others did not wait for a timeout each
    assert all("ConnectionRefusedError" in row.last_error for row in db.session.scalars(sa.select(OutgoingMail)))


def test_the_mails_of_one_change_go_out_together_through_one_connection(app, make_event, mailbox):
    from conference.events import services as events
    from conference.events.models import EventStatus

    event = make_event()
    people = [
        services.register(event.id, applicant(email=f"person{n}@example.org"), utcnow(), by=None).registration
        for n in range(5)
    ]
    assert len(set(mailbox.connections)) == 5  # one registration, one mail, one delivery each
    mailbox.messages.clear()
    mailbox.connections.clear()

    events.set_status(event.id, EventStatus.CANCELLED, utcnow(), by=None)  # one transaction queues a mail to everyone

    assert sorted(message["To"] for message in mailbox.messages) == sorted(person.email for person in people)
    assert len(set(mailbox.connections)) == 1


def test_a_mail_deleted_before_it_went_out_is_skipped_and_the_others_are_sent(app, make_event, mailbox):
    ids = queue_registrations(app, make_event(), 3)
    db.session.execute(sa.delete(OutgoingMail).where(OutgoingMail.id == ids[0]))  # its person's data was erased
    db.session.commit()

    mail.deliver(ids)

    assert statuses() == ["done", "done"] and len(mailbox.messages) == 2


def test_while_no_runner_has_taken_a_delivery_the_mails_of_other_changes_join_it(app, make_event, mailbox, monkeypatch):
    from conference.tasks import lease
    from conference.tasks import services as tasks
    from conference.tasks.models import Task

    def deliveries() -> list[list[int]]:
        db.session.rollback()
        rows = db.session.scalars(sa.select(Task).where(Task.name == "mail.deliver").order_by(Task.id))
        return [task.arguments.get("mail_ids", []) for task in rows]

    monkeypatch.setattr(mail, "JOINED_AT_MOST", 3)
    event = make_event()
    ids = queue_registrations(app, event, 4)  # four registrations while the runners are behind
    assert deliveries() == [ids[:3], ids[3:]]  # three joined the first; the fourth waits in a delivery of its own

    second = db.session.scalars(sa.select(Task.id).where(Task.name == "mail.deliver").order_by(Task.id)).all()[1]
    assert lease.claim(second)  # a runner has taken the second delivery; while it sends, someone registers
    services.register(event.id, applicant(email="late@example.org"), utcnow(), by=None)
    mail.deliver(ids[3:])
    lease.release(second, None, mail.MAX_ATTEMPTS, tasks.backoff)
    late = db.session.scalar(sa.select(OutgoingMail.id).where(OutgoingMail.recipient == "late@example.org"))
    assert deliveries() == [ids[:3], [], [late]]  # (a delivery done forgets its list)

    tasks.run_due()
    assert sorted(message["To"] for message in mailbox.messages) == sorted(
        [f"person{n}@example.org" for n in range(4)] + ["late@example.org"]
    )
    assert len(set(mailbox.connections)) == 3  # the three joined mails went through one connection
    assert statuses() == ["done"] * 5
