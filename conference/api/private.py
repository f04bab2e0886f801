"""The API with an organiser's token: an event's registrations, and checking people in at its door."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.api import schemas, services
from conference.api.models import ApiToken, TokenScope
from conference.api.web import ApiBlueprint, authorization, keep_token, kept_token, paged, refused
from conference.check_in import services as door
from conference.database import utcnow
from conference.events.models import Event
from conference.extensions import db
from conference.limits.web import enforce
from conference.registration.models import BY_NAME, Registration
from conference.registration.services import as_data

private = ApiBlueprint(
    "api_private", __name__, url_prefix="/api/v1", description="With an organiser's token (Authorization: Bearer …)."
)
WITH_TOKEN: dict[str, list[dict[str, list[str]]]] = {"security": [{"token": []}]}


@private.before_request
def token_first() -> None:
    """The token is checked before anything else of the request (its parameters, its body), and counted: a valid
    one against its own limit, so that public traffic from the same address never holds up a door's scanner; a
    refused one against its address's, so that tokens cannot be guessed."""
    try:
        token = services.authenticated(authorization(), utcnow())
    except services.TokenRefused as refusal:
        enforce("api-token-refused")
        refused(401, refusal.message)
    enforce("api-token", f"token-{token.id}")
    keep_token(token)


@private.after_request
def kept_by_nobody(response):
    response.headers["Cache-Control"] = "no-store"  # names, addresses, check-in codes
    return response


def event_for(slug: str, scope: TokenScope, what: str) -> tuple[ApiToken, Event, datetime]:
    """The request's token, the event it asks about, and now; 404 for an event the token's owner does not organise
    (whether it exists is none of its business), 403 for a scope the token lacks."""
    now, token = utcnow(), kept_token()
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None or not services.organised_by(token, event):
        refused(404, _("You organise no event “%(slug)s”.", slug=slug[:100]))
    try:
        services.allowed(token, scope, event, what, now)
    except services.NotAllowed as refusal:
        refused(403, refusal.message)
    return token, event, now


@private.route("/events/<slug>/registrations")
@private.arguments(schemas.PageQuery, location="query", as_kwargs=True)
@private.response(200, schemas.RegistrationPage)
@private.alt_response(401, description="No valid token.")
@private.alt_response(403, description="The token may not read registrations.")
@private.alt_response(404, description="No event of the token's owner has this slug, or a page past the last.")
@private.doc(**WITH_TOKEN)
def list_registrations(slug: str, page: int, per_page: int):
    """The event's registrations, by name, with their answers (scope registrations:read)."""
    _token, event, _now = event_for(slug, TokenScope.READ_REGISTRATIONS, _("registrations read"))
    query = sa.select(Registration).where(Registration.event_id == event.id).order_by(*BY_NAME)
    found, figures = paged(query, page, per_page)
    return {"registrations": [as_data(registration) for registration in found], **figures}


@private.route("/events/<slug>/registrations/<int:registration_id>")
@private.response(200, schemas.RegistrationDetails)
@private.alt_response(401, description="No valid token.")
@private.alt_response(403, description="The token may not read registrations.")
@private.alt_response(404, description="No such event of the token's owner, or no such registration.")
@private.doc(**WITH_TOKEN)
def get_registration(slug: str, registration_id: int):
    """One registration of the event, with its answers (scope registrations:read)."""
    _token, event, _now = event_for(
        slug, TokenScope.READ_REGISTRATIONS, _("registration %(id)s read", id=registration_id)
    )
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        refused(404, _("This event has no registration %(id)s.", id=registration_id))
    return as_data(registration)


@private.route("/events/<slug>/check-in", methods=["POST"])
@private.arguments(schemas.Scan, location="json", as_kwargs=True)
@private.response(200, schemas.CheckIn)
@private.alt_response(401, description="No valid token.")
@private.alt_response(403, description="The token may not check people in.")
@private.alt_response(404, description="No event of the token's owner has this slug.")
@private.alt_response(409, description="The door is not open (before it opens or after the event).")
@private.doc(**WITH_TOKEN)
def check_in(slug: str, code: str):
    """Check someone in by their code, by the door's rules: admitted, or refused with the door's reason (scope
    check-in)."""
    token, event, now = event_for(slug, TokenScope.CHECK_IN, _("check-in"))
    try:
        outcome = door.check_in(event, door.Scan(code), now, by=token.user)
    except door.DoorClosed as closed:
        refused(409, closed.message)
    registration = outcome.registration if outcome.registration and outcome.registration.event_id == event.id else None
    return {
        "admitted": outcome.admitted,
        "repeated": outcome.repeated,
        "message": outcome.message,
        "registration": registration.id if registration else None,
        "name": registration.full_name if registration else None,
    }
