"""The one lease of background work: a task row is *claimed* in one UPDATE whose condition is repeated in the
statement, so of two runners only one gets it; the claim *holds* until a time the runner pushes on while it works
(``still_working``); a task whose hold ran out was left by a process that died and is due again; a failure is
*released* to be tried again after a pause that grows with each attempt, until the task gives up.

Mail and documents keep plain records of their own (sent or not, the file made); the task that sends or makes
them holds the lease.
"""

from collections.abc import Callable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from conference.database import rows_changed, utcnow, write_transaction
from conference.extensions import db
from conference.rules import Refusal
from conference.tasks.models import Task, WorkStatus

HOLD = timedelta(minutes=5)  # a claim not pushed on for this long was left by a dead process

_held: ContextVar[int | None] = ContextVar("held_task", default=None)


def due() -> sa.ColumnElement[bool]:
    now = utcnow()
    return sa.or_(
        sa.and_(Task.status == WorkStatus.QUEUED, Task.due_at <= now),
        sa.and_(Task.status == WorkStatus.RUNNING, Task.held_until < now),
    )


def claim(task_id: int) -> bool:
    """Take the task if it is due; False if another runner has it (or it is not due)."""
    with write_transaction():
        taken = rows_changed(
            sa.update(Task)
            .where(Task.id == task_id, due())
            .values(status=WorkStatus.RUNNING, held_until=utcnow() + HOLD, attempts=Task.attempts + 1)
        )
    if taken:
        _held.set(task_id)
    return bool(taken)


def still_working() -> None:
    """The task being run goes on: hold it for ``HOLD`` more. Long work calls this as it progresses."""
    task_id = _held.get()
    if task_id is not None:
        with write_transaction():
            db.session.execute(sa.update(Task).where(Task.id == task_id).values(held_until=utcnow() + HOLD))


def release(
    task_id: int,
    error: Exception | None,
    max_attempts: int,
    backoff: Callable[[int], timedelta],
    again_after: timedelta | None = None,
) -> WorkStatus:
    """Done, or failed for good, or due again after ``backoff(attempts)``; work that repeats (``again_after``) is
    due again after that long whatever happened. Returns the new status."""
    _held.set(None)
    attempts = db.session.execute(sa.select(Task.attempts).where(Task.id == task_id)).scalar_one() if error else 0
    retry = error is not None and attempts < max_attempts
    # What organisers read on the task: a refusal's own words, else what broke.
    message = (
        "" if error is None else error.message if isinstance(error, Refusal) else f"{type(error).__name__}: {error}"
    )
    outcome: dict[str, Any] = {"held_until": None, "finished_at": utcnow()} | (
        {"last_error": message[:500]} if error else {}
    )
    if retry:
        outcome |= {"status": WorkStatus.QUEUED, "due_at": utcnow() + backoff(attempts)}
    elif again_after is not None:
        outcome |= {"status": WorkStatus.QUEUED, "due_at": utcnow() + again_after, "attempts": 0}
    else:
        outcome |= {"status": WorkStatus.FAILED if error else WorkStatus.DONE}
    if outcome["status"] == WorkStatus.DONE:  # arguments may be personal (an address typed at "forgot password")
        outcome["arguments"] = {}
    with write_transaction():
        db.session.execute(sa.update(Task).where(Task.id == task_id).values(**outcome))
    return outcome["status"]
