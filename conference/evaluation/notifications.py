"""The mails asking attendees to evaluate the event, sent the morning after it and once more a few days later."""

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from flask import render_template
from flask_babel import lazy_gettext as _l

from conference.database import utcnow
from conference.evaluation import services
from conference.events.models import Event
from conference.extensions import db
from conference.mail import services as mail
from conference.registration import mail_texts
from conference.registration.models import Registration
from conference.rules import Refusal
from conference.site.i18n import speaking
from conference.site.urls import absolute_url
from conference.tasks import services as tasks

LINK = _l("the person's link to the evaluation")
FOOTER = _l(
    "Below your text the mail gives the person's link to the evaluation (unless your text has it) and the contact."
)


def _sample_link(event: Event) -> str:
    return absolute_url("evaluation.answer", slug=event.slug, token="beispiel")


mail_texts.register(
    "evaluation",
    mail_texts.MailKind(
        _l("Evaluation"),
        _l("The morning after the event, to everyone checked in (or when you send it)."),
        _l("Your opinion on “{event}”"),
        _l(
            "{greeting},\n\nthank you for taking part in “{event}”. Please tell us what you thought of it: it takes "
            "a few minutes, and your answers are anonymous. Nothing links them to you.\n\n{link}"
        ),
        link=LINK,
        sample_link=_sample_link,
        footer=FOOTER,
    ),
)
mail_texts.register(
    "evaluation_reminder",
    mail_texts.MailKind(
        _l("Evaluation reminder"),
        _l("A few days after the evaluation, once, to those who have not answered."),
        _l("Reminder: your opinion on “{event}”"),
        _l(
            "{greeting},\n\na few days ago we asked what you thought of “{event}”. If you have not found the time "
            "yet: the link below still works, and your answers are anonymous.\n\n{link}"
        ),
        link=LINK,
        sample_link=_sample_link,
        footer=FOOTER,
    ),
)


@mail.builder("evaluation")
def build(context: dict[str, Any]) -> EmailMessage:
    registration = db.session.get_one(Registration, context["registration_id"])
    event = registration.event
    with speaking(registration.locale):
        link = absolute_url("evaluation.answer", slug=event.slug, token=services.link_token(registration))
        kind = "evaluation_reminder" if context.get("reminder") else "evaluation"
        subject, text = mail_texts.compose(registration, kind, link)
        message = mail_texts.new_message(event, registration.address, subject)
        message.set_content(render_template("evaluation/mail.txt", event=event, text=text, link=link))
    return message


@tasks.handler("evaluation.send", every=timedelta(minutes=15))
def send_due() -> int:
    """Send the evaluations and reminders that are due; returns how many mails."""
    now = utcnow()
    first, reminders = services.due(now)
    sent = 0
    for event_id in first:
        try:
            sent += services.invite(event_id, now, by=None)
        except Refusal:  # changed since it was found due (cancelled, its questions removed)
            continue
    for event_id in reminders:
        try:
            sent += services.remind(event_id, now, by=None)
        except Refusal:
            continue
    return sent
