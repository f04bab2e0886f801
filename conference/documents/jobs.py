"""Big documents made in the background: every certificate of an event, as one PDF or a ZIP.

A job is a database row; a background task (``conference.tasks``) does the work, reporting its
progress (and a heartbeat) to the row, so the organiser's page can follow it and no request has
to wait. A periodic task takes over jobs whose process died.
"""

import io
import logging
import secrets
import zipfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import gettext as _

from conference.database import utcnow, write_transaction
from conference.documents import certificates
from conference.documents.models import DocumentJob
from conference.documents.render import file_name, remove_old_shared, render_chunks, render_each
from conference.events.models import Event
from conference.files import instance_folder
from conference.extensions import db
from conference.mail import services as mail
from conference.rules import Refusal
from conference.tasks import services as tasks

log = logging.getLogger(__name__)

KINDS = ("certificates.pdf", "certificates.zip")
STALE_AFTER = timedelta(minutes=5)  # a running job without a heartbeat for this long was left by a dead process
KEEP_FOR = timedelta(days=7)  # results nobody fetched are removed after this


class JobRefused(Refusal):
    pass


def folder() -> Path:
    return instance_folder("documents")


def start(event: Event, user_id: int | None, kind: str, send_mail: bool, base_url: str) -> DocumentJob:
    """Queue a job for a background task; returns at once."""
    if kind not in KINDS:
        raise JobRefused(_("Unknown document."))
    if not event.has_ended(utcnow()):
        raise JobRefused(certificates.not_yet_message(event))
    if not certificates.attendees(event.id):
        raise JobRefused(_("Nobody has been checked in yet, so there are no certificates to make."))
    with write_transaction():
        job = DocumentJob(event_id=event.id, user_id=user_id, kind=kind, send_mail=send_mail)
        db.session.add(job)
        db.session.flush()
        tasks.enqueue("documents.make", event_id=event.id, max_attempts=1, job_id=job.id, base_url=base_url)
    return job


@tasks.handler("documents.make")
def run_for_site(job_id: int, base_url: str) -> None:
    # Links printed on the certificates point to the site the organiser works on. (A task run
    # inline, as in the tests, is already inside the organiser's request.)
    if has_request_context():
        run(job_id)
        return
    with current_app.test_request_context(base_url=base_url):
        run(job_id)


@tasks.handler("documents.take_over", every=STALE_AFTER)
def run_pending() -> int:
    """Run queued jobs and those whose process died (``flask documents run``); returns how many."""
    stale = utcnow() - STALE_AFTER
    ids = db.session.scalars(sa.select(DocumentJob.id).where(sa.or_(
        DocumentJob.status == "queued", sa.and_(DocumentJob.status == "running", DocumentJob.heartbeat_at < stale))
    ).order_by(DocumentJob.id)).all()
    return sum(run(job_id) for job_id in ids)


def _claim(job_id: int) -> bool:
    stale = utcnow() - STALE_AFTER
    with write_transaction():
        # One statement, so two processes never run the same job.
        claimed = db.session.scalars(
            sa.update(DocumentJob).where(DocumentJob.id == job_id, sa.or_(
                DocumentJob.status == "queued",
                sa.and_(DocumentJob.status == "running", DocumentJob.heartbeat_at < stale)))
            .values(status="running", heartbeat_at=utcnow(), done=0).returning(DocumentJob.id)
        ).all()
    return bool(claimed)


def _update(job_id: int, **values) -> None:
    with write_transaction():
        db.session.execute(sa.update(DocumentJob).where(DocumentJob.id == job_id).values(heartbeat_at=utcnow(), **values))


def run(job_id: int) -> bool:
    """Do the job if nobody else is doing it; False if it was not free to take."""
    if not _claim(job_id):
        return False
    job = db.session.get(DocumentJob, job_id)
    db.session.refresh(job)
    try:
        people = certificates.attendees(job.event_id)
        _update(job_id, total=len(people))
        content, extension = _make(job, people)
        stored_name = f"{secrets.token_hex(16)}.{extension}"
        (folder() / stored_name).write_bytes(content)
        if job.send_mail:
            batch = f"certificates-{job.id}"
            with write_transaction():
                for person in people:
                    mail.queue_later("certificate", person.email, batch, registration_id=person.id)
            mail.deliver_batch(batch)
        _update(job_id, status="done", done=len(people), stored_name=stored_name, finished_at=utcnow(),
                download_name=file_name(_("Certificates of attendance"), job.event.slug, extension=extension))
    except Exception as error:  # noqa: BLE001 - whatever failed, the organiser sees that it did
        log.exception("document job %s failed", job_id)
        _update(job_id, status="failed", finished_at=utcnow(), error=f"{type(error).__name__}: {error}"[:500])
    return True


def _make(job: DocumentJob, people: list) -> tuple[bytes, str]:
    event = job.event
    if job.kind == "certificates.pdf":
        chunks = certificates.chunks(event, people, utcnow())
        per_chunk = certificates.CERTIFICATES_PER_CHUNK
        progress = lambda chunks_done: _update(job.id, done=min(chunks_done * per_chunk, len(people)))  # noqa: E731
        return render_chunks(chunks, certificates.metadata(event, people), progress), "pdf"
    issued = certificates.issue(people, utcnow())
    documents = (certificates.html(event, [person], issued) for person in people)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        for person, pdf in zip(people, render_each(documents, lambda done: _update(job.id, done=done))):
            zip_file.writestr(file_name(person.last_name, person.first_name, issued[person.id].number), pdf)
    return archive.getvalue(), "zip"


def result_path(job: DocumentJob) -> Path | None:
    if job.status != "done" or not job.stored_name:
        return None
    path = folder() / job.stored_name
    return path if path.is_file() else None


def mark_downloaded(job: DocumentJob) -> None:
    if job.downloaded_at is None:
        _update(job.id, downloaded_at=utcnow())


@tasks.handler("documents.remove_old", every=timedelta(hours=6))
def remove_old() -> None:
    """Delete results older than KEEP_FOR; their rows stay as a record."""
    old = db.session.scalars(sa.select(DocumentJob).where(
        DocumentJob.finished_at < utcnow() - KEEP_FOR, DocumentJob.stored_name.is_not(None))).all()
    for job in old:
        (folder() / job.stored_name).unlink(missing_ok=True)
        _update(job.id, stored_name=None)
    remove_old_shared((utcnow() - KEEP_FOR).timestamp())


def recent(event_id: int) -> list[DocumentJob]:
    return list(db.session.scalars(
        sa.select(DocumentJob).where(DocumentJob.event_id == event_id).order_by(DocumentJob.id.desc()).limit(5)))
