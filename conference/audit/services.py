"""The log of changes made in the back office, written in the same unit of work as the change itself."""

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from flask_babel import format_datetime, gettext

from conference.audit.models import AuditAction, AuditEntry
from conference.database import LabelledEnum, write_transaction
from conference.extensions import db


class Actor(Protocol):
    """Who acts: a user account (the audit log sits below the accounts, so it names only what it needs)."""

    id: int


def record(
    action: AuditAction,
    subject: str,
    event_id: int | None = None,
    registration_id: int | None = None,
    changed_fields: Sequence[str] = (),
    changed_values: Mapping[str, tuple[object, object]] | None = None,
    *,
    by: Actor | None,
    by_registrant: bool = False,
) -> None:
    """Note a change, made ``by`` a user (None: by the application itself), or ``by_registrant`` through their
    link (an organiser trying a registrant's link is not taken for its owner); called inside the
    ``write_transaction`` of the change, it commits (or not) with it."""
    with write_transaction():
        db.session.add(
            AuditEntry(
                user_id=by.id if by is not None and not by_registrant else None,
                by_registrant=by_registrant,
                event_id=event_id,
                registration_id=registration_id,
                action=action,
                subject=subject[:300],
                changed_fields=list(changed_fields),
                changed_values={
                    name: [_shown(before), _shown(after)] for name, (before, after) in (changed_values or {}).items()
                },
            )
        )


def _shown(value: object) -> str:
    """A value as the log keeps it: as the person who changed it read it, at most 200 characters."""
    if value is None:
        return ""
    text = (
        format_datetime(value, "short")
        if isinstance(value, datetime)
        else str(value.label)
        if isinstance(value, LabelledEnum)
        else (gettext("Yes") if value else gettext("No"))
        if isinstance(value, bool)
        else str(value)
    )
    return text if len(text) <= 200 else text[:199] + "…"


# Who made a change without an account: the registrant through their link, or the system (or an account deleted since).
THE_PERSON, NO_ACCOUNT = "person", "system"


def entries(
    event_id: int | None = None,
    action: AuditAction | None = None,
    who: int | str | None = None,
    registration_ids: Iterable[int] | sa.Select[int] | None = None,
) -> sa.Select[AuditEntry]:
    """The log, newest first: of one event, of one kind of change, by one account (an id, THE_PERSON or NO_ACCOUNT),
    about some registrations (their ids, or a select of them) – or all of it."""
    query = sa.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    for column, wanted in ((AuditEntry.event_id, event_id), (AuditEntry.action, action)):
        if wanted is not None:
            query = query.where(column == wanted)
    if who == THE_PERSON:
        query = query.where(AuditEntry.by_registrant.is_(True))
    elif who == NO_ACCOUNT:
        query = query.where(AuditEntry.user_id.is_(None), AuditEntry.by_registrant.is_(False))
    elif who is not None:
        query = query.where(AuditEntry.user_id == who)
    if registration_ids is not None:
        query = query.where(AuditEntry.registration_id.in_(registration_ids))
    return query
