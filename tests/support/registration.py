"""Registering people: through the public form as a visitor does, and directly as organisers do."""

import re

import sqlalchemy as sa

from conference.database import utcnow
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration
from tests.support import applicant


def form_data(page_html: str, **fields) -> dict:
    """The hidden fields of the rendered form plus a complete, valid set of answers."""
    hidden = dict(re.findall(r'<input[^>]*name="(csrf_token|submission_key)"[^>]*value="([^"]*)"', page_html))
    return (
        hidden
        | {
            "first_name": "Nadia",
            "last_name": "Haddad",
            "email": "nadia@example.org",
            "organisation": "AFZ Rostock",
            "function": "Beraterin",
            "privacy": "y",
        }
        | fields
    )


def submit(client, event, **fields):
    page = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    return client.post(f"/events/{event.slug}/register", data=form_data(page, **fields))


def registrations(event) -> list[Registration]:
    return list(
        db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id))
    )


def register(event, **fields) -> Registration:
    return services.register(event.id, applicant(**fields), utcnow(), by_organiser=True, by=None).registration
