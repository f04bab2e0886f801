from flask_babel import lazy_gettext as _l
from flask_login import current_user

from conference.audit.models import AuditEntry
from conference.database import write_transaction
from conference.extensions import db

# The actions the back office records, with the words the log shows.
ACTIONS = {
    "event.created": _l("Event created"), "event.changed": _l("Event changed"), "event.status": _l("Event status changed"),
    "event.duplicated": _l("Event duplicated"), "partner.added": _l("Partner added"), "partner.removed": _l("Partner removed"),
    "agenda.saved": _l("Agenda item saved"), "agenda.deleted": _l("Agenda item deleted"), "agenda.room": _l("Room changed"),
    "registration.added": _l("Registration added"), "registration.changed": _l("Registration changed"), "registration.approve": _l("Registration approved"),
    "registration.reject": _l("Registration rejected"), "registration.cancel": _l("Registration cancelled"),
    "registration.promote": _l("Moved up from the waiting list"), "registration.checked_in": _l("Checked in"), "registration.check_in_undone": _l("Check-in undone"),
    "registration.mail": _l("Message sent"), "registration.deleted": _l("Personal data deleted on request"), "person.saved": _l("Person saved"), "organisation.saved": _l("Organisation saved"),
    "account.invited": _l("Account created"), "account.changed": _l("Account changed"),
    "account.assigned": _l("Account assigned to the event"), "account.unassigned": _l("Account removed from the event"),
}


def record(action: str, subject: str, event_id: int | None = None, registration_id: int | None = None) -> None:
    """Note a change made by the logged-in user (about a registration: name it, for deleting the person's data)."""
    with write_transaction():
        db.session.add(AuditEntry(user_id=current_user.id, event_id=event_id, registration_id=registration_id, action=action,
                                  subject=subject[:300]))


def entries(event_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.event_id == event_id).order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    ))
