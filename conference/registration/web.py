"""What a registrant's secret link, or an event's public list, opens for a request: found, or "not found" (404)."""

from conference.events.models import Event
from conference.registration import services
from conference.registration.models import Registration
from conference.site import i18n
from conference.site.lookup import found


def registration_or_404(token: str) -> Registration:
    """The registration a secret link opens, whose pages speak the language it was made in; a wrong or dead
    link is simply not found."""
    registration = found(services.registration_for_token(token))
    i18n.prefer(registration.locale)
    return registration


def event_with_public_list_or_404(slug: str) -> Event:
    return found(services.event_with_public_list(slug))


def event_whose_list_is_shown_or_404(token: str) -> Event:
    registration = found(services.registration_shown_the_list(token))
    i18n.prefer(registration.locale)
    return registration.event
