"""Queue mail inside a transaction; build and deliver it after the commit, retrying on failure."""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from conference.database import utcnow
from conference.extensions import db
from conference.mail.models import OutgoingMail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # with the backoff below: retried over about two hours, then marked failed
BUILDERS: dict[str, Callable[[dict], EmailMessage]] = {}


def builder(name: str):
    """Register the function that turns a queued mail's context into a message."""

    def register(function: Callable[[dict], EmailMessage]):
        BUILDERS[name] = function
        return function

    return register


def queue(builder_name: str, recipient: str, **context) -> OutgoingMail:
    """Add a mail to the caller's transaction; it is sent only if that transaction commits."""
    mail = OutgoingMail(builder=builder_name, recipient=recipient, context=context)
    db.session.add(mail)
    return mail


def new_message(recipient: str, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_DEFAULT_SENDER"]
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=current_app.config["MAIL_DEFAULT_SENDER"].rpartition("@")[2] or None)
    return message


def deliver(mail_ids: list[int]) -> None:
    """Send these queued mails now; failures stay queued for ``flask mail send``."""
    for mail_id in mail_ids:
        _deliver_one(mail_id)


def deliver_due() -> int:
    """Send every queued mail whose next attempt is due; returns how many were tried."""
    due = db.session.scalars(
        sa.select(OutgoingMail.id).where(OutgoingMail.status == "queued", OutgoingMail.next_attempt_at <= utcnow())
    ).all()
    deliver(list(due))
    return len(due)


def _deliver_one(mail_id: int) -> None:
    # Claim the mail first, so that two senders (a request and the retry command) never both send it.
    claimed = db.session.execute(
        sa.update(OutgoingMail).where(OutgoingMail.id == mail_id, OutgoingMail.status == "queued").values(status="sending")
    ).rowcount
    db.session.commit()
    if not claimed:
        return
    mail = db.session.get(OutgoingMail, mail_id)
    try:
        message = BUILDERS[mail.builder](mail.context)
        _send(message)
    except Exception as error:  # noqa: BLE001 - any failure keeps the mail for a later attempt
        log.warning("mail %s to be retried: %s", mail_id, type(error).__name__)
        mail.attempts += 1
        mail.last_error = f"{type(error).__name__}: {error}"[:500]
        mail.status = "failed" if mail.attempts >= MAX_ATTEMPTS else "queued"
        mail.next_attempt_at = utcnow() + timedelta(minutes=2**mail.attempts)
    else:
        mail.status, mail.sent_at, mail.last_error = "sent", utcnow(), ""
    db.session.commit()


def _send(message: EmailMessage) -> None:
    config = current_app.config
    if config["MAIL_BACKEND"] == "file":
        folder = Path(current_app.instance_path) / "mail"
        folder.mkdir(exist_ok=True)
        name = f"{utcnow():%Y%m%dT%H%M%S%f}-{message['To']}.eml".replace("/", "_")
        (folder / name).write_bytes(bytes(message))
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
