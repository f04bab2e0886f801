"""Which organisations take part in which public events."""

from itertools import groupby

import sqlalchemy as sa

from conference.events.models import Event, EventPartner, PartnerRole
from conference.events.services import PUBLIC_STATUSES
from conference.extensions import db
from conference.organisations.models import Organisation, OrganisationKind


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
