from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import UTCDateTime, utcnow
from conference.extensions import db


class AuditEntry(db.Model):
    """One change made in the back office: who, when, what, at which event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # The registration the entry is about, so deleting a person's data finds every entry naming them.
    registration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("registration.id", ondelete="SET NULL"), index=True)
    action: Mapped[str] = mapped_column(sa.String(60))
    # What was changed, as the user saw it then ("Agenda item “Podium”"), so the log stays readable
    # after the thing itself is gone.
    subject: Mapped[str] = mapped_column(sa.String(300), default="")

    user: Mapped["User | None"] = relationship()  # noqa: F821 - resolved by name
