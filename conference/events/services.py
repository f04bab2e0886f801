"""Queries behind the public event pages."""

from datetime import datetime
from itertools import groupby

import sqlalchemy as sa
from flask import abort

from conference.events.models import Event, EventPartner, EventStatus, PartnerRole
from conference.extensions import db
from conference.organisations.models import Organisation, OrganisationKind

PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


def public_events() -> sa.Select:
    return sa.select(Event).where(Event.status.in_(PUBLIC_STATUSES))


def involving(organisation: Organisation) -> sa.ColumnElement[bool]:
    """Events of the organisation's network or where it (or one of its projects) has any role."""
    organisation_ids = [organisation.id, *(child.id for child in organisation.children)]
    takes_part = sa.select(EventPartner.id).where(
        EventPartner.event_id == Event.id, EventPartner.organisation_id.in_(organisation_ids)
    )
    return sa.or_(Event.network_id == organisation.id, takes_part.exists())


def upcoming_and_past(now: datetime, organisation: Organisation | None = None) -> tuple[list[Event], list[Event]]:
    """Public events that have not ended yet (soonest first) and those that have (latest first)."""
    query = public_events()
    if organisation is not None:
        query = query.where(involving(organisation))
    upcoming = db.session.scalars(query.where(Event.ends_at > now).order_by(Event.starts_at)).all()
    past = db.session.scalars(query.where(Event.ends_at <= now).order_by(Event.starts_at.desc())).all()
    return list(upcoming), list(past)


def organisers_for_filter() -> list[Organisation]:
    """Networks and organisers of public events: the choices of the home page's filter."""
    organises = sa.select(EventPartner.organisation_id).join(Event).where(
        Event.status.in_(PUBLIC_STATUSES), EventPartner.role == PartnerRole.ORGANISER
    )
    is_network = sa.select(Event.network_id).where(Event.status.in_(PUBLIC_STATUSES))
    query = (
        sa.select(Organisation)
        .where(sa.or_(Organisation.id.in_(organises), Organisation.id.in_(is_network)))
        .order_by(Organisation.name)
    )
    return list(db.session.scalars(query))


def public_event_or_404(slug: str) -> Event:
    event = db.session.scalar(public_events().where(Event.slug == slug))
    if event is None:
        abort(404)
    return event


def taking_part_by_kind() -> list[tuple[OrganisationKind, list[Organisation]]]:
    """Organisations with a role at a public event, grouped by kind in the order of the kinds."""
    query = (
        sa.select(Organisation)
        .join(EventPartner)
        .join(Event)
        .where(Event.status.in_(PUBLIC_STATUSES))
        .distinct()
    )
    organisations = sorted(db.session.scalars(query), key=lambda org: (list(OrganisationKind).index(org.kind), org.name.casefold()))
    return [(kind, list(members)) for kind, members in groupby(organisations, key=lambda org: org.kind)]


def public_roles(organisation: Organisation) -> list[tuple[Event, list[PartnerRole]]]:
    """The public events the organisation takes part in, latest first, with its roles at each."""
    by_event: dict[int, tuple[Event, list[PartnerRole]]] = {}
    for partner in organisation.event_roles:
        if partner.event.is_public:
            by_event.setdefault(partner.event.id, (partner.event, []))[1].append(partner.role)
    return sorted(by_event.values(), key=lambda entry: entry[0].starts_at, reverse=True)
