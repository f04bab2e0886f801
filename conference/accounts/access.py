"""Who may do what in the back office: one table, checked once per request before any view runs.

Every back-office endpoint needs one action. An account's role grants actions everywhere
(administrators: all); an assignment to an event grants actions at that event only. Pages
outside the back office (the public site, and the registrant's and partners' pages behind their
secret links, which check the link themselves) need none: their blueprints are listed as open.
The check loads the event of ``/manage/events/<event_id>/…`` once and leaves it in ``g.event``.
Before it, a session left alone too long is ended.
"""

import enum
import time
from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask.sansio.blueprints import Blueprint as SansioBlueprint
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in

from conference.accounts.models import EventAssignment, EventRole, User, UserRole
from conference.events.models import Event
from conference.extensions import db, login_manager
from conference.organisations import signals as organisation_signals
from conference.organisations.models import Organisation


class Action(enum.StrEnum):
    BACK_OFFICE = "back_office"  # the start page of the back office
    CREATE_EVENT = "create_event"
    EDIT_PEOPLE = "edit_people"  # speakers and moderators (each one further: people/services.editable_by)
    # New organisations, and those the account added or that are partners of its events (each one further:
    # organisations/services.editable_by); the rest of the list, and merging, stays with administrators.
    EDIT_ORGANISATIONS = "edit_organisations"
    MANAGE_ORGANISATIONS = "manage_organisations"
    MANAGE_ACCOUNTS = "manage_accounts"
    READ_THE_WHOLE_LOG = "read_the_whole_log"  # the log of changes across every event
    # A network's figures over a period: further, only of the events one organises, all of them (may_see_figures_of).
    NETWORK_FIGURES = "network_figures"
    # Tokens for the API, which act only at the events their owner organises (api.services.allowed).
    API_TOKENS = "api_tokens"
    # Webhooks, which tell only of the events their owner organises (webhooks.services._listening).
    WEBHOOKS = "webhooks"
    ORGANISE = "organise"  # every page of one event's back office
    CHECK_IN = "check_in"  # the door of one event
    # Letting in at the door whom the list does not: the waiting list, those awaiting approval, walk-ins.
    ADMIT = "admit"


EVENT_ACTIONS = {Action.ORGANISE, Action.CHECK_IN, Action.ADMIT}
# What a role may do everywhere.
BY_ROLE = {
    UserRole.ADMINISTRATOR: set(Action),
    UserRole.ORGANISER: {
        Action.BACK_OFFICE,
        Action.CREATE_EVENT,
        Action.EDIT_PEOPLE,
        Action.EDIT_ORGANISATIONS,
        Action.NETWORK_FIGURES,
        Action.API_TOKENS,
        Action.WEBHOOKS,
    },
    UserRole.CHECK_IN: {Action.BACK_OFFICE},
}
# What an assignment lets its holder do at that event, and the most an account of each role can be given there.
AT_EVENT = {
    EventRole.ORGANISER: {Action.ORGANISE, Action.CHECK_IN, Action.ADMIT},
    EventRole.CHECK_IN: {Action.CHECK_IN},
}
# What it lets them do besides where the event's organisers allow it (Event.helpers_may_admit).
IF_THE_EVENT_ALLOWS = {EventRole.CHECK_IN: {Action.ADMIT}}
CEILING = {UserRole.ORGANISER: EVENT_ACTIONS, UserRole.CHECK_IN: {Action.CHECK_IN, Action.ADMIT}}

# The action each back-office blueprint needs, the endpoints that need another, and the blueprints open to anyone
# (the public site, log-in, and the pages behind a registrant's or partner's secret link). Filled by ``declare``
# from the blueprints the app registers (``conference/__init__.py``), so no blueprint is named here by hand.
BLUEPRINTS: dict[str, Action] = {}
ENDPOINTS: dict[str, Action] = {}
OPEN_BLUEPRINTS: set[str] = set()


def declare(
    open_to_anyone: Iterable[SansioBlueprint],  # also those an extension makes (the API's OpenAPI document)
    back_office: dict[Blueprint, Action],
    exceptions: dict[tuple[Blueprint, str], Action],
) -> None:
    """Who may open the pages of each blueprint; ``exceptions`` are views (by blueprint and view name) that need
    another action than the rest of their blueprint."""
    OPEN_BLUEPRINTS.update(blueprint.name for blueprint in open_to_anyone)
    BLUEPRINTS.update({blueprint.name: action for blueprint, action in back_office.items()})
    ENDPOINTS.update({f"{blueprint.name}.{view}": action for (blueprint, view), action in exceptions.items()})


def required(endpoint: str | None) -> Action | None:
    """The action an endpoint needs; None for open pages; KeyError for an endpoint nobody declared."""
    if endpoint is None or endpoint == "static":
        return None
    if endpoint in ENDPOINTS:
        return ENDPOINTS[endpoint]
    blueprint = endpoint.rpartition(".")[0]
    if blueprint in OPEN_BLUEPRINTS:
        return None
    return BLUEPRINTS[blueprint]


def event_role(user: User, event: Event) -> EventRole | None:
    """The account's role at the event; asked once per request (a page's navigation asks for each of its links)."""
    roles = g.setdefault("event_roles", {}) if has_request_context() else {}
    if (user.id, event.id) not in roles:
        roles[user.id, event.id] = db.session.scalar(
            db.select(EventAssignment.role).where(
                EventAssignment.user_id == user.id, EventAssignment.event_id == event.id
            )
        )
    return roles[user.id, event.id]


def _ask_roles_at(user: User, event_ids: list[int]) -> None:
    """Ask once for the account's roles at many events, which ``event_role`` then knows for this request."""
    if not has_request_context() or not event_ids:
        return
    found = dict(
        db.session.execute(
            sa.select(EventAssignment.event_id, EventAssignment.role).where(
                EventAssignment.user_id == user.id, EventAssignment.event_id.in_(event_ids)
            )
        ).all()
    )
    roles = g.setdefault("event_roles", {})
    for event_id in event_ids:
        roles[user.id, event_id] = found.get(event_id)


def may(user, action: Action, event: Event | None = None) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if action in BY_ROLE[user.role]:
        return True
    if action not in EVENT_ACTIONS or event is None:
        return False
    role = event_role(user, event)
    if role is None:  # no assignment at this event
        return False
    granted = AT_EVENT.get(role, set()) | (IF_THE_EVENT_ALLOWS.get(role, set()) if event.helpers_may_admit else set())
    return action in granted & CEILING.get(user.role, set())


def organisations_kept_by(user, organisations: Sequence[Organisation]) -> list[Organisation]:
    """Those of ``organisations`` the account may change, in a few queries however many. Administrators keep every
    organisation. An organiser keeps one that only their own events show (as partner, network, presenter or a
    speaker's), and, while no event shows it, one they added: a change of theirs never changes another organiser's
    pages. One another organiser added is never theirs, even when only their events show it: using someone's
    organisation does not take it over."""
    if user.is_administrator:
        return list(organisations)
    candidates = [organisation for organisation in organisations if organisation.created_by_id in (None, user.id)]
    shown = organisation_signals.events_showing_each([organisation.id for organisation in candidates])
    events = db.session.scalars(sa.select(Event).where(Event.id.in_(set().union(*shown.values())))).all()
    _ask_roles_at(user, [event.id for event in events])
    organised = {event.id for event in events if may(user, Action.ORGANISE, event)}
    return [
        organisation
        for organisation in candidates
        if (shown[organisation.id] <= organised if shown[organisation.id] else organisation.created_by_id == user.id)
    ]


def may_see_figures_of(user, events: Sequence[Event]) -> bool:
    """Figures across several events (a network's over a period, which the page reads from its query): for
    administrators, and for organisers only if they organise every one of the events."""
    if not may(user, Action.NETWORK_FIGURES):
        return False
    _ask_roles_at(user, [event.id for event in events])
    return all(may(user, Action.ORGANISE, event) for event in events)


def may_edit_organisation(user, organisation: Organisation) -> bool:
    return bool(organisations_kept_by(user, [organisation]))


def end_idle_session() -> None:
    """A session left alone for SESSION_IDLE_MINUTES ends: the next request asks to log in again."""
    if "_user_id" not in session:
        return
    now = int(time.time())
    if now - session.get("seen", 0) > current_app.config["SESSION_IDLE_MINUTES"] * 60:  # (no time: ended)
        logout_user()
        session.clear()
        flash(_("You were logged out after a while without activity. Please log in again."), "error")
    elif now - session.get("seen", 0) > 60:  # the cookie is written again at most once a minute
        session["seen"] = now


def mark_seen(_app, **_extra) -> None:
    session["seen"] = int(time.time())


def may_open(endpoint: str) -> bool:
    """Whether the logged-in user may open a page of the event being worked on (``g.event``)."""
    action = required(endpoint)
    return action is not None and may(current_user, action, g.get("event"))


def init(app: Flask) -> None:
    # Pages offer only what the user may do.
    app.jinja_env.globals.update(may=may, may_open=may_open, organisations_kept_by=organisations_kept_by, Action=Action)
    user_logged_in.connect(mark_seen, app)  # a session's idle time counts from its log-in
    app.before_request(end_idle_session)

    @app.after_request
    def keep_back_office_private(response):
        # Back-office pages show personal data: no browser or proxy keeps a copy.
        if request.path.startswith("/manage/"):  # every back-office page and file (tests/test_access.py)
            response.headers["Cache-Control"] = "no-store"
        return response

    @app.before_request
    def check_access():
        try:
            action = required(request.endpoint)
        except KeyError:
            abort(403)  # undeclared: nobody (tests/test_access.py fails on it first)
        if action is None:
            return None
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if (
            current_user.two_factor_required
            and not current_user.has_two_factor
            and request.endpoint != "accounts_manage.own_two_factor"
        ):
            flash(_("Your account needs two-factor log-in: please set it up first."), "error")
            return redirect(url_for("accounts_manage.own_two_factor"))
        event_id = (request.view_args or {}).get("event_id")
        g.event = db.session.get(Event, event_id) if event_id is not None else None
        if event_id is not None and g.event is None:
            abort(404)
        if (action in EVENT_ACTIONS and g.event is None) or not may(current_user, action, g.event):
            abort(403)
        organisation_id = (request.view_args or {}).get("organisation_id")
        if organisation_id is not None:  # an organisation is kept by administrators, and further (see above)
            organisation = db.session.get(Organisation, organisation_id) or abort(404)
            if not may_edit_organisation(current_user, organisation):
                abort(403)
        return None
