from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow
from conference.extensions import Model

if TYPE_CHECKING:  # the other ends of relationships, named in quotes
    from conference.events.models import Event


class WorkStatus(LabelledEnum):
    QUEUED = "queued", _l("waiting")
    RUNNING = "running", _l("in progress")
    DONE = "done", _l("done")
    FAILED = "failed", _l("failed")


BUSY = (WorkStatus.QUEUED, WorkStatus.RUNNING)


class Task(Model):
    """One piece of background work, retried with growing pauses until it succeeds or gives up; the only row that
    holds a lease (``tasks/lease.py``).

    Periodic tasks (``every_seconds`` set) are one row each, queued again after every run;
    their ``name`` is unique through ``schedule_key``.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    arguments: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    # The event the work is for, so its organisers see when it failed.
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    max_attempts: Mapped[int] = mapped_column(default=5)
    every_seconds: Mapped[int | None] = mapped_column()
    schedule_key: Mapped[str | None] = mapped_column(sa.String(60), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The lease.
    status: Mapped[WorkStatus] = mapped_column(str_enum(WorkStatus), default=WorkStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # A running task whose hold has run out was left by a process that died; it is due again.
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")

    event: Mapped["Event | None"] = relationship()
