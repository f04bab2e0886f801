"""Messages from organisers to all or some registrants of an event, with a record of each.

A message keeps its placeholders (``{name}``, ``{date}``, …: those of the automatic mails, ``mail_texts``), filled
for each person as their mail is built.
"""

import sqlalchemy as sa
from flask import render_template
from flask_babel import lazy_gettext as _l

from conference.audit.models import AuditAction
from conference.audit.services import record
from conference.database import write_transaction
from conference.extensions import db
from conference.mail import services as mail
from conference.registration import mail_texts
from conference.registration.models import ACTIVE, BulkMessage, Registration, RegistrationStatus
from conference.registration.services import link_token
from conference.site.i18n import speaking
from conference.site.urls import absolute_url


# Who a message goes to: all registered and waiting, or one group.
AUDIENCES = {
    "active": _l("Everyone registered or waiting"),
    "confirmed": _l("Confirmed participants"),
    "checked_in": _l("Participants who checked in"),
    "waitlisted": _l("Waiting list"),
    "pending": _l("Awaiting approval"),
}


def audience(event_id: int, name: str) -> list[Registration]:
    query = sa.select(Registration).where(Registration.event_id == event_id, Registration.anonymised_at.is_(None),
                                          Registration.email.is_not(None))
    if name == "checked_in":
        query = query.where(Registration.checked_in_at.is_not(None))
    elif name == "active":
        query = query.where(Registration.status.in_(ACTIVE))
    else:
        query = query.where(Registration.status == RegistrationStatus(name))
    return list(db.session.scalars(query.order_by(Registration.last_name, Registration.first_name, Registration.id)))


def check(subject: str, body: str) -> None:
    """Refuse a placeholder a message cannot fill, as the texts of the automatic mails are refused."""
    mail_texts.check(None, subject, "subject")
    mail_texts.check(None, body, "body")


def filled(message: BulkMessage, registration: Registration, link: str | None) -> tuple[str, str]:
    """Subject and text with the placeholders filled for ``registration`` (in the language ``speaking`` sets)."""
    values = mail_texts.values_for(registration, link)
    return mail_texts.fill(message.subject, values), mail_texts.fill(message.body, values)


def render(message: BulkMessage, registration: Registration, preview: bool = False):
    """The message as ``registration`` receives it, in their language; the ``preview`` for organisers shows a
    stand-in for the person's secret link, which is theirs alone (it opens, changes and cancels the registration)."""
    with speaking(registration.locale):
        token = "beispiel" if preview else link_token(registration)
        link = absolute_url("registration.own_page", token=token) if registration.is_active else None
        subject, body = filled(message, registration, link)
        email = mail_texts.new_message(registration.event, registration.email, subject)
        email.set_content(render_template("registration/mail/bulk.txt", registration=registration, body=body,
                                          link=link))
    return email


def preview(people: list[Registration], subject: str, body: str):
    """The message as the first of ``people`` would receive it (None for nobody); refused like a message sent."""
    check(subject, body)
    return render(BulkMessage(subject=subject, body=body), people[0], preview=True) if people else None


def send(event_id: int, user_id: int, audience_name: str, subject: str, body: str) -> BulkMessage:
    """Store the message, placeholders and all, and send it to everyone in the audience in the background."""
    check(subject, body)
    people = audience(event_id, audience_name)
    with write_transaction():
        bulk = BulkMessage(event_id=event_id, user_id=user_id, audience=audience_name, subject=subject, body=body,
                           recipients=len(people))
        db.session.add(bulk)
        db.session.flush()
        for registration in people:
            mail.queue_later("bulk", registration.email, bulk.batch, bulk_id=bulk.id, registration_id=registration.id)
        mail.send_batch_later(bulk.batch, event_id)
        record(AuditAction.MESSAGE_SENT, f"{subject} ({len(people)})", event_id)
    return bulk


def history(event_id: int) -> list[tuple[BulkMessage, dict[str, int]]]:
    sent = db.session.scalars(sa.select(BulkMessage).where(BulkMessage.event_id == event_id).order_by(BulkMessage.id.desc()))
    return [(bulk, mail.progress(bulk.batch)) for bulk in sent]


@mail.builder("bulk")
def build(context: dict):
    registration = db.session.get(Registration, context["registration_id"])
    return render(db.session.get(BulkMessage, context["bulk_id"]), registration)
