"""What happened to one registration, for its page in the back office: the log's entries about it and the mails
that went to the person, newest first."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from conference.audit import services as audit
from conference.audit.models import AuditEntry
from conference.extensions import db
from conference.mail.models import OutgoingMail
from conference.registration.mail_texts import KINDS
from conference.registration.models import Registration
from conference.registration.services import listed
from conference.tasks.models import WorkStatus

SHOWN = 100  # the page stays short however often a link is used; the log has everything


@dataclass(frozen=True)
class Line:
    at: datetime
    entry: AuditEntry | None = None
    mail: OutgoingMail | None = None


def of(registration: Registration) -> tuple[list[Line], bool]:
    """The latest lines, and whether there are older ones."""
    entries = db.session.scalars(
        audit.entries(registration_ids=[registration.id]).options(selectinload(AuditEntry.user)).limit(SHOWN + 1)
    )
    mails = db.session.scalars(
        sa.select(OutgoingMail)
        .where(listed([registration.id]))
        .order_by(OutgoingMail.created_at.desc(), OutgoingMail.id.desc())
        .limit(SHOWN + 1)
    )
    lines = sorted(
        [Line(entry.at, entry=entry) for entry in entries] + [Line(mail.created_at, mail=mail) for mail in mails],
        key=lambda line: line.at,
        reverse=True,
    )
    return lines[:SHOWN], len(lines) > SHOWN


# A mail by the name its text has on the page of mail texts; the mail of the status at registering is the confirmation.
MAIL_KINDS = {reason: kind.label for reason, kind in KINDS.items()} | {
    "registered": KINDS["confirmed"].label,
    "bulk": _l("Message to registrants"),
}
MAIL_STATUSES = {WorkStatus.DONE: _l("sent"), WorkStatus.QUEUED: _l("being sent")}


def mail_kind(mail: OutgoingMail) -> str:
    return str(MAIL_KINDS.get(mail.context.get("reason", mail.builder), mail.builder))


def mail_status(mail: OutgoingMail) -> str:
    return str(MAIL_STATUSES.get(mail.status, mail.status.label))
