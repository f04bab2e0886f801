"""Atom and RSS feeds of upcoming public events (feedgen), for the whole site or one organisation or network."""

from collections.abc import Iterable
from datetime import datetime

from feedgen.feed import FeedGenerator
from flask_babel import format_date, get_locale

from conference.events.models import Event
from conference.site.filters import time_range
from conference.site.urls import absolute_url


def feed(
    events: Iterable[Event], title: str, author: str, page: str, self_url: str, updated: datetime
) -> FeedGenerator:
    """A feed named ``title`` of ``page`` (the HTML page it follows), published by ``author``, found at ``self_url``."""
    generator = FeedGenerator()
    generator.id(self_url)
    generator.title(title)
    generator.link(href=page, rel="alternate")
    generator.link(href=self_url, rel="self")
    generator.description(title)  # RSS requires one
    generator.language(str(get_locale()))
    generator.author({"name": author})  # Atom asks for one: who publishes the events
    generator.updated(updated)
    for event in events:
        entry = generator.add_entry(order="append")
        url = absolute_url("events.detail", slug=event.slug)
        entry.id(url)
        entry.link(href=url)
        when = f"{format_date(event.starts_at, 'full')}, {time_range(event.starts_at, event.ends_at)}"
        entry.title(f"{event.title} ({format_date(event.starts_at, 'medium')})")
        entry.summary("\n\n".join(part for part in (when, event.address, event.subtitle, event.description) if part))
        entry.updated(event.updated_at)
        entry.published(event.created_at)
    return generator
