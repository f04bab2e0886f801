import os
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.database import utcnow, write_transaction
from conference.extensions import db
from conference.tasks import lease
from conference.tasks import services as tasks
from conference.tasks.models import Task
from tests.support import form_token, log_in

calls: list[str] = []


@tasks.handler("test.flaky")
def flaky(fail_times: int, label: str) -> None:
    calls.append(label)
    if len(calls) <= fail_times:
        raise ConnectionError("mail server away")


@pytest.fixture(autouse=True)
def no_calls():
    calls.clear()


def enqueue(**arguments) -> Task:
    with write_transaction():
        return tasks.enqueue("test.flaky", **arguments)


def make_due(task: Task) -> None:
    db.session.execute(sa.update(Task).where(Task.id == task.id).values(due_at=utcnow()))
    db.session.commit()


def fresh(task: Task) -> Task:
    db.session.rollback()  # a new snapshot: other threads' commits become visible
    db.session.expire_all()  # and the identity map does not answer from memory
    return db.session.get(Task, task.id)


def test_a_failing_task_is_retried_with_growing_pauses_until_it_succeeds(app):
    task = enqueue(fail_times=2, label="x")  # runs at once after the commit (TASK_RUNNER "inline" in tests)
    first = fresh(task)
    assert calls == ["x"] and first.status == "queued" and first.attempts == 1
    assert first.last_error == "ConnectionError: mail server away"
    assert timedelta(seconds=25) < first.due_at - utcnow() <= timedelta(seconds=30)
    assert tasks.run_due() == 0  # not due yet

    make_due(task)
    assert tasks.run_due() == 1
    assert timedelta(minutes=1, seconds=55) < fresh(task).due_at - utcnow() <= timedelta(minutes=2)
    make_due(task)
    tasks.run_due()
    assert calls == ["x", "x", "x"] and fresh(task).status == "done" and fresh(task).attempts == 3


def test_a_task_that_keeps_failing_is_shown_to_the_organisers_who_may_start_it_again(
    app, client, make_event, make_user
):
    event = make_event()
    with write_transaction():
        task = tasks.enqueue("test.flaky", event_id=event.id, max_attempts=2, fail_times=5, label="y")
    make_due(task)
    tasks.run_due()
    assert fresh(task).status == "failed" and calls == ["y", "y"]

    log_in(client, make_user(events=[event]))
    page = client.get(f"/manage/events/{event.id}/registrations/dashboard").get_data(as_text=True)
    assert "Fehlgeschlagene Hintergrundarbeit" in page and "ConnectionError: mail server away" in page
    token = form_token(client, f"/manage/events/{event.id}/registrations/dashboard")
    client.post(f"/manage/events/{event.id}/tasks/{task.id}/retry", data={"csrf_token": token})
    assert calls == ["y", "y", "y"] and fresh(task).attempts == 1
    # Not failed (any more): nothing to try again, and the page says so.
    fresh(task).status = "done"
    db.session.commit()
    again = client.post(
        f"/manage/events/{event.id}/tasks/{task.id}/retry", data={"csrf_token": token}, follow_redirects=True
    )
    assert "nichts noch einmal zu versuchen" in again.get_data(as_text=True) and calls == ["y", "y", "y"]


def test_nothing_is_queued_when_the_transaction_rolls_back(app):
    with pytest.raises(RuntimeError), write_transaction():
        tasks.enqueue("test.flaky", fail_times=0, label="z")
        raise RuntimeError("the change failed")
    assert calls == [] and db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0


def test_a_task_is_claimed_once_and_a_dead_runners_claim_expires(app):
    app.config["TASK_RUNNER"] = "worker"  # nobody runs it on commit
    task = enqueue(fail_times=0, label="w")
    assert lease.claim(task.id) and not lease.claim(task.id)
    assert tasks.run_due() == 0  # running elsewhere
    db.session.execute(sa.update(Task).where(Task.id == task.id).values(held_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert tasks.run_due() == 1 and fresh(task).status == "done" and calls == ["w"]


def test_the_worker_command_runs_what_is_due_from_the_database(app, runner):
    app.config["TASK_RUNNER"] = "worker"
    task = enqueue(fail_times=0, label="v")
    assert calls == []
    result = runner.invoke(args=["worker", "--burst"])
    assert f"{len(tasks.PERIODIC) + 1} task(s) run." in result.output  # periodic duties run at their first start
    assert calls == ["v"] and fresh(task).status == "done"


def test_periodic_duties_have_one_row_each_queued_again_after_every_run(app):
    tasks.ensure_schedule()
    tasks.ensure_schedule()
    rows = db.session.scalars(sa.select(Task).where(Task.every_seconds.is_not(None))).all()
    assert sorted(row.name for row in rows) == sorted(tasks.PERIODIC)
    assert {"limits.remove_expired", "tasks.forget_finished", "documents.remove_old"} <= set(tasks.PERIODIC)
    tasks.run_due()
    hourly = fresh(next(row for row in rows if row.name == "tasks.forget_finished"))
    assert hourly.status == "queued" and timedelta(minutes=59) < hourly.due_at - utcnow() <= timedelta(hours=1)


def test_the_thread_of_the_web_process_runs_tasks_without_any_other_server(app):
    app.config["TASK_RUNNER"] = "thread"
    task = enqueue(fail_times=0, label="t")
    runner = tasks.embedded_runner(app)
    try:
        deadline = time.monotonic() + 10
        while fresh(task).status != "done" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        runner.stop()
    assert calls == ["t"] and fresh(task).status == "done"


@pytest.mark.skipif(not os.environ.get("TEST_REDIS_URL"), reason="TEST_REDIS_URL is not set (.ci/run sets it)")
def test_with_redis_a_waiting_worker_is_woken_at_once_and_runs_the_task_from_the_database(app, runner):
    from redis import Redis

    from conference.tasks.commands import _redis_wait

    Redis.from_url(os.environ["TEST_REDIS_URL"]).delete(tasks.WAKE_KEY)
    app.config.update(TASK_RUNNER="worker", REDIS_URL=os.environ["TEST_REDIS_URL"])
    wait = _redis_wait(os.environ["TEST_REDIS_URL"])
    started = time.monotonic()
    wait(0.5)
    assert time.monotonic() - started >= 0.4  # nothing to do: the worker waits its poll out

    task = enqueue(fail_times=0, label="r")
    started = time.monotonic()
    wait(30)
    assert time.monotonic() - started < 5 and calls == []  # woken at once; the task itself is in the database
    runner.invoke(args=["worker", "--burst"])
    assert calls == ["r"] and fresh(task).status == "done"


def test_a_worker_without_redis_sends_the_confirmation_mail(app, runner, make_event, mailbox):
    from conference.registration import services
    from tests.support import applicant

    app.config["TASK_RUNNER"] = "worker"
    event = make_event()
    registration = services.register(event.id, applicant(), utcnow(), by=None).registration
    assert mailbox.to(registration.email) == []  # not in the request
    runner.invoke(args=["worker", "--burst"])
    assert mailbox.to(registration.email)[0]["Subject"] == f"Anmeldung bestätigt: {event.title}"


def test_a_change_stands_when_redis_is_away_and_the_worker_finds_its_task_in_the_database(app, runner, make_event):
    from conference.registration import services
    from tests.support import applicant

    app.config.update(TASK_RUNNER="worker", REDIS_URL="redis://127.0.0.1:9/0")  # nothing listens there
    event = make_event()
    with write_transaction():
        task = tasks.enqueue("test.flaky", fail_times=0, label="s")
    registration = services.register(event.id, applicant(), utcnow(), by=None).registration
    assert fresh(task).status == "queued" and registration.id
    app.config["REDIS_URL"] = None  # the worker's poll of the database
    runner.invoke(args=["worker", "--burst"])
    assert calls == ["s"] and fresh(task).status == "done"


def test_only_tasks_hold_a_lease_and_one_loop_claims_them(app):
    from pathlib import Path

    import conference
    from conference.documents.models import DocumentJob
    from conference.mail.models import OutgoingMail

    leased = {table.name for table in db.metadata.sorted_tables if "held_until" in table.columns}
    assert leased == {"task"} and not hasattr(OutgoingMail, "attempts") and not hasattr(DocumentJob, "due_at")
    claims = [path.name for path in Path(conference.__file__).parent.rglob("*.py") if "held_until=" in path.read_text()]
    assert claims == ["lease.py"]  # no other code claims work
    assert tasks.label_of(Task(name="documents.make")) == "Teilnahmebescheinigungen"  # labels come from the registry


def test_nothing_personal_stays_in_a_finished_task(app, client, mailbox):
    """ "Forgot password" kept every address typed, also those without an account, in a finished task for good."""
    client.post("/login/forgot", data={"csrf_token": form_token(client, "/login/forgot"), "email": "fremd@example.org"})
    [done] = db.session.scalars(sa.select(Task).where(Task.name == "accounts.reset_link")).all()
    assert done.status == "done" and done.arguments == {}
    assert not any("fremd@example.org" in str(task.arguments) for task in db.session.scalars(sa.select(Task)))

    failed = enqueue(fail_times=9, label="x", max_attempts=1)
    assert fresh(failed).status == "failed" and fresh(failed).arguments  # kept to be started again
    assert tasks.forget_finished() == 0
    db.session.execute(sa.update(Task).where(Task.id == done.id).values(finished_at=utcnow() - timedelta(days=2)))
    db.session.execute(sa.update(Task).where(Task.id == failed.id).values(finished_at=utcnow() - timedelta(days=8)))
    db.session.commit()
    assert tasks.forget_finished() == 2
    assert db.session.get(Task, done.id) is None and db.session.get(Task, failed.id) is None
