"""The log of changes made in the back office, written in the same unit of work as the change itself."""

from datetime import datetime

from flask import has_request_context
from flask_babel import format_datetime, gettext
from flask_login import current_user

from conference.audit.models import AuditAction, AuditEntry
from conference.database import LabelledEnum, write_transaction
from conference.extensions import db


def record(action: AuditAction, subject: str, event_id: int | None = None, registration_id: int | None = None,
           changed_fields: list[str] = (), changed_values: dict[str, tuple] | None = None,
           by_registrant: bool = False) -> None:
    """Note a change, made by the logged-in user if there is one, or ``by_registrant`` through their link (an
    organiser trying a registrant's link is not taken for its owner); called inside the ``write_transaction``
    of the change, it commits (or not) with it."""
    user_id = current_user.id if has_request_context() and current_user.is_authenticated and not by_registrant else None
    with write_transaction():
        db.session.add(AuditEntry(user_id=user_id, by_registrant=by_registrant, event_id=event_id,
                                  registration_id=registration_id, action=action, subject=subject[:300],
                                  changed_fields=list(changed_fields),
                                  changed_values={name: [_shown(before), _shown(after)]
                                                  for name, (before, after) in (changed_values or {}).items()}))


def _shown(value) -> str:
    """A value as the log keeps it: as the person who changed it read it, at most 200 characters."""
    if value is None:
        return ""
    text = (format_datetime(value, "short") if isinstance(value, datetime)
            else str(value.label) if isinstance(value, LabelledEnum)
            else (gettext("Yes") if value else gettext("No")) if isinstance(value, bool) else str(value))
    return text if len(text) <= 200 else text[:199] + "…"


def entries(event_id: int | None = None, action: AuditAction | None = None, user_id: int | None = None):
    """The log, newest first: of one event, of one kind of change, by one account – or all of it."""
    query = db.select(AuditEntry).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    for column, wanted in ((AuditEntry.event_id, event_id), (AuditEntry.action, action), (AuditEntry.user_id, user_id)):
        if wanted is not None:
            query = query.where(column == wanted)
    return query
