"""The log of changes made in the back office, written in the same unit of work as the change itself."""

from flask import has_request_context
from flask_login import current_user

from conference.audit.models import AuditAction, AuditEntry
from conference.database import write_transaction
from conference.extensions import db


def record(action: AuditAction, subject: str, event_id: int | None = None, registration_id: int | None = None,
           changed_fields: list[str] = ()) -> None:
    """Note a change, made by the logged-in user if there is one; called inside the ``write_transaction``
    of the change, it commits (or not) with it."""
    user_id = current_user.id if has_request_context() and current_user.is_authenticated else None
    with write_transaction():
        db.session.add(AuditEntry(user_id=user_id, event_id=event_id, registration_id=registration_id,
                                  action=action, subject=subject[:300], changed_fields=list(changed_fields)))


def entries(event_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ))
