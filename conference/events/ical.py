"""iCalendar (RFC 5545) of one event or of all public events, and the entry in a registrant's mails (iTIP, RFC 5546)."""

from collections.abc import Iterable
from datetime import datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from flask import current_app
from flask_babel import gettext

from conference.events.models import Event
from conference.site.filters import time_range
from conference.site.urls import absolute_url

PRODUCT_ID = "-//conference//Fachtagungen//DE"


def agenda_text(event: Event) -> str:
    """The agenda as plain lines ("9.30 – 10.00 Uhr  Begrüßung (Saal)"), for calendar descriptions."""
    lines = []
    for item in event.agenda_items:
        room = f" ({item.room.name})" if item.room else ""
        lines.append(f"{time_range(item.starts_at, item.ends_at)}  {item.title}{room}")
    return "\n".join(lines)


def event_component(
    event: Event, stamp: datetime, entry: str = "", status: str = "", online: tuple[str, str] | None = None
) -> icalendar.Event:
    """The event as a calendar entry: the public one, or the entry named ``entry`` (its UID, with the site's host)
    with a ``status`` of its own; with ``online`` (a participant's link and access code) it is where they take
    part."""
    page = absolute_url("events.detail", slug=event.slug)
    access = ""
    if online:
        url, code = online
        access = f"{gettext('Online link')}: {url}" + (f"\n{gettext('Access code')}: {code}" if code else "")
    description = "\n\n".join(
        part
        for part in (
            access,
            event.subtitle,
            event.description,
            gettext("Agenda") + ":\n" + agenda_text(event) if event.agenda_items else "",
            page,
        )
        if part
    )
    component = icalendar.Event()
    component.add("uid", f"{entry or f'event-{event.id}'}@{urlsplit(page).hostname}")
    component.add("dtstamp", stamp)
    component.add("dtstart", event.starts_at)
    component.add("dtend", event.ends_at)
    component.add("summary", event.title)
    component.add("description", description)
    component.add("location", online[0] if online else event.address)
    component.add("url", online[0] if online else page)
    component.add("status", status or ("CANCELLED" if event.is_cancelled else "CONFIRMED"))
    if event.contact_email:
        component.add(
            "organizer", f"mailto:{event.contact_email}", parameters={"CN": event.contact_name or event.title}
        )
    return component


def calendar(events: Iterable[Event], stamp: datetime, name: str) -> bytes:
    return _calendar([event_component(event, stamp) for event in events], name)


def invitation(
    event: Event,
    stamp: datetime,
    entry: str,
    sequence: int,
    method: str,
    status: str,
    attendee: tuple[str, str],
    online: tuple[str, str] | None = None,
) -> bytes:
    """One person's own entry of ``event``, named ``entry``: METHOD:REQUEST adds it to their calendar or updates it,
    METHOD:CANCEL takes it out; calendar programs apply the message with the highest ``sequence``. ``attendee``:
    their address and name (they are not asked to answer: they registered); ``online``: their way in."""
    component = event_component(event, stamp, entry, status, online)
    component.add("sequence", sequence)
    if "ORGANIZER" not in component:  # iTIP needs one: the server's address, in the event's name
        sender = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])[1]
        component.add("organizer", f"mailto:{sender}", parameters={"CN": event.title})
    address, name = attendee
    answer = {"CONFIRMED": {"PARTSTAT": "ACCEPTED"}, "TENTATIVE": {"PARTSTAT": "TENTATIVE"}}.get(status, {})
    component.add(
        "attendee", f"mailto:{address}", parameters={"CN": name, "ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE", **answer}
    )
    return _calendar([component], event.title, method)


def personal(event: Event, stamp: datetime, entry: str, status: str, online: tuple[str, str] | None) -> bytes:
    """A registrant's own entry to download from their page (named ``entry`` as in their mails)."""
    return _calendar([event_component(event, stamp, entry, status, online)], event.title)


def _calendar(components: list[icalendar.Event], name: str, method: str = "") -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    cal.add("x-wr-calname", name)
    for component in components:
        cal.add_component(component)
    return cal.to_ical()
