"""The mail a registrant receives about their registration, in the language they registered in."""

from datetime import timedelta

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext as _

from conference.database import row_locked, utcnow
from conference.events import ical
from conference.events.models import Event, EventStatus
from conference.extensions import db
from conference.mail import services as mail
from conference.registration.models import Registration, RegistrationStatus
from conference.registration.services import forum_slots, link_token, place_on_waiting_list
from conference.site import qr
from conference.site.urls import absolute_url
from conference.tasks import services as tasks


def headline(reason: str, registration: Registration) -> tuple[str, str]:
    """Subject and first paragraph of the mail for this reason and the registration's status."""
    title, status = registration.event.title, registration.status
    if reason == "registered" and status == RegistrationStatus.WAITLISTED:
        return (_("Waiting list: %(title)s", title=title),
                _("The event is fully booked, so you are on the waiting list at position %(position)s. "
                  "We will write to you as soon as a place becomes free.", position=place_on_waiting_list(registration)))
    if reason == "registered" and status == RegistrationStatus.PENDING:
        return (_("Registration received: %(title)s", title=title),
                _("Thank you for registering. The organisers confirm each registration; we will write to you "
                  "as soon as they have decided."))
    if reason in ("registered", "approved"):
        return (_("Registration confirmed: %(title)s", title=title),
                _("Thank you for registering. Your place is confirmed.") if reason == "registered"
                else _("The organisers have confirmed your registration. Your place is reserved."))
    if reason == "promoted":
        return (_("A place has become free: %(title)s", title=title),
                _("Good news: a place has become free and you have moved up from the waiting list.")
                + (" " + _("Your registration now awaits the organisers' confirmation.") if status == RegistrationStatus.PENDING else ""))
    if reason == "restored":
        return (_("Your registration is valid again: %(title)s", title=title),
                _("The organisers have undone the cancellation of your registration. Your place is reserved.") if status != RegistrationStatus.PENDING
                else _("The organisers are looking at your registration again; we will write to you as soon as they have decided."))
    if reason == "rejected":
        return (_("Registration not accepted: %(title)s", title=title),
                _("We are sorry: the organisers could not accept your registration for this event."))
    if reason == "event_cancelled":
        return (_("Event cancelled: %(title)s", title=title),
                _("We are sorry: the event has been cancelled. Your registration is void; there is nothing more "
                  "you need to do."))
    if reason == "reminder":
        return (_("Reminder: %(title)s", title=title),
                _("We look forward to seeing you soon. Here once more are the details, your check-in code and the "
                  "link to your registration, should your plans have changed."))
    if reason == "cancelled":
        return (_("Registration cancelled: %(title)s", title=title),
                _("Your registration has been cancelled. Thank you for letting us know."))
    return (_("Your registration: %(title)s", title=title),
            _("You asked for the link to your registration, or tried to register again with this address. "
              "You are already registered; the link below opens your registration."))


@mail.builder("registration")
def build(context: dict):
    registration = db.session.get(Registration, context["registration_id"])
    with force_locale(registration.locale):
        subject, intro = headline(context["reason"], registration)
        page = {
            "registration": registration,
            "event": registration.event,
            "intro": intro,
            "forum_dropped": context.get("forum_dropped", False),
            "link": absolute_url("registration.own_page", token=link_token(registration)) if registration.is_active else None,
            "show_details": registration.is_active and not registration.event.is_cancelled,
            "forums": [choice.agenda_item for choice in registration.forum_choices],
            "has_forums": bool(forum_slots(registration.event)),
        }
        page["show_code"] = page["show_details"] and registration.status == RegistrationStatus.CONFIRMED
        message = mail.new_message(registration.email, subject)
        message.set_content(render_template("registration/mail/notification.txt", **page))
        message.add_alternative(render_template("registration/mail/notification.html", **page), subtype="html")
        if page["show_code"]:
            message.get_payload()[1].add_related(qr.png(registration.check_in_code), "image", "png", cid="<check-in-code>")
        if page["show_details"]:
            calendar = ical.calendar([registration.event], utcnow(), registration.event.title)
            message.add_attachment(calendar, maintype="text", subtype="calendar", filename="event.ics")
    return message


REMIND_BEFORE = timedelta(days=2)


@tasks.handler("registration.send_reminders", every=timedelta(minutes=15))
def send_reminders() -> int:
    """Remind everyone confirmed of events starting within two days, once per event; returns how many events."""
    now = utcnow()
    due = db.session.scalars(sa.select(Event.id).where(
        Event.status == EventStatus.PUBLISHED, Event.reminder_sent_at.is_(None),
        Event.starts_at > now, Event.starts_at <= now + REMIND_BEFORE)).all()
    for event_id in due:
        with row_locked(Event, event_id) as event:
            if event.reminder_sent_at is not None:
                continue  # another runner was quicker
            event.reminder_sent_at = now
            batch = f"reminder-{event.id}"
            confirmed = db.session.scalars(sa.select(Registration).where(
                Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED,
                Registration.email.is_not(None))).all()
            for registration in confirmed:
                mail.queue_later("registration", registration.email, batch, reason="reminder",
                                 registration_id=registration.id)
            mail.send_batch_later(batch, event.id)
    return len(due)
