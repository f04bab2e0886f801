"""The mail a registrant receives about their registration, in the language they registered in."""

import functools
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import render_template
from sqlalchemy import orm

from conference.database import row_locked, utcnow
from conference.events import ical
from conference.events.models import Event, EventStatus
from conference.extensions import db
from conference.mail import services as mail
from conference.registration import mail_texts
from conference.registration.models import Registration, RegistrationStatus
from conference.registration.services import (
    CANCELLING,
    group_of,
    link_token,
    online_access,
    place_on_waiting_list,
    queue_mail,
    registrant_address,
)
from conference.site import qr
from conference.site.i18n import speaking
from conference.site.urls import absolute_url
from conference.tasks import services as tasks


@mail.builder("registration")
def build(context: dict[str, Any]) -> EmailMessage:
    return compose(
        db.session.execute(_loading(), {"registration_id": context["registration_id"]}).scalar_one(),
        context["reason"],
        context.get("forum_dropped", False),
        sequence=context.get("sequence"),
        group_not_added=context.get("group_not_added", False),
        with_group=context.get("with_group", False),
        to_registrant=context.get("to_registrant", False),
    )


@functools.cache
def _loading() -> sa.Select[Registration]:
    """The registration with its event and who registered it (every mail reads both), in a statement built once
    (see ``database.table_of``)."""
    return (
        sa.select(Registration)
        .where(Registration.id == sa.bindparam("registration_id"))
        .options(orm.joinedload(Registration.event), orm.joinedload(Registration.registered_by))
    )


def compose(
    registration: Registration,
    reason: str,
    forum_dropped: bool = False,
    position: int | None = None,
    sequence: int | None = None,
    group_not_added: bool = False,
    with_group: bool = False,
    to_registrant: bool = False,
):
    """The mail about ``registration`` for ``reason``, in its language; ``position`` stands in for a sample's place,
    ``sequence`` numbers the calendar entry it carries (None: it carries none; see ``services.queue_mail``);
    ``group_not_added``: the form sent again named colleagues, who were not registered with it; ``with_group``: the
    confirmation names the colleagues registered with this registration; ``to_registrant``: it goes to who registered
    this colleague without an address of their own."""
    with speaking(registration.locale):
        link = absolute_url("registration.own_page", token=link_token(registration)) if registration.is_active else None
        kind = mail_texts.kind_of(reason, registration.status)
        subject, text = mail_texts.compose(registration, kind, link, position or place_on_waiting_list(registration))
        page = {
            "registration": registration,
            "event": registration.event,
            "text": text,
            "forum_dropped": forum_dropped,
            "group_not_added": group_not_added,
            # Who registered this person, and whom they registered (named in the confirmation).
            "registered_by": registration.registered_by
            if registration.registered_by is not None and registration.registered_by.anonymised_at is None
            else None,
            "group": group_of(registration) if with_group else [],
            # Moved up or restored into a registration the organisers still have to confirm.
            "awaiting_approval": reason in ("promoted", "restored")
            and registration.status == RegistrationStatus.PENDING,
            "link": link,
            "show_details": registration.is_active and not registration.event.is_cancelled,
            "forums": [choice.agenda_item for choice in registration.forum_choices],
        }
        page["show_code"] = (
            page["show_details"] and registration.status == RegistrationStatus.CONFIRMED and not registration.online
        )  # (online participants do not come to the door: their mail gives the link instead)
        online = page["online"] = online_access(registration)
        page["to_registrant"] = to_registrant
        recipient = registrant_address(registration) if to_registrant else registration.address
        if recipient is None:
            raise ValueError(f"nobody to tell of registration {registration.id}")
        message = mail_texts.new_message(registration.event, recipient, subject)
        message.set_content(render_template("registration/mail/notification.txt", **page))
        message.add_alternative(render_template("registration/mail/notification.html", **page), subtype="html")
        if page["show_code"]:
            _text, html = message.iter_parts()
            html.add_related(qr.png(registration.check_in_code), "image", "png", cid="<check-in-code>")
        # The person's own entry (one UID per registration), as things stand when the mail is built; a place given up
        # since the mail was queued gets no new entry.
        method = "CANCEL" if reason in CANCELLING else "REQUEST"
        if sequence is not None and (method == "CANCEL" or page["show_details"]):
            confirmed = registration.status == RegistrationStatus.CONFIRMED
            status = "CANCELLED" if method == "CANCEL" else "CONFIRMED" if confirmed else "TENTATIVE"
            entry = ical.invitation(
                registration.event,
                utcnow(),
                f"registration-{registration.id}",
                sequence,
                method,
                status,
                (registration.address, registration.full_name),
                online,
            )
            # The method tells mail programs what the entry does; without the charset they read umlauts as ASCII.
            message.add_attachment(
                entry,
                maintype="text",
                subtype="calendar",
                filename="event.ics",
                params={"method": method, "charset": "utf-8"},
            )
    return message


REMIND_BEFORE = timedelta(days=2)


@tasks.handler("registration.send_reminders", every=timedelta(minutes=15))
def send_reminders() -> int:
    """Remind everyone confirmed of events starting within two days, once per event; returns how many events."""
    now = utcnow()
    due = db.session.scalars(
        sa.select(Event.id).where(
            Event.status == EventStatus.PUBLISHED,
            Event.reminder_sent_at.is_(None),
            Event.starts_at > now,
            Event.starts_at <= now + REMIND_BEFORE,
        )
    ).all()
    for event_id in due:
        with row_locked(Event, event_id) as event:
            if event.reminder_sent_at is not None:
                continue  # another runner was quicker
            event.reminder_sent_at = now
            batch = f"reminder-{event.id}"
            confirmed = db.session.scalars(
                sa.select(Registration).where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.CONFIRMED,
                    Registration.email.is_not(None),
                )
            ).all()
            for registration in confirmed:
                queue_mail(registration, "reminder", batch)
            mail.send_batch_later(batch, event.id)
    return len(due)
