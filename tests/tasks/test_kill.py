"""A worker killed in the middle of a task: once the task's hold has run out another worker takes it over, and the
work is done once. On SQLite, and on PostgreSQL where ``TEST_DATABASE_URL`` names a server."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference import create_app
from conference.database import utcnow
from conference.documents import jobs
from conference.documents.models import Certificate, DocumentJob
from conference.events.models import Event, EventKind, EventStatus
from conference.extensions import db
from conference.registration import services
from conference.tasks.models import Task
from tests.support import applicant, check_in, databases

PEOPLE = 12

# `flask --app conference worker` with the test's settings. (The guard: the document pool's processes import it.)
WORKER = """
import sys
from conference import create_app
if __name__ == "__main__":
    app = create_app({config!r})
    app.instance_path = {instance!r}
    with app.app_context():  # as the flask command pushes it
        result = app.test_cli_runner().invoke(args=sys.argv[1:])
    print(result.output, result.exception or "", flush=True)
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kill.sqlite3'}"
    if not databases.SERVER_URL:
        pytest.skip("TEST_DATABASE_URL is not set (.ci/run sets it)")
    return databases.own_schema("kill")


def worker(script, *arguments) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(script), "worker", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def test_a_worker_killed_while_making_and_mailing_certificates_leaves_them_to_another_made_and_mailed_once(
    tmp_path, database_url, smtp_server, mailbox
):
    config = {
        "CONFERENCE_ENV": "testing",
        "DATABASE_URL": database_url,
        "TASK_RUNNER": "worker",
        "MAIL_BACKEND": "smtp",
        "MAIL_SERVER": smtp_server.hostname,
        "MAIL_PORT": smtp_server.port,
        "PUBLIC_URL": "http://localhost",
    }
    app = create_app(config)
    app.instance_path = str(tmp_path / "instance")
    script = tmp_path / "worker.py"
    script.write_text(WORKER.format(config=config, instance=app.instance_path))
    with app.app_context():
        db.create_all()
        yesterday = utcnow() - timedelta(days=1)
        event = Event(
            slug="kill",
            title="Fachtagung",
            kind=EventKind.CONFERENCE,
            status=EventStatus.PUBLISHED,
            starts_at=yesterday,
            ends_at=yesterday + timedelta(hours=6),
            venue="Haus",
            city="Schwerin",
        )
        db.session.add(event)
        db.session.commit()
        for number in range(PEOPLE):
            check_in(
                services.register(
                    event.id, applicant(email=f"p{number}@example.org"), utcnow(), by_organiser=True, by=None
                ).registration
            )
        db.session.execute(sa.delete(Task).where(Task.name == "mail.deliver"))  # the confirmations: not this test's
        db.session.commit()
        with app.test_request_context():
            job = jobs.start(event, "certificates.zip", True, "http://localhost", by=None)

        first = worker(script)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:  # until the certificates are numbered and being rendered
                db.session.rollback()
                status = db.session.scalar(sa.select(DocumentJob.status).where(DocumentJob.id == job.id))
                if status == "running" and db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)):
                    break
                time.sleep(0.02)
            else:
                pytest.fail("the first worker did not start on the job")
        finally:
            os.killpg(first.pid, signal.SIGKILL)
            first.communicate()
        db.session.rollback()
        task = db.session.scalar(sa.select(Task).where(Task.name == "documents.make"))
        assert task.status == "running" and task.held_until > utcnow()  # held by a process that is gone
        assert mailbox.messages == []

        worker(script, "--burst").communicate(timeout=60)  # runs the periodic duties, but leaves the held task
        db.session.rollback()
        assert db.session.get(Task, task.id).status == "running" and mailbox.messages == []
        db.session.execute(sa.update(Task).where(Task.id == task.id).values(held_until=utcnow()))  # the hold runs out
        db.session.commit()
        output = worker(script, "--burst").communicate(timeout=120)[0]
        assert output.startswith("2 task(s) run."), output  # the certificates, then their mails

        db.session.rollback()
        made = db.session.get(DocumentJob, job.id)
        assert made.status == "done" and made.done == PEOPLE and jobs.result_path(made).is_file()
        assert [path.name for path in jobs.folder().glob("*.zip")] == [made.stored_name]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == PEOPLE
        assert sorted(message["To"] for message in mailbox.messages) == sorted(
            f"p{n}@example.org" for n in range(PEOPLE)
        )
        assert set(db.session.scalars(sa.select(Task.status).where(Task.every_seconds.is_(None)))) == {"done"}
        db.session.remove()
        db.engine.dispose()
