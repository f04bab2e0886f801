"""What a registrant's secret link, or an event's public list, opens for a request: found, or "not found" (404);
and what the public form registers."""

from datetime import datetime
from typing import Any

from flask_babel import get_locale

from conference.events.models import Event
from conference.registration import services
from conference.registration.forms import RegistrationForm
from conference.registration.models import Registration
from conference.site import i18n
from conference.site.lookup import found


def registration_or_404(token: str) -> Registration:
    """The registration a secret link opens, whose pages speak the language it was made in; a wrong or dead
    link is simply not found."""
    registration = found(services.registration_for_token(token))
    i18n.prefer(registration.locale)
    return registration


def member_or_404(token: str, member_id: int) -> tuple[Registration, Registration]:
    """The registrant behind ``token`` and one of the colleagues they registered, still registered; else 404."""
    leader = registration_or_404(token)
    member = found(next((member for member in services.group_of(leader) if member.id == member_id), None))
    return leader, member


def registered_through(form: RegistrationForm, event: Event, now: datetime) -> dict[str, Any] | None:
    """Register what the public form (here, or in another site's frame) says, in the visitor's language. Returns
    the thanks to show: the same whether the address was new or registered already, as the link comes by mail and
    the page tells nobody which. None if refused (the reason is on the form)."""
    locale = get_locale().language
    applicant = form.applicant(locale)
    try:
        outcome = services.register(
            event.id, applicant, now, by=None, colleagues=form.colleague_applicants(locale), if_full=form.if_full()
        )
    except services.RegistrationError as error:
        form.add_error(error.message, error.field)
        return None
    return {
        "first_name": applicant.first_name,
        "email": applicant.email,
        "status": outcome.status_offered.value,
        "group": [{"name": member.full_name, "status": member.status.value} for member in outcome.group],
    }


def event_with_public_list_or_404(slug: str) -> Event:
    return found(services.event_with_public_list(slug))


def event_whose_list_is_shown_or_404(token: str) -> Event:
    registration = found(services.registration_shown_the_list(token))
    i18n.prefer(registration.locale)
    return registration.event
