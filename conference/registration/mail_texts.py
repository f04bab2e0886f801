"""What the mails to registrants say, per event: the default texts, or the organisers' own.

Organisers write a subject and an opening text with placeholders such as ``{name}``; below the text
every mail keeps what makes it work (date and place, the person's details, the check-in code, their
link), so an edited text cannot break a registration. Placeholders are filled by name only – no
attributes, indexes or format specs, which ``str.format`` would follow – so a text cannot reach into
the application; an unknown placeholder is refused when saving. Messages organisers write to
registrants (``bulk``) use the same placeholders, checked and filled here.
"""

import functools
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from string import Formatter

import sqlalchemy as sa
from flask_babel import format_date, pgettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked, table_of
from conference.events.models import Event
from conference.extensions import db
from conference.mail import services as mail
from conference.registration.models import MailText, Registration, RegistrationStatus, Salutation
from conference.rules import Refusal
from conference.site.filters import clock, time_range
from conference.site.i18n import speaking
from conference.site.urls import absolute_url

LOCALES = ("de", "en")
MAX_SUBJECT = 200
MAX_TEXT = 5000


@dataclass(frozen=True)
class MailKind:
    label: LazyString
    sent_when: LazyString
    subject: LazyString
    text: LazyString
    placeholders: tuple[str, ...] = ()  # beyond the common ones
    # What {link} opens when not the person's registration, and a sample of it for the preview.
    link: LazyString | None = None
    sample_link: Callable[[Event], str] | None = None
    footer: LazyString | None = None  # what the mail gives below the text, when not a registration's details


KINDS = {
    "confirmed": MailKind(
        _l("Confirmation"),
        _l("Someone registers and has a place."),
        _l("Registration confirmed: {event}"),
        _l("{greeting},\n\nthank you for registering. Your place is confirmed."),
    ),
    "received": MailKind(
        _l("Registration received"),
        _l("Someone registers for an event whose registrations you approve."),
        _l("Registration received: {event}"),
        _l(
            "{greeting},\n\nthank you for registering. The organisers confirm each registration; we will write to "
            "you as soon as they have decided."
        ),
    ),
    "waitlisted": MailKind(
        _l("Waiting list"),
        _l("Someone registers for a fully booked event."),
        _l("Waiting list: {event}"),
        _l(
            "{greeting},\n\nthe event is fully booked, so you are on the waiting list at position {position}. "
            "We will write to you as soon as a place becomes free."
        ),
        ("position",),
    ),
    "promoted": MailKind(
        _l("Moved up"),
        _l("A place has become free for someone on the waiting list."),
        _l("A place has become free: {event}"),
        _l("{greeting},\n\ngood news: a place has become free and you have moved up from the waiting list."),
    ),
    "approved": MailKind(
        _l("Approved"),
        _l("You approve a registration."),
        _l("Registration confirmed: {event}"),
        _l("{greeting},\n\nthe organisers have confirmed your registration. Your place is reserved."),
    ),
    "rejected": MailKind(
        _l("Rejected"),
        _l("You reject a registration."),
        _l("Registration not accepted: {event}"),
        _l("{greeting},\n\nwe are sorry: the organisers could not accept your registration for this event."),
    ),
    "restored": MailKind(
        _l("Cancellation undone"),
        _l("You undo a cancellation or rejection."),
        _l("Your registration is valid again: {event}"),
        _l("{greeting},\n\nthe organisers have undone the cancellation of your registration."),
    ),
    "reminder": MailKind(
        _l("Reminder"),
        _l("Two days before the event, to everyone confirmed."),
        _l("Reminder: {event}"),
        _l(
            "{greeting},\n\nwe look forward to seeing you soon. Here once more are the details, your check-in code "
            "and the link to your registration, should your plans have changed."
        ),
    ),
    "changed": MailKind(
        _l("Time or place changed"),
        _l("You change the time or place of the published event; to everyone registered or waiting."),
        _l("New time or place: {event}"),
        _l(
            "{greeting},\n\nthe time or place of the event has changed; below are the details as they are now. The "
            "calendar entry attached updates the one in your calendar."
        ),
    ),
    "online_access": MailKind(
        _l("Online link"),
        _l("You set or change the online link or its access code; to everyone confirmed online."),
        _l("Online link: {event}"),
        _l(
            "{greeting},\n\nhere is the current link for taking part online, with the details of your registration. "
            "The calendar entry attached updates the one in your calendar."
        ),
    ),
    "cancelled": MailKind(
        _l("Cancellation"),
        _l("Someone cancels their registration."),
        _l("Registration cancelled: {event}"),
        _l("{greeting},\n\nyour registration has been cancelled. Thank you for letting us know."),
    ),
    "cancelled_by_organisers": MailKind(
        _l("Cancelled by the organisers"),
        _l("You cancel a registration."),
        _l("Registration cancelled: {event}"),
        _l(
            "{greeting},\n\nthe organisers have cancelled your registration for this event. Should this be a "
            "mistake, please write to us."
        ),
    ),
    "event_cancelled": MailKind(
        _l("Event cancelled"),
        _l("You cancel the event; to everyone registered or waiting."),
        _l("Event cancelled: {event}"),
        _l(
            "{greeting},\n\nwe are sorry: the event has been cancelled. Your registration is void; there is nothing "
            "more you need to do."
        ),
    ),
    "link": MailKind(
        _l("Link sent again"),
        _l("Someone asks for their link, or registers a second time."),
        _l("Your registration: {event}"),
        _l(
            "{greeting},\n\nyou asked for the link to your registration, or tried to register again with this "
            "address. You are already registered; the link below opens your registration."
        ),
    ),
    "link_by_organisers": MailKind(
        _l("Link sent by the organisers"),
        _l("You send someone the link to their registration again."),
        _l("Your registration: {event}"),
        _l(
            "{greeting},\n\nthe organisers send you the link to your registration once more. The link below opens "
            "your registration."
        ),
    ),
    "certificate": MailKind(
        _l("Certificate of attendance"),
        _l("You send the certificates after the event."),
        _l("Your certificate of attendance: {event}"),
        _l(
            "{greeting},\n\nthank you for taking part in “{event}”. Your certificate of attendance is attached to "
            "this mail."
        ),
        footer=_l(
            "Below your text the mail gives the link to download the certificate again and the contact; the "
            "certificate is attached as a PDF."
        ),
    ),
}

PLACEHOLDERS = {
    "greeting": _l("“Sehr geehrte Frau Dr. Nowak”, or “Guten Tag Erika Nowak” without a form of address"),
    "name": _l("first and last name"),
    "first_name": _l("first name"),
    "last_name": _l("last name"),
    "event": _l("title of the event"),
    "date": _l("date of the event"),
    "time": _l("time of the event, from start to end"),
    "start": _l("clock time of the start"),
    "end": _l("clock time of the end"),
    "place": _l("venue and city"),
    "address": _l("venue, street, postcode and city"),
    "link": _l("the person's link to their registration"),
    "contact": _l("the event's contact address"),
    "position": _l("place on the waiting list"),
}


class MailTextError(Refusal):
    """A text refused; ``others`` are the refusals of the other fields checked with it, shown together."""

    others: list["MailTextError"] = []

    def each(self) -> list["MailTextError"]:
        return [self, *self.others]


def kind_of(reason: str, status: RegistrationStatus) -> str:
    """Which text a mail queued for ``reason`` uses, given the registration's status when it is built."""
    if reason == "registered":
        return {RegistrationStatus.WAITLISTED: "waitlisted", RegistrationStatus.PENDING: "received"}.get(
            status, "confirmed"
        )
    return reason


def register(name: str, kind: MailKind) -> None:
    """Add a kind of mail that a feature above registration sends (its texts are edited with the others)."""
    KINDS[name] = kind


def placeholders(kind: str | None = None) -> dict[str, LazyString]:
    """The placeholders a mail can fill, with what they stand for: those of every mail and the kind's own (the
    waiting list's place); without a kind, those of a message organisers write to registrants (``bulk``)."""
    own = KINDS[kind].placeholders if kind else ()
    link = KINDS[kind].link if kind else None
    return {
        name: link if name == "link" and link else meaning
        for name, meaning in PLACEHOLDERS.items()
        if name != "position" or "position" in own
    }


def check(kind: str | None, text: str, field: str) -> None:
    """Refuse a text with a placeholder this mail cannot fill, or a brace that opens nothing."""
    allowed = list(placeholders(kind))
    try:
        parts = list(Formatter().parse(text))
    except ValueError:
        raise MailTextError(
            _("A curly brace is not closed. Placeholders look like {name}; for a brace itself write {{ or }}."), field
        ) from None
    for _literal, name, spec, conversion in parts:
        if name is not None and (name not in allowed or spec or conversion):
            shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
            raise MailTextError(
                _(
                    "%(placeholder)s is not a placeholder of this mail. You can use: %(allowed)s.",
                    placeholder=shown,
                    allowed=", ".join("{" + n + "}" for n in allowed),
                ),
                field,
            )


def fill(text: str, values: dict[str, str]) -> str:
    """The text with its placeholders replaced; only plain names are looked up (checked when saved)."""
    return "".join(
        literal + (values.get(name, "") if name is not None else "")
        for literal, name, _spec, _conversion in Formatter().parse(text)
    )


def greeting(registration: Registration) -> str:
    """How a mail opens, in the language spoken (without the comma): by form of address and title where the person
    gave them ("Sehr geehrte Frau Dr. Nowak", "Dear Dr. Nowak"), else by their name, never "Sehr geehrte/r"."""
    title, last_name = registration.title, registration.last_name
    if registration.form_of_address == Salutation.FRAU:
        return (
            pgettext(
                "greeting of a woman with a title", "Dear %(title)s %(last_name)s", title=title, last_name=last_name
            )
            if title
            else _("Dear Ms %(last_name)s", last_name=last_name)
        )
    if registration.form_of_address == Salutation.HERR:
        return (
            pgettext("greeting of a man with a title", "Dear %(title)s %(last_name)s", title=title, last_name=last_name)
            if title
            else _("Dear Mr %(last_name)s", last_name=last_name)
        )
    return _("Hello %(name)s", name=registration.titled_name)


def values_for(registration: Registration, link: str | None, position: int | None = None) -> dict[str, str]:
    event = registration.event
    return {
        "greeting": greeting(registration),
        "name": registration.full_name,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "event": event.title,
        "date": format_date(event.starts_at, "long"),
        "time": time_range(event.starts_at, event.ends_at),
        "start": clock(event.starts_at),
        "end": clock(event.ends_at),
        "place": ", ".join(filter(None, (event.venue, event.city))),
        "address": event.address,
        "link": link or "",
        "contact": event.contact_email or "",
        "position": str(position or ""),
    }


def new_message(event: Event, recipient: str, subject: str) -> EmailMessage:
    """A mail about ``event``: in the name of its contact (or of the event), so that answers reach the contact."""
    return mail.new_message(
        recipient, subject, sender_name=event.contact_name or event.title, reply_to=event.contact_email
    )


def own_texts(event_id: int) -> dict[tuple[str, str], MailText]:
    """The texts the organisers wrote for an event, by kind and language."""
    texts = db.session.scalars(sa.select(MailText).where(MailText.event_id == event_id))
    return {(text.kind, text.locale): text for text in texts}


def default(kind: str, locale: str) -> tuple[str, str]:
    with speaking(locale):
        return str(KINDS[kind].subject), str(KINDS[kind].text)


def current(event_id: int, kind: str, locale: str) -> tuple[str, str]:
    """Subject and text of a kind of mail in one language, as it is sent now."""
    own = db.session.execute(_own_text(), {"event_id": event_id, "kind": kind, "locale": locale}).one_or_none()
    return (own.subject, own.body) if own else default(kind, locale)


@functools.cache
def _own_text() -> sa.Select[tuple[str, str]]:
    """Built once, as every mail to a registrant reads it (see ``database.table_of``)."""
    texts = table_of(MailText).c
    return sa.select(texts.subject, texts.body).where(
        texts.event_id == sa.bindparam("event_id"),
        texts.kind == sa.bindparam("kind"),
        texts.locale == sa.bindparam("locale"),
    )


def compose(registration: Registration, kind: str, link: str | None, position: int | None = None) -> tuple[str, str]:
    """Subject and opening text of a mail to ``registration``, in their language (inside ``force_locale``)."""
    locale = registration.locale if registration.locale in LOCALES else "de"
    subject, text = current(registration.event_id, kind, locale)
    values = values_for(registration, link, position)
    # The subject is one line, whatever a placeholder holds.
    return " ".join(fill(subject, values).split()), fill(text, values)


def preview(event: Event, kind: str, locale: str, subject: str, text: str) -> tuple[str, str]:
    """Subject and text as a sample registrant would receive them, before they are saved."""
    check(kind, subject, f"subject_{locale}")
    check(kind, text, f"text_{locale}")
    sample = Registration(
        event=event, first_name="Erika", last_name="Mustermann", locale=locale, status=RegistrationStatus.CONFIRMED
    )  # never added to the session
    own_link = KINDS[kind].sample_link if kind else None
    with speaking(locale):
        link = own_link(event) if own_link else absolute_url("registration.own_page", token="beispiel")
        values = values_for(sample, link, position=3)
    return " ".join(fill(subject, values).split()), fill(_normalised(text), values)


def _normalised(text: str) -> str:
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").strip().split("\n"))


def save(event_id: int, kind: str, texts: dict[str, tuple[str, str]], *, by: Actor | None) -> None:
    """Store subject and text per language; a text equal to the default is not stored, so it follows the default."""
    for locale, (subject, text) in texts.items():
        check(kind, subject, f"subject_{locale}")
        check(kind, text, f"text_{locale}")
    with row_locked(Event, event_id) as event:
        own = own_texts(event.id)
        changed = {}
        for locale, (subject, text) in texts.items():
            subject, text = " ".join(subject.split()), _normalised(text)
            stored = own.get((kind, locale))
            before = (stored.subject, stored.body) if stored else default(kind, locale)
            if (subject, text) == before:
                continue
            language = {"de": _("German"), "en": _("English")}[locale]
            changed[f"{_('Subject')} ({language})"], changed[f"{_('Text')} ({language})"] = (
                (before[0], subject),
                (before[1], text),
            )
            if (subject, text) == default(kind, locale):
                db.session.delete(stored)
            elif stored:
                stored.subject, stored.body = subject, text
            else:
                db.session.add(MailText(event_id=event.id, kind=kind, locale=locale, subject=subject, body=text))
        changed = {name: values for name, values in changed.items() if values[0] != values[1]}
        if changed:
            record(
                AuditAction.MAIL_TEXT_SAVED,
                str(KINDS[kind].label),
                event.id,
                changed_fields=list(changed),
                changed_values=changed,
                by=by,
            )


def reset(event_id: int, kind: str, *, by: Actor | None) -> bool:
    """Back to the default texts in every language; False when there was nothing of one's own."""
    with row_locked(Event, event_id) as event:
        own = [text for (text_kind, _locale), text in own_texts(event.id).items() if text_kind == kind]
        for text in own:
            db.session.delete(text)
        if own:
            record(AuditAction.MAIL_TEXT_RESET, str(KINDS[kind].label), event.id, by=by)
    return bool(own)
