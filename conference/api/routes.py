"""The public read-only JSON API (flask-smorest): what the public pages show, for the networks' own websites.

Every answer can be cached by its ETag, is readable from any origin (CORS for GET), and counts against the
``api`` rate limit of the client. Wrong parameters, an unknown network or a page past the last are answered
with a JSON error (site.errors answers in JSON under /api/).
"""

import flask_smorest
import sqlalchemy as sa
from flask import Blueprint, Flask, Response, render_template, request
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from conference.agenda.models import AppearanceRole
from conference.api import schemas
from conference.api.private import private
from conference.api.web import ApiBlueprint, paged, refused
from conference.database import utcnow
from conference.events import services as events
from conference.events.models import Event, RegistrationState
from conference.extensions import csrf, db
from conference.limits.web import enforce
from conference.organisations.models import Organisation, OrganisationKind
from conference.registration.models import SEAT_HOLDING, Registration
from conference.site.lookup import found
from conference.site.urls import absolute_url

blueprint = ApiBlueprint("api", __name__, url_prefix="/api/v1", description="Public events, read only.")
reference = Blueprint("api_reference", __name__)


@blueprint.before_request
def count_against_the_limit() -> None:
    enforce("api")


def organisation(organisation: Organisation) -> dict:
    return {
        "slug": organisation.slug,
        "name": organisation.name,
        "short_name": organisation.short_name,
        "kind": organisation.kind.value,
        "city": organisation.city,
        "website": organisation.website,
        "url": absolute_url("events.organisation", slug=organisation.slug),
    }


def registration(event: Event, taken: dict[bool, int]) -> dict:
    """Where the event's registration stands, ``taken`` of its places taken (in the room: False, online: True)."""
    state = event.registration_state(utcnow())
    full = state != RegistrationState.NONE and all(
        (capacity := event.capacity_for(online)) is not None and taken.get(online, 0) >= capacity
        for online in event.modes
    )
    shown = (
        "cancelled"
        if event.is_cancelled
        else "waiting_list"
        if state == RegistrationState.OPEN and full
        else state.value
    )
    return {
        "state": shown,
        "full": full,
        "opens_at": event.registration_opens_at,
        "closes_at": event.registration_closes_at or (event.starts_at if event.registration_opens_at else None),
        "url": absolute_url("registration.register", slug=event.slug) if state == RegistrationState.OPEN else None,
    }


def seats_taken_at(event_ids: list[int]) -> dict[int, dict[bool, int]]:
    """The places taken at each event, in the room and online, in one query."""
    taken: dict[int, dict[bool, int]] = {event_id: {} for event_id in event_ids}
    for event_id, online, count in db.session.execute(
        sa.select(Registration.event_id, Registration.online, sa.func.count())
        .where(Registration.event_id.in_(event_ids), Registration.status.in_(SEAT_HOLDING))
        .group_by(Registration.event_id, Registration.online)
    ):
        taken[event_id][online] = count
    return taken


def summary(event: Event, taken: dict[bool, int]) -> dict:
    return {
        "slug": event.slug,
        "title": event.title,
        "subtitle": event.subtitle,
        "kind": event.kind.value,
        "attendance_mode": event.attendance_mode.value,  # (the online link is for those confirmed online only)
        "cancelled": event.is_cancelled,
        "starts_at": event.starts_at,
        "ends_at": event.ends_at,
        "venue": event.venue,
        "address": event.address,
        "city": event.city,
        "network": organisation(event.network) if event.network else None,
        "registration": registration(event, taken),
        "url": absolute_url("events.detail", slug=event.slug),
    }


def person(person) -> dict:
    return {
        "name": person.name,
        "academic_title": person.academic_title,
        "function": person.function,
        "organisation": person.organisation.name if person.organisation else None,
    }


def detail(event: Event) -> dict:
    return summary(event, seats_taken_at([event.id])[event.id]) | {
        "description": event.description,
        "agenda": [
            {
                "starts_at": item.starts_at,
                "ends_at": item.ends_at,
                "kind": item.kind.value,
                "title": item.title,
                "description": item.description,
                "room": item.room.name if item.room else None,
                "attendance_mode": item.attendance_mode.value if item.attendance_mode else None,
                "project": item.project_name,
                "organisation": item.presenting_organisation.name if item.presenting_organisation else None,
                "speakers": [person(p) for p in item.people_in_role(AppearanceRole.SPEAKER)],
                "moderators": [person(p) for p in item.people_in_role(AppearanceRole.MODERATOR)],
            }
            for item in event.agenda_items
        ],
        "partners": [
            {"role": partner.role.value, "organisation": organisation(partner.organisation)}
            for partner in sorted(event.partners, key=lambda partner: partner.position)
        ],
    }


def _by_slug(slug: str, kind: OrganisationKind | None = None) -> Organisation | None:
    query = sa.select(Organisation).where(Organisation.slug == slug)
    return db.session.scalar(query if kind is None else query.where(Organisation.kind == kind))


@blueprint.route("/events")
@blueprint.etag
@blueprint.arguments(schemas.EventQuery, location="query", as_kwargs=True)
@blueprint.response(200, schemas.EventPage)
@blueprint.alt_response(404, description="The page asked for is past the last.")
def list_events(page: int, per_page: int, when: str, network: str | None = None, organisation: str | None = None):
    """Public events, filtered by network or organisation, upcoming (soonest first), past (latest first) or all."""
    query = events.public_events()
    now = utcnow()
    if network is not None:
        chosen = _by_slug(network, OrganisationKind.NETWORK)
        if chosen is None:
            refused(400, _("There is no network “%(slug)s”.", slug=network[:100]))
        query = query.where(Event.network_id == chosen.id)
    if organisation is not None:
        chosen = _by_slug(organisation)
        if chosen is None:
            refused(400, _("There is no organisation “%(slug)s”.", slug=organisation[:100]))
        query = query.where(events.involving(chosen))
    if when == "upcoming":
        query = query.where(Event.ends_at > now).order_by(Event.starts_at, Event.id)
    elif when == "past":
        query = query.where(Event.ends_at <= now).order_by(Event.starts_at.desc(), Event.id)
    else:
        query = query.order_by(Event.starts_at, Event.id)
    found, figures = paged(query.options(selectinload(Event.network)), page, per_page)
    taken = seats_taken_at([event.id for event in found])
    return {"events": [summary(event, taken[event.id]) for event in found], **figures}


@blueprint.route("/events/<slug>")
@blueprint.etag
@blueprint.response(200, schemas.Event)
@blueprint.alt_response(404, description="No public event has this slug.")
def get_event(slug: str):
    """One public event with its agenda, speakers, partners by role and where its registration stands."""
    event = db.session.scalar(events.public_events().where(Event.slug == slug))
    if event is None:
        refused(404, _("There is no public event “%(slug)s”.", slug=slug[:100]))
    return detail(event)


@blueprint.route("/networks")
@blueprint.etag
@blueprint.response(200, schemas.OrganisationList)
def list_networks():
    """The networks, by name."""
    networks = db.session.scalars(
        sa.select(Organisation).where(Organisation.kind == OrganisationKind.NETWORK).order_by(Organisation.name)
    )
    return {"organisations": [organisation(network) for network in networks]}


@blueprint.route("/organisations")
@blueprint.etag
@blueprint.response(200, schemas.OrganisationList)
def list_organisations():
    """The organisations with a role at a public event, by kind and name."""
    return {
        "organisations": [organisation(member) for _kind, members in events.taking_part_by_kind() for member in members]
    }


@reference.get("/api/v1/")
def page():
    """The API described for people, from the same OpenAPI document programs read."""
    return render_template("api/reference.html", spec=found(api.spec).to_dict())


api = flask_smorest.Api()
PUBLIC = ("api", "api-docs")  # the blueprints of the public answers and of the OpenAPI document


def readable_from_other_sites(response: Response) -> Response:
    """Any site's scripts may read the public API (CORS for GET), also asking with the ETag they kept; the OpenAPI
    document gets an ETag of its own."""
    if request.blueprint not in PUBLIC:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method == "OPTIONS":  # a browser asking first, because of If-None-Match
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match"
        response.headers["Access-Control-Max-Age"] = "86400"
    elif request.blueprint == "api-docs" and response.status_code == 200:
        response.add_etag()
        response.make_conditional(request)
    return response


def init(app: Flask) -> None:
    """The API and its OpenAPI document at /api/v1/openapi.json, built from the views and schemas above."""
    app.config.update(
        API_TITLE="conference",
        API_VERSION="1",
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX="/api/v1",
        OPENAPI_JSON_PATH="openapi.json",
        API_SPEC_OPTIONS={
            "info": {
                "description": "Public conferences and events of the networks: read only, no personal data. "
                "Every answer carries an ETag; send it back as If-None-Match to get 304 when nothing changed."
            }
        },
    )
    api.init_app(app)
    app.after_request(readable_from_other_sites)
    api.spec.components.security_scheme("token", {"type": "http", "scheme": "bearer", "bearerFormat": "cft_…"})
    api.register_blueprint(blueprint)
    api.register_blueprint(private)
    csrf.exempt(private)  # a token in a header, never a cookie, authorises its requests
