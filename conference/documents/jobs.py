"""Big documents made in the background: every certificate of an event, as one PDF or a ZIP.

A job is a plain record; a background task (``conference.tasks``) does the work, reporting its progress to
the record, so the organiser's page can follow it and no request has to wait. The task holds the lease (pushed
on with every step): should its process die, another runner takes the task over and makes the job again.
"""

import io
import logging
import secrets
import shutil
import zipfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked, utcnow, write_transaction
from conference.documents import certificates
from conference.documents.models import DocumentJob
from conference.documents.pdf import merge
from conference.documents.render import file_name, remove_old_shared, render_chunks, render_each
from conference.events.models import Event
from conference.extensions import db
from conference.files import instance_folder
from conference.mail import services as mail
from conference.registration.models import Registration
from conference.rules import Refusal
from conference.tasks import lease
from conference.tasks import services as tasks
from conference.tasks.models import BUSY, WorkStatus

log = logging.getLogger(__name__)

KINDS = ("certificates.pdf", "certificates.zip")
KEEP_FOR = timedelta(days=7)  # results nobody fetched are removed after this
# A result no job names: its runner died between writing it and committing (a job commits within seconds).
ORPHANED_AFTER = timedelta(hours=1)


class JobRefused(Refusal):
    pass


def folder() -> Path:
    return instance_folder("documents")


def mailed_folder(job_id: int) -> Path:
    """Where a job that mails the certificates keeps each person's PDF until the mail takes it."""
    return folder() / f"mail-{job_id}"


def mailed_certificate(job_id: int, registration_id: int) -> bytes:
    return (mailed_folder(job_id) / f"{registration_id}.pdf").read_bytes()


def forget_mailed_certificates(registration_ids: list[int], job_id: int | None = None) -> None:
    """Delete the PDFs kept for the mails of these people (of one job, or of every job): once their mail has
    gone out, or when their data is deleted."""
    kept = [mailed_folder(job_id)] if job_id is not None else folder().glob("mail-*")
    for job_folder in kept:
        for registration_id in registration_ids:
            (job_folder / f"{registration_id}.pdf").unlink(missing_ok=True)


def start(event: Event, kind: str, send_mail: bool, base_url: str, *, by: Actor | None) -> DocumentJob:
    """Queue a job for a background task; returns at once."""
    if kind not in KINDS:
        raise JobRefused(_("Unknown document."))
    if not event.has_ended(utcnow()):
        raise JobRefused(certificates.not_yet_message(event))
    if not certificates.attendees(event.id):
        raise JobRefused(_("Nobody has been checked in yet, so there are no certificates to make."))
    with row_locked(Event, event.id):
        if (
            db.session.scalar(
                sa.select(DocumentJob.id).where(DocumentJob.event_id == event.id, DocumentJob.status.in_(BUSY))
            )
            is not None
        ):
            raise JobRefused(_("The certificates are being made already; please wait until they are ready."))
        job = DocumentJob(event_id=event.id, user_id=by.id if by else None, kind=kind, send_mail=send_mail)
        db.session.add(job)
        db.session.flush()
        tasks.enqueue("documents.make", event_id=event.id, max_attempts=1, job_id=job.id, base_url=base_url)
        made_as = "ZIP" if kind == "certificates.zip" else "PDF"
        record(AuditAction.CERTIFICATES_MADE, made_as + (", " + _("by e-mail") if send_mail else ""), event.id, by=by)
    return job


@tasks.handler("documents.make", label=_l("Certificates of attendance"))
def run_for_site(job_id: int, base_url: str) -> None:
    # Links printed on the certificates point to the site the organiser works on. (A task run
    # inline, as in the tests, is already inside the organiser's request.)
    if has_request_context():
        run(job_id)
        return
    with current_app.test_request_context(base_url=base_url):
        run(job_id)


def _update(job_id: int, **values) -> None:
    """Progress, noted on the job; it also pushes on the task's hold: a task whose progress stops was left by a
    dead process."""
    with write_transaction():
        db.session.execute(sa.update(DocumentJob).where(DocumentJob.id == job_id).values(**values))
    lease.still_working()


def run(job_id: int) -> None:
    """Do the job (again, if a runner died while doing it; not if it died just after)."""
    job = db.session.get_one(DocumentJob, job_id)
    if job.status == WorkStatus.DONE:
        return
    try:
        people = certificates.attendees(job.event_id)
        _update(job_id, status=WorkStatus.RUNNING, total=len(people), done=0)
        issued = certificates.issue(people, utcnow())  # numbered and committed before anything is rendered
        content, extension = _make(job, people, issued)
        batch = f"certificates-{job.id}"
        # Kept (and mailed) under the event's lock, which deleting a person's data takes too: a person deleted while
        # the certificates were made is in none that is kept; one deleted later finds the file and the mails.
        with row_locked(Event, job.event_id):
            deleted = db.session.scalar(
                sa.select(sa.func.count()).where(
                    Registration.id.in_([person.id for person in people]), Registration.anonymised_at.is_not(None)
                )
            )
            if deleted:
                shutil.rmtree(mailed_folder(job.id), ignore_errors=True)
                raise JobRefused(
                    ngettext(
                        "While the certificates were being made, the data of %(num)s person in them was deleted, so "
                        "they "
                        "were not kept. Please make them again.",
                        "While the certificates were being made, the data of "
                        "%(num)s people in them was deleted, so they were not kept. Please make them again.",
                        deleted,
                    )
                )
            stored_name = f"{secrets.token_hex(16)}.{extension}"
            (folder() / stored_name).write_bytes(content)
            db.session.execute(sa.update(DocumentJob).where(DocumentJob.id == job_id).values(stored_name=stored_name))
            for person in people if job.send_mail else ():
                if person.email:  # registered on paper, without an address: their certificate is in the file
                    mail.queue_later("certificate", person.email, batch, registration_id=person.id, job_id=job.id)
            if job.send_mail:
                mail.send_batch_later(batch, job.event_id)
            db.session.execute(
                sa.update(DocumentJob)
                .where(DocumentJob.id == job_id)
                .values(
                    status=WorkStatus.DONE,
                    done=len(people),
                    finished_at=utcnow(),
                    last_error="",
                    download_name=file_name(_("Certificates of attendance"), job.event.slug, extension=extension),
                )
            )
    except Exception as error:
        log.exception("document job %s failed", job_id)
        db.session.rollback()
        message = error.message if isinstance(error, Refusal) else f"{type(error).__name__}: {error}"
        _update(job_id, status=WorkStatus.FAILED, finished_at=utcnow(), last_error=message[:500])


def _make(job: DocumentJob, people: list, issued: dict) -> tuple[bytes, str]:
    event, progress = job.event, (lambda done: _update(job.id, done=done))
    if job.kind == "certificates.pdf" and not job.send_mail:
        per_chunk = certificates.CERTIFICATES_PER_CHUNK
        return render_chunks(
            certificates.chunks(event, people, issued),
            certificates.metadata(event, people),
            lambda chunks_done: progress(min(chunks_done * per_chunk, len(people))),
        ), "pdf"
    # One PDF per person, zipped or merged; kept for the mails too, which attach them as they are.
    pdfs = zip(
        people, render_each((certificates.html(event, [person], issued) for person in people), progress), strict=True
    )
    if job.send_mail:
        pdfs = _kept_for_mail(job.id, pdfs)
    if job.kind == "certificates.pdf":
        return merge((pdf for _person, pdf in pdfs), certificates.metadata(event, people)), "pdf"
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zip_file:
        for person, pdf in pdfs:
            zip_file.writestr(file_name(person.last_name, person.first_name, issued[person.id].number), pdf)
    return archive.getvalue(), "zip"


def _kept_for_mail(job_id: int, pdfs):
    mailed_folder(job_id).mkdir(exist_ok=True)
    for person, pdf in pdfs:
        if person.email:  # someone without an address gets theirs from the organisers' file only
            (mailed_folder(job_id) / f"{person.id}.pdf").write_bytes(pdf)
        yield person, pdf


def result_path(job: DocumentJob) -> Path | None:
    if job.status != WorkStatus.DONE or not job.stored_name:
        return None
    path = folder() / job.stored_name
    return path if path.is_file() else None


def mark_downloaded(job: DocumentJob) -> None:
    if job.downloaded_at is None:
        with write_transaction():
            job.downloaded_at = utcnow()


@tasks.handler("documents.remove_old", every=timedelta(hours=6))
def remove_old() -> None:
    """Delete results older than KEEP_FOR, those no job names, and the PDFs kept for mails; the jobs' rows stay as a
    record."""
    cutoff = utcnow() - KEEP_FOR
    old = db.session.scalars(
        sa.select(DocumentJob).where(DocumentJob.finished_at < cutoff, DocumentJob.stored_name.is_not(None))
    ).all()
    with write_transaction():
        for job in old:
            if job.stored_name:  # always (the query asks for it); said again for the type checker
                (folder() / job.stored_name).unlink(missing_ok=True)
            job.stored_name = None
    named = set(db.session.scalars(sa.select(DocumentJob.stored_name).where(DocumentJob.stored_name.is_not(None))))
    orphaned = (utcnow() - ORPHANED_AFTER).timestamp()
    for result in folder().glob("*.*"):  # results are "<random>.pdf" or ".zip" in the folder itself
        if result.is_file() and result.name not in named and result.stat().st_mtime < orphaned:
            result.unlink(missing_ok=True)
    for kept in folder().glob("mail-*"):  # also those of jobs that failed half-way
        if kept.stat().st_mtime < cutoff.timestamp():
            shutil.rmtree(kept, ignore_errors=True)
    remove_old_shared(cutoff.timestamp())


def recent(event_id: int) -> list[DocumentJob]:
    return list(
        db.session.scalars(
            sa.select(DocumentJob).where(DocumentJob.event_id == event_id).order_by(DocumentJob.id.desc()).limit(5)
        )
    )
