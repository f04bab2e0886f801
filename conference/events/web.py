"""An event's public pages: the event a slug names, or "not found" (404)."""

from conference.events.models import Event
from conference.events.services import public_event
from conference.site.lookup import found


def public_event_or_404(slug: str) -> Event:
    return found(public_event(slug))
