"""Queue, claim and run tasks; retries with exponential backoff; periodic duties.

``enqueue`` writes a task row into the caller's transaction, so the work exists exactly when the
change that asked for it was committed. After the commit the task is handed on (``dispatch``):

* ``TASK_RUNNER = "inline"`` (tests): run at once, in the caller's thread;
* ``"thread"`` (default): a background thread of this process runs it, and polls for due tasks;
* ``"worker"``: left to ``flask --app conference worker``, which polls, or is woken through Redis
  when ``REDIS_URL`` is set (``pip install conference[redis]``).

Every runner runs a task through the same ``run``: it claims the task's lease (``tasks/lease.py``) first,
so two runners never run it at once, and a task whose runner died is taken over once its hold runs out.
"""

import functools
import logging
import os
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel.speaklater import LazyString
from werkzeug.local import LocalProxy

from conference.database import after_commit, rows_changed, utcnow, write_transaction
from conference.extensions import db
from conference.tasks import lease
from conference.tasks.models import Task, WorkStatus

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[..., object]] = {}  # what one returns (a periodic duty's count) is not used
PERIODIC: dict[str, timedelta] = {}
LABELS: dict[str, LazyString] = {}  # what organisers see of a task that failed, by name
GAVE_UP: dict[str, Callable[..., None]] = {}  # called with a task's arguments when it failed for good
POLL_SECONDS = 2
WAKE_KEY = "conference:tasks"  # the Redis list a worker waits on

Handler = TypeVar("Handler", bound=Callable[..., object])


def handler(
    name: str,
    every: timedelta | None = None,
    label: LazyString | None = None,
    gave_up: Callable[..., None] | None = None,
) -> Callable[[Handler], Handler]:
    """Register the function that does task ``name``; with ``every``, it also runs periodically;
    ``label`` names it for organisers when it failed for good, when ``gave_up`` is called with its arguments."""

    def register(function: Handler) -> Handler:
        HANDLERS[name] = function
        if every:
            PERIODIC[name] = every
        if label:
            LABELS[name] = label
        if gave_up:
            GAVE_UP[name] = gave_up
        return function

    return register


def backoff(attempts: int) -> timedelta:
    """The pause before attempt ``attempts + 1``: 30 s, 2 min, 8 min, 32 min, …"""
    return timedelta(seconds=30 * 4 ** (attempts - 1))


def enqueue(name: str, *, event_id: int | None = None, max_attempts: int = 5, **arguments: Any) -> Task:
    """Add a task to the caller's ``write_transaction``; it is dispatched once that commits."""
    if name not in HANDLERS:
        raise KeyError(f"no task handler {name!r}")
    task = Task(name=name, arguments=arguments, event_id=event_id, max_attempts=max_attempts, due_at=utcnow())
    db.session.add(task)  # stored with the caller's next flush; its id is read once that has committed
    after_commit(lambda: dispatch(task.id))
    return task


def waiting(name: str) -> Task | None:
    """The newest task ``name`` that is due and no runner has taken or tried yet, locked until the caller's
    transaction ends (PostgreSQL; one another transaction holds is passed over, SQLite's write lock covers it): work
    of the same kind may join it rather than wait for a task of its own."""
    return db.session.scalar(_finding_waiting(), {"name": name, "now": utcnow()})


@functools.cache
def _finding_waiting() -> sa.Select[Task]:
    """Built once, as every request that queues a mail asks (see ``database.table_of``)."""
    return (
        sa.select(Task)
        .where(
            Task.name == sa.bindparam("name"),
            Task.status == WorkStatus.QUEUED,
            Task.attempts == 0,
            Task.every_seconds.is_(None),
            Task.due_at <= sa.bindparam("now", type_=Task.due_at.type),
        )
        .order_by(Task.id.desc())
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def dispatch(task_id: int, delay: timedelta | None = None) -> None:
    runner = current_app.config["TASK_RUNNER"]
    if runner == "inline":
        if delay is None:
            run(task_id)
    elif runner == "thread":
        embedded_runner(cast(LocalProxy[Flask], current_app)._get_current_object()).wake()
    elif current_app.config.get("REDIS_URL") and delay is None:
        _wake_workers()


def _wake_workers() -> None:
    """Tell a waiting ``flask worker`` there is work. Without Redis it finds the task at its next poll anyway."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        with Redis.from_url(current_app.config["REDIS_URL"], socket_timeout=1) as redis:
            redis.rpush(WAKE_KEY, 1)
            redis.ltrim(WAKE_KEY, -10, -1)  # a few wake-ups are enough, however many tasks came
    except RedisError:
        log.warning("Redis unavailable: the worker finds the task at its next poll")


def run(task_id: int) -> bool:
    """Run a task if it is due and nobody else runs it; False if it was not free to take."""
    if not lease.claim(task_id):
        return False
    task = db.session.get_one(Task, task_id, populate_existing=True)  # as the claim left it
    try:
        HANDLERS[task.name](**task.arguments)
    except Exception as error:
        db.session.rollback()
        log.exception("task %s (%s) failed, attempt %s of %s", task.id, task.name, task.attempts, task.max_attempts)
        _finish(task, error)
    else:
        _finish(task, None)
    return True


def _finish(task: Task, error: Exception | None) -> None:
    every = timedelta(seconds=task.every_seconds) if task.every_seconds else None  # periodic: runs again
    status = lease.release(task.id, error, task.max_attempts, backoff, again_after=every)
    if status == WorkStatus.QUEUED:
        dispatch(task.id, db.session.execute(sa.select(Task.due_at).where(Task.id == task.id)).scalar_one() - utcnow())
    elif status == WorkStatus.FAILED and task.name in GAVE_UP:
        GAVE_UP[task.name](**task.arguments)


# Finished work is kept a while for the record, failed work for organisers to start it again; then it goes.
KEEP_DONE, KEEP_FAILED = timedelta(days=1), timedelta(days=7)


@handler("tasks.forget_finished", every=timedelta(hours=1))
def forget_finished() -> int:
    """Delete tasks done a day ago and tasks that failed a week ago (with their arguments); returns how many."""
    now = utcnow()
    with write_transaction():
        return rows_changed(
            sa.delete(Task).where(
                Task.every_seconds.is_(None),
                sa.or_(
                    sa.and_(Task.status == WorkStatus.DONE, Task.finished_at < now - KEEP_DONE),
                    sa.and_(Task.status == WorkStatus.FAILED, Task.finished_at < now - KEEP_FAILED),
                ),
            )
        )


def run_due(limit: int = 20) -> int:
    """Run tasks that are due (and those left by dead processes); returns how many ran."""
    ids = db.session.scalars(sa.select(Task.id).where(lease.due()).order_by(Task.due_at).limit(limit)).all()
    db.session.commit()
    return sum(run(task_id) for task_id in ids)


def ensure_schedule() -> None:
    """Create the row of every periodic task that has none yet (safe to call from many processes)."""
    existing = set(db.session.scalars(sa.select(Task.schedule_key).where(Task.schedule_key.is_not(None))))
    for name, every in PERIODIC.items():
        if name in existing:
            continue
        try:
            with write_transaction():
                db.session.add(
                    Task(
                        name=name,
                        schedule_key=name,
                        every_seconds=int(every.total_seconds()),
                        due_at=utcnow(),
                        max_attempts=3,
                    )
                )
        except sa.exc.IntegrityError:
            pass  # another process created it at the same moment


def retry(task: Task) -> bool:
    """An organiser asks for a failed task to be tried again; False if it had not failed (or was retried already)."""
    with write_transaction():
        retried = rows_changed(
            sa.update(Task)
            .where(Task.id == task.id, Task.status == WorkStatus.FAILED)
            .values(status=WorkStatus.QUEUED, due_at=utcnow(), attempts=0)
        )
    if retried:
        dispatch(task.id)
    return bool(retried)


def failed_for_event(event_id: int) -> list[Task]:
    return list(
        db.session.scalars(
            sa.select(Task).where(Task.event_id == event_id, Task.status == WorkStatus.FAILED).order_by(Task.id.desc())
        )
    )


def label_of(task: Task) -> str:
    return str(LABELS.get(task.name, task.name))


def work(wait: Callable[[float], bool]) -> int:
    """The loop of every runner (the web process's thread and ``flask worker``): run what is due until nothing
    is, then ``wait(POLL_SECONDS)``, until that returns False. A failure (the database restarting) is logged once
    and tried again at every poll. Returns how many tasks ran."""
    ran, failing = 0, False
    ensure_schedule()
    while True:
        try:
            while count := run_due():
                ran += count
            if failing:
                log.warning("task runner works again")
                failing = False
        except Exception:
            if not failing:
                log.exception("task runner cannot work; trying again every %s s", POLL_SECONDS)
            failing = True
        finally:
            db.session.remove()
        if not wait(POLL_SECONDS):
            return ran


class EmbeddedRunner:
    """A daemon thread per web process: runs tasks as soon as they are dispatched, and polls for
    due ones (retries, periodic duties, tasks of other processes)."""

    def __init__(self, app: Flask):
        self.app = app
        self.woken = threading.Event()
        self.stopped = False
        self.thread = threading.Thread(target=self._loop, name="tasks", daemon=True)
        self.thread.start()

    def wake(self) -> None:
        self.woken.set()

    def stop(self) -> None:
        self.stopped = True
        self.wake()
        self.thread.join()

    def _wait(self, seconds: float) -> bool:
        self.woken.wait(seconds)
        self.woken.clear()
        return not self.stopped

    def _loop(self) -> None:
        with self.app.app_context():
            work(self._wait)


_runners: dict[tuple[int, int], EmbeddedRunner] = {}
_runners_lock = threading.Lock()


def embedded_runner(app: Flask) -> EmbeddedRunner:
    # Keyed by process too: a runner's thread does not survive gunicorn's fork.
    key = (os.getpid(), id(app))
    with _runners_lock:
        if key not in _runners:
            _runners[key] = EmbeddedRunner(app)
        return _runners[key]


def init(app: Flask) -> None:
    if app.config["TASK_RUNNER"] == "thread":

        @app.before_request
        def start_runner() -> None:
            embedded_runner(app)  # started with the first request of each process, then a lookup
