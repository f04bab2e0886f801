"""iCalendar export (RFC 5545) of one event or of all public events."""

from collections.abc import Iterable
from datetime import datetime
from urllib.parse import urlsplit

import icalendar
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


def event_component(event: Event, stamp: datetime) -> icalendar.Event:
    page = absolute_url("events.detail", slug=event.slug)
    description = "\n\n".join(
        part
        for part in (
            event.subtitle,
            event.description,
            gettext("Agenda") + ":\n" + agenda_text(event) if event.agenda_items else "",
            page,
        )
        if part
    )
    component = icalendar.Event()
    component.add("uid", f"event-{event.id}@{urlsplit(page).hostname}")
    component.add("dtstamp", stamp)
    component.add("dtstart", event.starts_at)
    component.add("dtend", event.ends_at)
    component.add("summary", event.title)
    component.add("description", description)
    component.add("location", event.address)
    component.add("url", page)
    component.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    if event.contact_email:
        component.add("organizer", f"mailto:{event.contact_email}", parameters={"CN": event.contact_name or event.title})
    return component


def calendar(events: Iterable[Event], stamp: datetime, name: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODUCT_ID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    for event in events:
        cal.add_component(event_component(event, stamp))
    return cal.to_ical()
