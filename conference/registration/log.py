"""The log of changes: an event's, for its organisers, and every event's, for administrators.

A page at a time, newest first, filtered by who made a change, what kind of change it was and the person it was
about; that last filter searches registrants by name, which is why the log's pages live here, above registration.
The filters are read from the URL, so a filtered page can be kept and passed on; a value that makes no sense there
is left out, never answered with an error.
"""

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import sqlalchemy as sa
from flask import Blueprint, g, render_template, request, url_for
from sqlalchemy.orm import selectinload

from conference.accounts.models import User
from conference.audit import services as audit
from conference.audit.models import AuditAction, AuditEntry
from conference.events.forms import field_labels
from conference.events.models import Event
from conference.extensions import db
from conference.registration.models import Registration
from conference.registration.services import typed_search

blueprint = Blueprint("log", __name__, url_prefix="/manage")

PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    event: int | None = None  # in the whole log
    action: AuditAction | None = None
    who: int | str | None = None  # an account's id, audit.THE_PERSON or audit.NO_ACCOUNT
    person: str = ""  # a registrant's name or address, as typed

    @classmethod
    def from_url(cls, args) -> "Filters":
        who = args.get("who", "")
        return cls(
            event=_row_id(args.get("event", "")),
            action=AuditAction(args["action"]) if args.get("action") in AuditAction._value2member_map_ else None,
            who=who if who in (audit.THE_PERSON, audit.NO_ACCOUNT) else _row_id(who),
            person=" ".join(args.get("person", "").split())[:100],
        )

    def in_url(self) -> dict:
        """The filters chosen, for the links to other pages of the same selection."""
        return {name: value for name, value in asdict(self).items() if value not in (None, "")}


def _row_id(typed: str) -> int | None:
    return int(typed) if re.fullmatch(r"[1-9][0-9]{0,9}", typed) and int(typed) < 2**31 else None


def _page(event_id: int | None, filters: Filters):
    about = None
    if filters.person:
        about = sa.select(Registration.id).where(
            typed_search(filters.person, Registration.first_name + " " + Registration.last_name, Registration.email)
        )
        if event_id is not None:
            about = about.where(Registration.event_id == event_id)
    query = audit.entries(event_id, filters.action, filters.who, about).options(
        selectinload(AuditEntry.user), selectinload(AuditEntry.event)
    )
    number = min(max(request.args.get("page", 1, type=int), 1), 10**6)  # a typed 10**30 is no page
    page = db.paginate(query, page=number, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
    if page.pages and number > page.pages:  # past the end (fewer entries since, or typed): the last page
        page = db.paginate(query, page=page.pages, per_page=PAGE_SIZE, max_per_page=PAGE_SIZE, error_out=False)
    return page


def _render(event: Event | None, filters: Filters, accounts: Sequence[User], actions: list[AuditAction]) -> str:
    def page_url(number: int) -> str:
        return url_for(request.endpoint or "", **(request.view_args or {}), **filters.in_url(), page=number)

    return render_template(
        "registration/manage/log.html",
        event=event,
        page=_page(event.id if event else filters.event, filters),
        page_url=page_url,
        filters=filters,
        field_labels=field_labels(),
        accounts=accounts,
        actions=actions,
        events=[] if event else db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc())).all(),
    )


@blueprint.get("/events/<int:event_id>/log")
def of_event(event_id: int):
    """One event's log: who may organise it reads it."""
    event = g.event
    filters = replace(Filters.from_url(request.args), event=None)
    accounts = db.session.scalars(
        sa.select(User)
        .where(sa.exists().where(AuditEntry.user_id == User.id, AuditEntry.event_id == event.id))
        .order_by(User.name)
    ).all()
    logged = set(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.event_id == event.id).distinct()))
    return _render(
        event, filters, accounts, [action for action in AuditAction if action in logged or action == filters.action]
    )


@blueprint.get("/log")
def whole():
    """For administrators: every event's log in one, also of changes at no event (accounts)."""
    return _render(
        None,
        Filters.from_url(request.args),
        db.session.scalars(sa.select(User).order_by(User.name)).all(),
        list(AuditAction),
    )
