"""Queue mail inside a transaction; a background task builds and delivers it after the commit.

Each mail holds its own lease (``tasks/lease.py``): a mail that fails is tried again with growing
pauses by the periodic task ``mail.deliver_due``, which also takes over mails whose sender died.
"""

import logging
import smtplib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from conference.database import after_commit_once, utcnow
from conference.extensions import db
from conference.files import instance_folder
from conference.mail.models import OutgoingMail
from conference.tasks import lease, services as tasks

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # with the backoff below: retried over about two hours, then marked failed
HOLD = timedelta(minutes=10)  # a claimed mail not sent by then was left by a dead process
# Sent mails are marked in groups: fewer write transactions, and should the process die, at most a
# group is sent again when its claim runs out (mail is delivered at least once).
MARKED_SENT_TOGETHER = 20


def backoff(attempts: int) -> timedelta:
    """2, 4, 8, … minutes."""
    return timedelta(minutes=2**attempts)
BUILDERS: dict[str, Callable[[dict], EmailMessage]] = {}
# What a kind of mail leaves behind until it has gone out (a certificate's PDF), taken away once it has.
AFTER_SENT: dict[str, Callable[[dict], None]] = {}


def builder(name: str, after_sent: Callable[[dict], None] | None = None):
    """Register the function that turns a queued mail's context into a message; ``after_sent(context)`` runs
    once the message is marked sent."""

    def register(function: Callable[[dict], EmailMessage]):
        BUILDERS[name] = function
        if after_sent:
            AFTER_SENT[name] = after_sent
        return function

    return register


def queue_later(builder_name: str, recipient: str, batch: str, **context) -> OutgoingMail:
    """Add a mail to a batch, for messages to many people; ``deliver_batch`` sends them."""
    mail = OutgoingMail(builder=builder_name, recipient=recipient, context=context, batch=batch)
    db.session.add(mail)
    return mail


def progress(batch: str) -> dict[str, int]:
    """How many mails of a batch are sent, still queued, or failed."""
    return dict(db.session.execute(
        sa.select(OutgoingMail.status, sa.func.count()).where(OutgoingMail.batch == batch).group_by(OutgoingMail.status)
    ).all())


def send_batch_later(batch: str, event_id: int | None = None) -> None:
    """Deliver a batch in a background task, once the caller's ``write_transaction`` has committed."""
    tasks.enqueue("mail.batch", event_id=event_id, batch=batch)


@tasks.handler("mail.batch", label=_l("Message to registrants"))
def deliver_batch(batch: str) -> None:
    """Send every queued mail of a batch."""
    deliver(lease.claim(OutgoingMail, OutgoingMail.batch == batch, hold=HOLD))


def queue(builder_name: str, recipient: str, **context) -> OutgoingMail:
    """Add a mail to the caller's ``write_transaction``; it exists only if that transaction commits.

    It is claimed for the task that delivers it right after the commit; should that task never
    run, ``deliver_due`` takes the mail over once the claim has expired.
    """
    mail = OutgoingMail(  # claimed already, for the sender called after the commit
        builder=builder_name, recipient=recipient, context=context,
        status=lease.WorkStatus.RUNNING, attempts=1, held_until=utcnow() + HOLD,
    )
    db.session.add(mail)
    db.session.flush()
    # The mail row is its own record (claim, attempts, failure), so no task row is written: after the
    # commit the runner is only told to send it (tasks.call_soon), keeping a registration to one commit.
    # The mails of one transaction (an event cancelled: one to everyone) go to one delivery.
    after_commit_once(_DeliveryAfterCommit).mail_ids.append(mail.id)
    return mail


class _DeliveryAfterCommit:
    """The mails queued in one transaction, handed to one delivery once it has committed."""

    def __init__(self):
        self.mail_ids: list[int] = []

    def __call__(self) -> None:
        tasks.call_soon("mail.deliver", mail_ids=self.mail_ids)


def new_message(recipient: str, subject: str, sender_name: str = "", reply_to: str = "") -> EmailMessage:
    """A message from the server's sender; ``sender_name`` says who writes (an event's contact), ``reply_to`` where
    answers go. The address stays the server's own, which its mail server lets it send as (SPF, DKIM)."""
    message = EmailMessage()
    sender = current_app.config["MAIL_DEFAULT_SENDER"]
    name = " ".join(sender_name.split())  # one line, whatever was stored
    message["From"] = Address(display_name=name, addr_spec=parseaddr(sender)[1]) if name else sender
    if reply_to:
        message["Reply-To"] = reply_to
    message["To"] = recipient
    message["Subject"] = " ".join(subject.split())  # one line, whatever a stored subject or a placeholder holds
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or None)
    return message


@tasks.handler("mail.deliver", label=_l("E-mail"))
def deliver(mail_ids: list[int]) -> None:
    """Send mails the caller has claimed (queued by ``queue``, or claimed by ``deliver_due``).

    They go through one connection to the mail server, and are marked sent a group at a time, in one
    transaction each. A failure is recorded on the mail itself, which ``deliver_due`` tries again later.
    """
    with _outbox() as send:
        for start in range(0, len(mail_ids), MARKED_SENT_TOGETHER):
            sent: list[OutgoingMail] = []
            try:
                for mail_id in mail_ids[start:start + MARKED_SENT_TOGETHER]:
                    mail = db.session.get(OutgoingMail, mail_id)
                    if mail is None:
                        continue  # deleted meanwhile, with the personal data of its recipient
                    try:
                        send(BUILDERS[mail.builder](mail.context))
                    except Exception as error:  # noqa: BLE001 - any failure keeps the mail for a later attempt
                        log.warning("mail %s to be retried: %s", mail_id, type(error).__name__)
                        lease.release(OutgoingMail, mail_id, error, MAX_ATTEMPTS, backoff)
                    else:
                        sent.append(mail)
            finally:  # what went out is never sent again, whatever stopped the rest
                lease.done(OutgoingMail, [mail.id for mail in sent], sent_at=utcnow(), last_error="")
                for mail in sent:
                    if mail.builder in AFTER_SENT:
                        AFTER_SENT[mail.builder](mail.context)


@tasks.handler("mail.deliver_due", every=timedelta(minutes=1))
def deliver_due() -> int:
    """Send every queued mail whose next attempt is due, and those whose sender died."""
    claimed = lease.claim(OutgoingMail, hold=HOLD)
    deliver(claimed)
    return len(claimed)


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


def _connect(config) -> smtplib.SMTP:
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
