"""One lease for all background work – tasks, outgoing mail, document jobs.

A row is *claimed* in one UPDATE whose condition is repeated in the statement, so of two runners
only one gets it; the claim *holds* until a time the worker pushes on while it works (heartbeat);
a row whose hold ran out was left by a process that died and is due again; a failure is *released*
to be tried again after a pause that grows with each attempt, until the row gives up.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from conference.database import LabelledEnum, UTCDateTime, str_enum, utcnow, write_transaction
from conference.extensions import db
from conference.rules import Refusal


class WorkStatus(LabelledEnum):
    QUEUED = "queued", _l("waiting")
    RUNNING = "running", _l("in progress")
    DONE = "done", _l("done")
    FAILED = "failed", _l("failed")


BUSY = (WorkStatus.QUEUED, WorkStatus.RUNNING)


class Leased:
    """The columns of the lease, shared by every kind of background work."""

    status: Mapped[WorkStatus] = mapped_column(str_enum(WorkStatus), default=WorkStatus.QUEUED, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # A running row whose hold has run out was left by a process that died; it is due again.
    held_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(500), default="")


def due(model) -> sa.ColumnElement[bool]:
    now = utcnow()
    return sa.or_(sa.and_(model.status == WorkStatus.QUEUED, model.due_at <= now),
                  sa.and_(model.status == WorkStatus.RUNNING, model.held_until < now))


def claim(model, *where, hold: timedelta) -> list[int]:
    """Take the due rows that match ``where``; returns their ids (none that another runner took)."""
    with write_transaction():
        return list(db.session.scalars(
            sa.update(model).where(due(model), *where)
            .values(status=WorkStatus.RUNNING, held_until=utcnow() + hold, attempts=model.attempts + 1)
            .returning(model.id)))


def heartbeat(model, row_id: int, hold: timedelta, **values) -> None:
    """Still at it: hold the row for ``hold`` more (and note progress in ``values``)."""
    with write_transaction():
        db.session.execute(sa.update(model).where(model.id == row_id).values(held_until=utcnow() + hold, **values))


def done(model, row_ids: list[int], **values) -> None:
    """Rows finished without error, released in one statement."""
    if row_ids:
        with write_transaction():
            db.session.execute(sa.update(model).where(model.id.in_(row_ids))
                               .values(status=WorkStatus.DONE, held_until=None, **values))


def release(model, row_id: int, error: Exception | None, max_attempts: int,
            backoff: Callable[[int], timedelta], again_after: timedelta | None = None, **values) -> WorkStatus:
    """Done, or failed for good, or due again after ``backoff(attempts)``; work that repeats
    (``again_after``) is due again after that long whatever happened. Returns the new status."""
    attempts = db.session.scalar(sa.select(model.attempts).where(model.id == row_id)) if error else 0
    retry = error is not None and attempts < max_attempts
    # What organisers read on the task or job: a refusal's own words, else what broke.
    message = "" if error is None else error.message if isinstance(error, Refusal) else f"{type(error).__name__}: {error}"
    outcome = {"held_until": None} | ({"last_error": message[:500]} if error else {})
    if retry:
        outcome |= {"status": WorkStatus.QUEUED, "due_at": utcnow() + backoff(attempts)}
    elif again_after is not None:
        outcome |= {"status": WorkStatus.QUEUED, "due_at": utcnow() + again_after, "attempts": 0}
    else:
        outcome |= {"status": WorkStatus.FAILED if error else WorkStatus.DONE}
    with write_transaction():
        db.session.execute(sa.update(model).where(model.id == row_id).values(**outcome, **values))
    return outcome["status"]
