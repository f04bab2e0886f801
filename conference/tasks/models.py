from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import UTCDateTime, utcnow
from conference.extensions import db
from conference.tasks.lease import Leased


class Task(Leased, db.Model):
    """One piece of background work, retried with growing pauses until it succeeds or gives up.

    Periodic tasks (``every_seconds`` set) are one row each, queued again after every run;
    their ``name`` is unique through ``schedule_key``.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    arguments: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The event the work is for, so its organisers see when it failed.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    max_attempts: Mapped[int] = mapped_column(default=5)
    every_seconds: Mapped[int | None] = mapped_column()
    schedule_key: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped["Event | None"] = relationship()  # noqa: F821 - resolved by name
