"""Messages from organisers to all or some registrants of an event, with a record of each.

A message keeps its placeholders (``{name}``, ``{date}``, …: those of the automatic mails, ``mail_texts``), filled
for each person as their mail is built. It may have an English version for those who registered in English.
"""

import hashlib
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked
from conference.events.models import Event
from conference.extensions import db
from conference.mail import services as mail
from conference.registration import mail_texts
from conference.registration.models import ACTIVE, BY_NAME, BulkMessage, Registration, RegistrationStatus
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
    query = sa.select(Registration).where(
        Registration.event_id == event_id, Registration.anonymised_at.is_(None), Registration.email.is_not(None)
    )
    if name == "checked_in":
        query = query.where(Registration.checked_in_at.is_not(None))
    elif name == "active":
        query = query.where(Registration.status.in_(ACTIVE))
    else:
        query = query.where(Registration.status == RegistrationStatus(name))
    return list(db.session.scalars(query.order_by(*BY_NAME)))


def draft(subject: str, body: str, subject_en: str = "", body_en: str = "") -> BulkMessage:
    """The message as typed, not stored; refused with a placeholder it cannot fill, as the texts of the automatic mails
    are, or with half an English version."""
    refused = []
    for field, text in (("subject", subject), ("body", body), ("subject_en", subject_en), ("body_en", body_en)):
        try:
            mail_texts.check(None, text, field)
        except mail_texts.MailTextError as refusal:
            refused.append(refusal)
    english = bool(subject_en.strip())
    if english != bool(body_en.strip()):
        refused.append(
            mail_texts.MailTextError(
                _("The English version needs a subject and a message, or neither."),
                "body_en" if english else "subject_en",
            )
        )
    if refused:
        refused[0].others = refused[1:]
        raise refused[0]
    return BulkMessage(
        subject=subject, body=body, subject_en=subject_en if english else "", body_en=body_en if english else ""
    )


def language_for(message: BulkMessage, registration: Registration) -> str:
    """The version a person receives: English if they registered in English and there is one; else German (its
    greeting and the words around the link in German too, rather than a German text framed in English)."""
    return "en" if message.subject_en and registration.locale == "en" else "de"


def filled(message: BulkMessage, registration: Registration, language: str, link: str | None) -> tuple[str, str]:
    """Subject and text of the ``language`` version, its placeholders filled for ``registration`` (inside
    ``speaking(language)``)."""
    subject, body = (message.subject_en, message.body_en) if language == "en" else (message.subject, message.body)
    values = mail_texts.values_for(registration, link)
    return mail_texts.fill(subject, values), mail_texts.fill(body, values)


def render(message: BulkMessage, registration: Registration, language: str | None = None, preview: bool = False):
    """The message as ``registration`` receives it (or in the other ``language``, for a preview); the ``preview``
    for organisers shows a stand-in for the person's secret link, which is theirs alone (it opens, changes and
    cancels the registration)."""
    language = language or language_for(message, registration)
    with speaking(language):
        token = "beispiel" if preview else link_token(registration)
        link = absolute_url("registration.own_page", token=token) if registration.is_active else None
        subject, body = filled(message, registration, language, link)
        email = mail_texts.new_message(registration.event, registration.address, subject)
        email.set_content(
            render_template(
                "registration/mail/bulk.txt", greeting=mail_texts.greeting(registration), body=body, link=link
            )
        )
    return email


@dataclass
class Version:
    """One language of a message in the preview: ``recipients`` receive it, as ``shown_to`` does in ``mail``."""

    language: str
    recipients: int
    shown_to: Registration
    mail: EmailMessage


def preview(
    people: list[Registration], subject: str, body: str, subject_en: str = "", body_en: str = ""
) -> list[Version]:
    """Each version of the message as the first of ``people`` who receives it would (or the first of all, when
    nobody does); nothing for nobody. Refused as a message sent would be."""
    message = draft(subject, body, subject_en, body_en)
    if not people:
        return []
    versions = []
    for language in ("de", "en") if message.subject_en else ("de",):
        receiving = [person for person in people if language_for(message, person) == language]
        shown_to = (receiving or people)[0]
        versions.append(Version(language, len(receiving), shown_to, render(message, shown_to, language, preview=True)))
    return versions


def send(
    event_id: int,
    audience_name: str,
    subject: str,
    body: str,
    subject_en: str = "",
    body_en: str = "",
    submission_key: str = "",
    *,
    by: Actor | None,
) -> BulkMessage:
    """Store the message, placeholders and all, and send it to everyone in the audience in the background. The
    same form sent again (``submission_key``: a double click on "Send") sends nothing more: its message is returned."""
    bulk = draft(subject, body, subject_en, body_en)
    key = hashlib.sha256(submission_key.encode()).hexdigest() if submission_key else ""
    with row_locked(Event, event_id):  # two clicks at once: the second finds the first's message
        sent_before = key and db.session.scalar(
            sa.select(BulkMessage).where(BulkMessage.event_id == event_id, BulkMessage.submission_key == key)
        )
        if sent_before:
            return sent_before
        people = audience(event_id, audience_name)
        bulk.event_id, bulk.user_id, bulk.audience, bulk.recipients = (
            event_id,
            by.id if by else None,
            audience_name,
            len(people),
        )
        bulk.submission_key = key
        db.session.add(bulk)
        db.session.flush()
        for registration in people:
            mail.queue_later("bulk", registration.address, bulk.batch, bulk_id=bulk.id, registration_id=registration.id)
        mail.send_batch_later(bulk.batch, event_id)
        record(AuditAction.MESSAGE_SENT, f"{subject} ({len(people)})", event_id, by=by)
    return bulk


def history(event_id: int) -> list[tuple[BulkMessage, dict[str, int]]]:
    sent = db.session.scalars(
        sa.select(BulkMessage).where(BulkMessage.event_id == event_id).order_by(BulkMessage.id.desc())
    )
    return [(bulk, mail.progress(bulk.batch)) for bulk in sent]


@mail.builder("bulk")
def build(context: dict[str, Any]) -> EmailMessage:
    registration = db.session.get_one(Registration, context["registration_id"])
    return render(db.session.get_one(BulkMessage, context["bulk_id"]), registration)
