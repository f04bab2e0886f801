"""Queue, claim and run tasks; retries with exponential backoff; periodic duties.

``enqueue`` writes a task row into the caller's transaction, so the work exists exactly when the
change that asked for it was committed. After the commit the task is handed on (``dispatch``):

* ``TASK_RUNNER = "inline"`` (tests): run at once, in the caller's thread;
* ``"thread"`` (default): a background thread of this process runs it, and polls for due tasks;
* ``"worker"``: left to ``flask --app conference worker``; with ``REDIS_URL`` it is pushed to RQ.

Whatever runs a task first claims its lease (``tasks/lease.py``), so two runners never run it twice.
"""

import logging
import os
import queue
import threading
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, current_app

from conference.database import after_commit, utcnow, write_transaction
from conference.extensions import db
from conference.tasks import lease
from conference.tasks.models import Task

log = logging.getLogger(__name__)

HANDLERS: dict[str, Callable[..., None]] = {}
PERIODIC: dict[str, timedelta] = {}
LABELS: dict[str, str] = {}  # what organisers see of a task that failed, by name
CLAIM_FOR = timedelta(minutes=15)  # longer than any task takes; a claim older than this was left by a dead process
POLL_SECONDS = 2
QUEUE_NAME = "conference"


def handler(name: str, every: timedelta | None = None, label=None):
    """Register the function that does task ``name``; with ``every``, it also runs periodically;
    ``label`` names it for organisers when it failed for good."""

    def register(function: Callable[..., None]):
        HANDLERS[name] = function
        if every:
            PERIODIC[name] = every
        if label:
            LABELS[name] = label
        return function

    return register


def backoff(attempts: int) -> timedelta:
    """The pause before attempt ``attempts + 1``: 30 s, 2 min, 8 min, 32 min, …"""
    return timedelta(seconds=30 * 4 ** (attempts - 1))


def enqueue(name: str, *, event_id: int | None = None, max_attempts: int = 5, **arguments) -> Task:
    """Add a task to the caller's ``write_transaction``; it is dispatched once that commits."""
    if name not in HANDLERS:
        raise KeyError(f"no task handler {name!r}")
    task = Task(name=name, arguments=arguments, event_id=event_id, max_attempts=max_attempts, due_at=utcnow())
    db.session.add(task)
    db.session.flush()
    after_commit(lambda: dispatch(task.id))
    return task


def dispatch(task_id: int, delay: timedelta | None = None) -> None:
    runner = current_app.config["TASK_RUNNER"]
    if runner == "inline":
        if delay is None:
            run(task_id)
    elif runner == "thread":
        embedded_runner(current_app._get_current_object()).wake()
    elif current_app.config.get("REDIS_URL"):
        _push(run, task_id, delay=delay)


def call_soon(name: str, **arguments) -> None:
    """Run a handler outside the request without a task row, for work whose own rows make it
    durable (a queued mail): if this is lost with its process, a periodic task picks the work up."""
    runner = current_app.config["TASK_RUNNER"]
    if runner == "inline":
        call(name, arguments)
    elif runner == "thread":
        embedded_runner(current_app._get_current_object()).call_soon(name, arguments)
    elif current_app.config.get("REDIS_URL"):
        _push(call, name, arguments)
    else:  # a worker that polls the database: give it a row to find
        with write_transaction():
            enqueue(name, max_attempts=1, **arguments)


def call(name: str, arguments: dict) -> None:
    """What RQ runs for ``call_soon``."""
    HANDLERS[name](**arguments)


def _push(function, *arguments, delay: timedelta | None = None) -> None:
    """Hand work to RQ. If Redis is away the change that asked for it still stands: the database
    sweep of ``flask worker`` (or the mail's expired claim) brings the work back."""
    from redis.exceptions import RedisError

    try:
        if delay is None:
            redis_queue().enqueue(function, *arguments)
        else:
            redis_queue().enqueue_in(delay, function, *arguments)
    except RedisError:
        log.warning("Redis unavailable: %s left for the database sweep", function.__name__)


def redis_queue():
    from redis import Redis
    from rq import Queue

    return Queue(QUEUE_NAME, connection=Redis.from_url(current_app.config["REDIS_URL"]))


def run(task_id: int) -> bool:
    """Run a task if it is due and nobody else runs it; False if it was not free to take."""
    if not lease.claim(Task, Task.id == task_id, hold=CLAIM_FOR):
        return False
    task = db.session.get(Task, task_id)
    db.session.refresh(task)
    try:
        HANDLERS[task.name](**task.arguments)
    except Exception as error:  # noqa: BLE001 - recorded on the task, retried, shown to organisers
        db.session.rollback()
        log.exception("task %s (%s) failed, attempt %s of %s", task.id, task.name, task.attempts, task.max_attempts)
        _finish(task, error)
    else:
        _finish(task, None)
    return True


def _finish(task: Task, error: Exception | None) -> None:
    every = timedelta(seconds=task.every_seconds) if task.every_seconds else None  # periodic: runs again
    status = lease.release(Task, task.id, error, task.max_attempts, backoff, again_after=every, finished_at=utcnow())
    if status == lease.WorkStatus.QUEUED:
        dispatch(task.id, db.session.scalar(sa.select(Task.due_at).where(Task.id == task.id)) - utcnow())
    elif status == lease.WorkStatus.DONE:  # arguments may be personal (an address typed at "forgot password")
        with write_transaction():
            db.session.execute(sa.update(Task).where(Task.id == task.id).values(arguments={}))


# Finished work is kept a while for the record, failed work for organisers to start it again; then it goes.
KEEP_DONE, KEEP_FAILED = timedelta(days=1), timedelta(days=7)


@handler("tasks.forget_finished", every=timedelta(hours=1))
def forget_finished() -> int:
    """Delete tasks done a day ago and tasks that failed a week ago (with their arguments); returns how many."""
    now = utcnow()
    with write_transaction():
        return db.session.execute(sa.delete(Task).where(Task.every_seconds.is_(None), sa.or_(
            sa.and_(Task.status == lease.WorkStatus.DONE, Task.finished_at < now - KEEP_DONE),
            sa.and_(Task.status == lease.WorkStatus.FAILED, Task.finished_at < now - KEEP_FAILED)))).rowcount


def run_due(limit: int = 20) -> int:
    """Run tasks that are due (and those left by dead processes); returns how many ran."""
    ids = db.session.scalars(sa.select(Task.id).where(lease.due(Task)).order_by(Task.due_at).limit(limit)).all()
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
                db.session.add(Task(name=name, schedule_key=name, every_seconds=int(every.total_seconds()),
                                    due_at=utcnow(), max_attempts=3))
        except sa.exc.IntegrityError:
            pass  # another process created it at the same moment


def retry(task: Task) -> bool:
    """An organiser asks for a failed task to be tried again; False if it had not failed (or was retried already)."""
    with write_transaction():
        retried = db.session.execute(sa.update(Task).where(Task.id == task.id, Task.status == lease.WorkStatus.FAILED)
                                     .values(status=lease.WorkStatus.QUEUED, due_at=utcnow(), attempts=0)).rowcount
    if retried:
        dispatch(task.id)
    return bool(retried)


def failed_for_event(event_id: int) -> list[Task]:
    return list(db.session.scalars(
        sa.select(Task).where(Task.event_id == event_id, Task.status == lease.WorkStatus.FAILED).order_by(Task.id.desc())))


def label_of(task: Task) -> str:
    return str(LABELS.get(task.name, task.name))


class EmbeddedRunner:
    """A daemon thread per web process: runs tasks as soon as they are dispatched, and polls for
    due ones (retries, periodic duties, tasks of other processes)."""

    def __init__(self, app: Flask):
        self.app = app
        self.woken = threading.Event()
        self.stopped = False
        self.calls: queue.SimpleQueue = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._loop, name="tasks", daemon=True)
        self.thread.start()

    def wake(self) -> None:
        self.woken.set()

    def call_soon(self, name: str, arguments: dict) -> None:
        self.calls.put((name, arguments))
        self.wake()

    def stop(self) -> None:
        self.stopped = True
        self.wake()
        self.thread.join()

    def _loop(self) -> None:
        scheduled = failing = False
        with self.app.app_context():
            while not self.stopped:
                try:
                    if not scheduled:
                        ensure_schedule()
                        scheduled = True
                    while not self.calls.empty():
                        name, arguments = self.calls.get()
                        call(name, arguments)
                    while run_due():
                        pass
                    if failing:
                        log.warning("task runner works again")
                        failing = False
                except Exception:  # noqa: BLE001 - e.g. the database restarting: logged once, tried at every poll
                    if not failing:
                        log.exception("task runner cannot work; trying again every %s s", POLL_SECONDS)
                    failing = True
                finally:
                    db.session.remove()
                self.woken.wait(POLL_SECONDS)
                self.woken.clear()


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
