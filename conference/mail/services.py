"""Queue mail inside a transaction; a background task builds and delivers it after the commit.

A mail is a plain record (queued, sent or failed); the task that delivers it holds the lease. A task
whose mails did not all go out is tried again with growing pauses, sending only those still queued,
and once it gives up they are marked failed; a task whose runner died is taken over by another.
"""

import functools
import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.contentmanager import raw_data_manager
from email.header import Header
from email.message import EmailMessage
from email.policy import Compat32
from email.utils import formataddr, formatdate, make_msgid, parseaddr
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import Config, current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from conference.database import shared_by_the_transaction, table_of, utcnow, write_transaction
from conference.extensions import db
from conference.files import instance_folder
from conference.mail.models import OutgoingMail
from conference.tasks import lease
from conference.tasks import services as tasks
from conference.tasks.models import WorkStatus

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # with the tasks' backoff: tried again over about three hours, then marked failed
STILL_WORKING_EVERY = 20  # mails sent between pushes on the delivering task's hold
JOINED_AT_MOST = 200  # mails a waiting delivery takes from other transactions (its list is written with each)


class NotAllSent(Exception):
    """Some mails of a delivery failed; its task tries them again later."""


BUILDERS: dict[str, Callable[[dict[str, Any]], EmailMessage]] = {}
# What a kind of mail leaves behind until it has gone out (a certificate's PDF), taken away once it has.
AFTER_SENT: dict[str, Callable[[dict[str, Any]], None]] = {}

Builder = TypeVar("Builder", bound=Callable[[dict[str, Any]], EmailMessage])


def builder(name: str, after_sent: Callable[[dict[str, Any]], None] | None = None) -> Callable[[Builder], Builder]:
    """Register the function that turns a queued mail's context into a message; ``after_sent(context)`` runs
    once the message is marked sent."""

    def register(function: Builder) -> Builder:
        BUILDERS[name] = function
        if after_sent:
            AFTER_SENT[name] = after_sent
        return function

    return register


def queue_later(builder_name: str, recipient: str, batch: str, **context: Any) -> OutgoingMail:
    """Add a mail to a batch, for messages to many people; ``deliver_batch`` sends them."""
    mail = OutgoingMail(builder=builder_name, recipient=recipient, context=context, batch=batch)
    db.session.add(mail)
    return mail


def progress(batch: str) -> dict[str, int]:
    """How many mails of a batch are sent, still queued, or failed."""
    return dict(
        db.session.execute(
            sa.select(OutgoingMail.status, sa.func.count())
            .where(OutgoingMail.batch == batch)
            .group_by(OutgoingMail.status)
        ).all()
    )


def send_batch_later(batch: str, event_id: int | None = None) -> None:
    """Deliver a batch in a background task, once the caller's ``write_transaction`` has committed."""
    tasks.enqueue("mail.batch", event_id=event_id, max_attempts=MAX_ATTEMPTS, batch=batch)


def _batch_failed(batch: str) -> None:
    _mark_failed(OutgoingMail.batch == batch)


@tasks.handler("mail.batch", label=_l("Message to registrants"), gave_up=_batch_failed)
def deliver_batch(batch: str) -> None:
    """Send every mail of a batch that is still queued."""
    deliver(
        list(
            db.session.scalars(
                sa.select(OutgoingMail.id)
                .where(OutgoingMail.batch == batch, OutgoingMail.status == WorkStatus.QUEUED)
                .order_by(OutgoingMail.id)
            )
        )
    )


def queue(builder_name: str, recipient: str, **context: Any) -> OutgoingMail:
    """Add a mail to the caller's ``write_transaction``; it exists only if that transaction commits.

    The mails of one transaction (an event cancelled: one to everyone) go to one delivery task, written in the
    same transaction, so that they go out through one connection right after the commit. While the runners are
    behind (a rush of registrations), a transaction's mails join the delivery that waits for them still: many
    mails under one lease and through one connection, rather than each with its own.
    """
    mail = OutgoingMail(builder=builder_name, recipient=recipient, context=context)
    db.session.add(mail)
    db.session.flush()
    shared = shared_by_the_transaction()
    task = shared.get("mail.deliver")
    if task is None:
        task = tasks.waiting("mail.deliver")
        if task is not None and len(task.arguments["mail_ids"]) >= JOINED_AT_MOST:
            task = None
    if task is None:
        task = tasks.enqueue("mail.deliver", max_attempts=MAX_ATTEMPTS, mail_ids=[mail.id])
    else:
        task.arguments = {"mail_ids": [*task.arguments["mail_ids"], mail.id]}
    shared["mail.deliver"] = task
    return mail


class _StoredAsWritten(Compat32):
    """Headers kept as the strings they were given, encoded (RFC 2047) and checked against injected headers only
    when the mail is written out: the standard library's default policy parses each header into objects, which
    made up a third of building and sending a mail. It also decodes encoded words in a header given as text and
    writes what they hold, a line break included, as header lines (CVE-2024-6923, in Python before 3.11.10 and
    3.12.5); this one writes them as given. The content manager of the default policy stays, so that builders use
    ``set_content``, ``add_alternative`` and ``add_attachment`` as documented."""

    content_manager = raw_data_manager
    utf8 = False  # smtplib clones the policy with utf8=True to send to an address that is not ASCII


STORED_AS_WRITTEN = _StoredAsWritten()


def new_message(recipient: str, subject: str, sender_name: str = "", reply_to: str = "") -> EmailMessage:
    """A message from the server's sender; ``sender_name`` says who writes (an event's contact), ``reply_to`` where
    answers go. The address stays the server's own, which its mail server lets it send as (SPF, DKIM).
    ``recipient`` and ``reply_to`` are bare addresses."""
    message = EmailMessage(policy=STORED_AS_WRITTEN)
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    name = " ".join(sender_name.split())  # one line, whatever was stored
    message["From"] = _mailbox(name, parseaddr(sender)[1]) if name else sender
    if reply_to:
        message["Reply-To"] = reply_to
    message["To"] = recipient
    message["Subject"] = _folded(" ".join(subject.split()))  # one line, whatever a stored subject or placeholder holds
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or None)
    return message


def _mailbox(name: str, address: str) -> str | Header:
    """A sender's name and address: a name that is not ASCII in encoded words of at most 75 characters, on lines of
    at most 78 (RFC 2047, 5322), however long it is; one in ASCII quoted where its characters ask for it."""
    if name.isascii() and "=?" not in name:
        return formataddr((name, address))
    mailbox = Header(name, "utf-8", header_name="From")
    mailbox.append(f"<{address}>", "us-ascii")
    return mailbox


def _folded(text: str) -> str | Header:
    """A subject of ASCII text folds at its spaces; a longer run without one (a link) is written in encoded words,
    which fold anywhere, and so is text that looks like an encoded word (it reads as typed, not decoded). Text that is
    not ASCII is encoded so when written out."""
    if "=?" in text or any(len(word) > 60 for word in text.split()):
        return Header(text, "utf-8", header_name="Subject")
    return text


def _mails_failed(mail_ids: list[int]) -> None:
    _mark_failed(OutgoingMail.id.in_(mail_ids))


def _mark_failed(which: sa.ColumnElement[bool]) -> None:
    with write_transaction():
        db.session.execute(
            sa.update(OutgoingMail)
            .where(which, OutgoingMail.status == WorkStatus.QUEUED)
            .values(status=WorkStatus.FAILED)
        )


@functools.cache
def _marking_sent() -> sa.Update:
    """Built once and on the table, as it runs for every mail (see ``database.table_of``)."""
    mails = table_of(OutgoingMail).c
    return (
        sa.update(table_of(OutgoingMail))
        .where(mails.id == sa.bindparam("mail_id"))
        .values(status=WorkStatus.DONE, sent_at=sa.bindparam("sent_time", type_=mails.sent_at.type), last_error="")
    )


@tasks.handler("mail.deliver", label=_l("E-mail"), gave_up=_mails_failed)
def deliver(mail_ids: list[int]) -> None:
    """Send those of these mails that are still queued, through one connection to the mail server, each marked
    sent as soon as it has gone. NotAllSent if any failed: the task is tried again later, for those only."""
    failed: list[Exception] = []
    with _outbox() as send:
        for count, mail_id in enumerate(mail_ids, 1):
            mail = db.session.get(OutgoingMail, mail_id)
            if mail is None or mail.status != WorkStatus.QUEUED:
                continue  # deleted meanwhile with its recipient's data, or sent by an earlier attempt
            try:
                send(BUILDERS[mail.builder](mail.context))
            except Exception as error:  # noqa: BLE001 - any failure keeps the mail for a later attempt
                log.warning("mail %s to be retried: %s", mail_id, type(error).__name__)
                failed.append(error)
                with write_transaction():
                    mail.last_error = f"{type(error).__name__}: {error}"[:500]
            else:
                with write_transaction():
                    sent_at = utcnow()
                    db.session.execute(_marking_sent(), {"mail_id": mail.id, "sent_time": sent_at})
                for name, value in (("status", WorkStatus.DONE), ("sent_at", sent_at), ("last_error", "")):
                    set_committed_value(mail, name, value)  # as stored: the same mail named twice goes once
                if mail.builder in AFTER_SENT:
                    AFTER_SENT[mail.builder](mail.context)
            if count % STILL_WORKING_EVERY == 0:
                lease.still_working()
    if failed:  # the errors' names only: their text may hold an address, and the task and the log outlive it
        raise NotAllSent(
            f"{len(failed)} of {len(mail_ids)} not sent: {', '.join(sorted({type(e).__name__ for e in failed}))}"
        )


def _file_name(address: str) -> str:
    return f"-{address}.eml".replace("/", "_")


def forget_files(addresses: set[str]) -> None:
    """Delete the mail the file backend wrote to these addresses (a person's data is deleted)."""
    endings = tuple(_file_name(address) for address in addresses)
    for path in instance_folder("mail").iterdir():
        if path.name.endswith(endings):
            path.unlink(missing_ok=True)


@contextmanager
def _outbox() -> Iterator[Callable[[EmailMessage], None]]:
    """A function that sends a message: to a file, or through one SMTP connection, opened for the first
    message, opened again after a failure, and closed at the end. Once the server cannot be reached,
    the other messages fail at once rather than each waiting for its own timeout."""
    config = current_app.config
    if config["MAIL_BACKEND"] == "file":
        yield _write_file
        return
    connection: smtplib.SMTP | None = None
    unreachable: Exception | None = None

    def send(message: EmailMessage) -> None:
        nonlocal connection, unreachable
        if unreachable is not None:
            raise unreachable.with_traceback(None)
        if connection is None:
            try:
                connection = _connect(config)
            except Exception as error:
                unreachable = error
                raise
        try:
            connection.send_message(message)
        except Exception:
            _close(connection)
            connection = None
            raise

    try:
        yield send
    finally:
        _close(connection)


def _write_file(message: EmailMessage) -> None:
    name = f"{utcnow():%Y%m%dT%H%M%S%f}{_file_name(message['To'])}"
    (instance_folder("mail") / name).write_bytes(bytes(message))


def _connect(config: Config) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
    try:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except Exception:
        _close(smtp)
        raise
    return smtp


def _close(connection: smtplib.SMTP | None) -> None:
    if connection is None:
        return
    try:
        connection.quit()
    except (smtplib.SMTPException, OSError):
        pass  # the server went away already
    connection.close()
