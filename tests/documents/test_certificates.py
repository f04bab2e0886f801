"""Certificates of attendance: for attendees after the event, for organisers one or all, verifiable by number."""

import io
import re
import time
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from conference.check_in import services as door
from conference.database import utcnow
from conference.documents import certificates, jobs
from conference.documents.models import Certificate, DocumentJob
from conference.events.models import ExtentUnit
from conference.extensions import db
from conference.privacy import services as privacy
from conference.registration import services
from tests.support import check_in, form_token, log_in
from tests.support.documents import pdf_pages

NUMBER = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


def past_event(make_event, **fields):
    """An event that ended yesterday (check-ins are recorded directly, as the door would have)."""
    start = (utcnow() - timedelta(days=1)).replace(hour=7, minute=30, second=0, microsecond=0)
    return make_event(
        starts_at=start,
        ends_at=start + timedelta(hours=6, minutes=30),
        registration_opens_at=start - timedelta(days=30),
        registration_closes_at=start + timedelta(hours=1),
        certificate_signer_name="Dr. Jana Beispiel",
        certificate_signer_function="Projektleitung",
        **fields,
    )


def fetch(client, url: str, form_page: str = "/login"):
    """A certificate is fetched with a form (its first download issues the number)."""
    return client.post(url, data={"csrf_token": form_token(client, form_page)})


def test_attendees_get_theirs_from_their_link_once_checked_in_and_the_event_is_over(
    client, make_event, make_agenda_item, register_people
):
    event = make_event(certificate_signer_name="Dr. Jana Beispiel")
    make_agenda_item(event, 0, title="Anerkennung ausländischer Abschlüsse")
    present, absent = register_people(event, 2)
    check_in(present)
    token = services.link_token(present)
    assert fetch(client, f"/registrations/{token}/certificate.pdf").status_code == 404  # not over yet

    event.starts_at, event.ends_at = utcnow() - timedelta(hours=8), utcnow() - timedelta(hours=1)
    db.session.commit()
    page = client.get(f"/registrations/{token}").get_data(as_text=True)
    assert "Teilnahmebescheinigung" in page
    response = fetch(client, f"/registrations/{token}/certificate.pdf", form_page=f"/registrations/{token}")
    [text] = pdf_pages(response.data)

    assert present.full_name in text and event.title in text and "Anerkennung ausländischer Abschlüsse" in text
    assert "Dr. Jana Beispiel" in text and "Hiermit wird bestätigt" in text
    number = NUMBER.search(text).group()
    assert f"/c/{number}" in text.replace("\n", "")
    assert fetch(client, f"/registrations/{services.link_token(absent)}/certificate.pdf").status_code == 404
    assert client.get(f"/registrations/{token}/certificate.pdf").status_code == 405  # a link issues nothing
    # The same number every time it is fetched again.
    assert NUMBER.search(pdf_pages(fetch(client, f"/registrations/{token}/certificate.pdf").data)[0]).group() == number


def test_the_verification_page_confirms_genuine_numbers_and_nothing_else(client, make_event, register_people):
    event = past_event(make_event)
    [person] = register_people(event, 1, checked_in=True)
    number = certificates.issue([person], utcnow())[person.id].number

    genuine = client.get(f"/c/{number}")
    assert genuine.status_code == 200
    text = genuine.get_data(as_text=True)
    assert "Diese Bescheinigung ist echt" in text and person.full_name in text and event.title in text
    assert person.email not in text and person.organisation not in text
    typed = client.get("/certificates/verify", query_string={"number": number.lower().replace("-", " ")})
    assert typed.status_code == 303 and typed.headers["Location"].endswith(f"/c/{number}")
    forged = client.get("/c/ABCD-EFGH-2345")
    assert forged.status_code == 404 and "Es gibt keine Bescheinigung" in forged.get_data(as_text=True)
    assert client.get("/c/<script>").status_code == 404


def test_numbers_are_unique(make_event, register_people):
    event = past_event(make_event)
    people = register_people(event, 60, checked_in=True)
    numbers = {certificate.number for certificate in certificates.issue(people, utcnow()).values()}
    assert len(numbers) == 60 and all(NUMBER.fullmatch(number) for number in numbers)


def test_only_checked_in_people_get_one(client, make_event, make_user, register_people):
    event = past_event(make_event)
    [absent] = register_people(event, 1)
    log_in(client, make_user(events=[event]))
    response = fetch(client, f"/manage/events/{event.id}/documents/certificates/{absent.id}.pdf")
    assert response.status_code == 303


def wait_for(job_id: int) -> DocumentJob:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        db.session.rollback()  # a fresh read: the job commits from its own thread
        job = db.session.get(DocumentJob, job_id)
        if job.status in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError("the job did not finish")


def start_job(client, event, **form):
    token = form_token(client, f"/manage/events/{event.id}/documents/")
    if form.get("send_mail"):  # mails cannot be taken back: asked first
        jobs_before = db.session.scalar(sa.select(sa.func.count()).select_from(DocumentJob))
        question = client.post(f"/manage/events/{event.id}/documents/certificates", data={"csrf_token": token, **form})
        assert "Allen Teilnehmenden ihre Bescheinigung per E-Mail schicken?" in question.get_data(as_text=True)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentJob)) == jobs_before
        form["confirmed"] = "1"
    response = client.post(f"/manage/events/{event.id}/documents/certificates", data={"csrf_token": token, **form})
    assert response.status_code == 303
    return int(response.headers["Location"].rstrip("/").split("/")[-1])


def test_all_certificates_as_one_pdf_made_in_the_background_with_progress(
    client, make_event, make_user, register_people, monkeypatch
):
    monkeypatch.setattr(certificates, "CERTIFICATES_PER_CHUNK", 2)  # several chunks: the pool and the merge
    event = past_event(make_event)
    people = register_people(event, 5, checked_in=True)
    register_people(event, 1)  # not checked in: no certificate
    log_in(client, make_user(events=[event]))

    job = wait_for(start_job(client, event, format="pdf"))
    assert job.status == "done", job.last_error
    status = client.get(f"/manage/events/{event.id}/documents/jobs/{job.id}/status").get_json()
    assert status == {"status": "done", "done": 5, "total": 5}
    assert "5 Bescheinigungen sind fertig" in client.get(f"/manage/events/{event.id}/documents/jobs/{job.id}").get_data(
        as_text=True
    )
    with client.get(f"/manage/events/{event.id}/documents/jobs/{job.id}/download") as download:
        reader = PdfReader(io.BytesIO(download.data))

    assert len(reader.pages) == 5
    texts = [page.extract_text() for page in reader.pages]
    # One page each (the number in each last name is unique; right-to-left names come out reordered).
    for person in people:
        assert sum(person.last_name.split()[-1] in text for text in texts) == 1, person.full_name
    assert len({NUMBER.search(text).group() for text in texts}) == 5
    assert reader.metadata.title.startswith("Teilnahmebescheinigung") and reader.trailer["/Root"]["/Lang"] == "de"


@pytest.mark.parametrize("format", ["zip", "pdf"])
def test_all_certificates_by_mail_attach_the_pdfs_made_once(
    client, make_event, make_user, register_people, mailbox, monkeypatch, format
):
    event = past_event(make_event, contact_name="Tagungsbüro", contact_email="tagung@netz.example.org")
    people = register_people(event, 3, checked_in=True)
    log_in(client, make_user(events=[event]))
    made = []
    monkeypatch.setattr(certificates, "html", lambda *args, real=certificates.html: made.append(args[1]) or real(*args))

    job = wait_for(start_job(client, event, format=format, send_mail="1"))
    assert job.status == "done", job.last_error
    with client.get(f"/manage/events/{event.id}/documents/jobs/{job.id}/download") as download:
        result = download.data

    assert sorted(person.id for [person] in made) == sorted(person.id for person in people)  # each rendered once
    numbers = {
        person.id: db.session.scalar(sa.select(Certificate.number).where(Certificate.registration_id == person.id))
        for person in people
    }
    if format == "zip":
        archive = zipfile.ZipFile(io.BytesIO(result))
        assert len(archive.namelist()) == 3 and all(name.endswith(".pdf") for name in archive.namelist())
        # Named by the person: Latin letters folded, other scripts kept (no name reduced to its number alone).
        assert sorted(name.split("-")[0] for name in archive.namelist()) == ["groesse", "yilmaz", "петров"]
    else:
        assert sorted(NUMBER.search(page).group() for page in pdf_pages(result)) == sorted(numbers.values())
    for person in people:
        [mail] = [
            mail for mail in mailbox.to(person.email) if mail["Subject"].startswith("Ihre Teilnahmebescheinigung")
        ]
        assert mail["Reply-To"] == "tagung@netz.example.org" and mail["From"].addresses[0].display_name == "Tagungsbüro"
        [attachment] = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
        [text] = pdf_pages(attachment.get_content())
        assert person.full_name in text and NUMBER.search(text).group() == numbers[person.id]
        if format == "zip":
            [name] = [name for name in archive.namelist() if numbers[person.id].lower() in name]
            assert archive.read(name) == attachment.get_content()
    assert list(jobs.mailed_folder(job.id).iterdir()) == []  # each PDF kept for a mail went with it


def test_a_certificate_waiting_for_its_mail_goes_with_the_persons_data(
    app, client, make_event, make_user, register_people, mailbox
):
    """The PDFs kept for the mails (instance/documents/mail-<job>/<registration>.pdf, with the name) stayed for
    seven days after the person's data was deleted or the event's retention ran out."""
    event = past_event(make_event)
    first, second, third = register_people(event, 3, checked_in=True)
    app.config["MAIL_PORT"] = 1  # the mail server cannot be reached: the mails wait, and their PDFs with them
    log_in(client, make_user(events=[event]))
    job = wait_for(start_job(client, event, format="zip", send_mail="1"))
    kept = jobs.mailed_folder(job.id)
    assert sorted(path.name for path in kept.iterdir()) == sorted(f"{p.id}.pdf" for p in (first, second, third))

    privacy.delete_on_request(first.id, utcnow(), by=None)
    assert sorted(path.name for path in kept.iterdir()) == sorted(f"{p.id}.pdf" for p in (second, third))
    event.retention_days = 0
    db.session.commit()
    privacy.purge()
    assert list(kept.iterdir()) == []
    assert not any("Teilnahmebescheinigung" in message["Subject"] for message in mailbox.messages)


def test_a_job_whose_runner_died_is_taken_over_and_made_once(app, make_event, register_people):
    from conference.documents.models import Certificate
    from conference.tasks import services as tasks
    from conference.tasks.models import Task

    event = past_event(make_event)
    register_people(event, 2, checked_in=True)
    app.config["TASK_RUNNER"] = "worker"
    with app.test_request_context():
        job = jobs.start(event, "certificates.pdf", False, "http://localhost", by=None)
    # A runner took the task, got half-way and died: its hold ran out.
    db.session.execute(
        sa.update(Task)
        .where(Task.name == "documents.make")
        .values(status="running", attempts=1, held_until=utcnow() - timedelta(seconds=1))
    )
    db.session.execute(sa.update(DocumentJob).where(DocumentJob.id == job.id).values(status="running", total=2, done=1))
    db.session.commit()

    assert tasks.run_due() == 1 and tasks.run_due() == 0
    db.session.expire_all()
    made = db.session.get(DocumentJob, job.id)
    assert made.status == "done" and jobs.result_path(made).is_file()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 2


def test_a_result_no_job_names_is_removed_once_its_runner_has_surely_died(app, make_event, register_people):
    """A runner killed between writing the ZIP of everybody's certificates and committing left it on disk, named
    by no job, so that neither the person's deletion nor the week's limit reached it."""
    import os

    event = past_event(make_event)
    register_people(event, 2, checked_in=True)
    with app.test_request_context():
        job = jobs.start(event, "certificates.zip", False, "http://localhost", by=None)
    db.session.refresh(job)
    made = jobs.result_path(job)
    orphan, in_flight = jobs.folder() / "0123abcd.zip", jobs.folder() / "4567ef01.zip"
    for path in (orphan, in_flight):
        path.write_bytes(made.read_bytes())
    two_hours_ago = time.time() - 2 * 3600
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    os.utime(made, (two_hours_ago, two_hours_ago))

    jobs.remove_old()

    assert not orphan.exists()
    assert in_flight.exists() and made.exists()  # still being committed, perhaps; and the job's own result


def test_nobody_checked_in_means_no_job(client, make_event, make_user, register_people):
    event = past_event(make_event)
    register_people(event, 1)
    log_in(client, make_user(events=[event]))
    token = form_token(client, f"/manage/events/{event.id}/registrations/")
    response = client.post(
        f"/manage/events/{event.id}/documents/certificates", data={"csrf_token": token}, follow_redirects=True
    )
    assert "Bisher wurde niemand eingecheckt" in response.get_data(as_text=True)


def test_no_certificate_before_the_event_is_over_not_for_the_organiser_either(
    client, make_event, make_user, register_people
):
    event = make_event()
    [person] = register_people(event, 1, checked_in=True)
    log_in(client, make_user(events=[event]))
    with pytest.raises(certificates.CertificateRefused, match="erst nach der Veranstaltung"):
        certificates.issue([person], utcnow())
    single = client.post(
        f"/manage/events/{event.id}/documents/certificates/{person.id}.pdf",
        follow_redirects=True,
        data={"csrf_token": form_token(client, f"/manage/events/{event.id}/registrations/")},
    )
    assert "Teilnahmebescheinigungen gibt es erst nach der Veranstaltung" in single.get_data(as_text=True)
    token = form_token(client, f"/manage/events/{event.id}/documents/")
    response = client.post(
        f"/manage/events/{event.id}/documents/certificates", data={"csrf_token": token}, follow_redirects=True
    )
    assert "erst nach der Veranstaltung" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Certificate)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(DocumentJob)) == 0


def test_a_certificate_shows_only_the_forum_chosen_the_extent_and_a_place_of_any_name(
    client, make_event, make_forums, make_agenda_item, register_people
):
    event = past_event(
        make_event,
        venue="Schweriner Ausbildungszentrum e.V.",
        city="Schwerin",
        certificate_extent=Decimal("6.5"),
        certificate_extent_unit=ExtentUnit.HOURS,
    )
    make_agenda_item(event, 0, title="Begrüßung")
    forum_a, forum_b = make_forums(event, 10, 10)
    [person] = register_people(event, 1, checked_in=True, forums=[forum_b.id])
    [text] = pdf_pages(certificates.pdf_of(person, utcnow()))
    flat = " ".join(text.split())

    assert "Begrüßung" in flat and forum_b.title in flat and forum_a.title not in flat
    assert "Umfang 6,5 Zeitstunden" in flat
    assert "Ort Schweriner Ausbildungszentrum e.V., Schwerin" in flat and "in Schweriner" not in flat
    assert "an der Veranstaltung" in flat and "teilgenommen hat." in flat


def test_anonymised_people_get_no_certificate_and_the_documents_page_counts_as_the_dashboard(
    client, make_event, make_user, register_people
):
    event = past_event(make_event)
    kept, deleted = register_people(event, 2, checked_in=True)
    privacy.delete_on_request(deleted.id, utcnow(), by=None)
    with pytest.raises(certificates.CertificateRefused, match="gelöscht"):
        certificates.issue([db.session.get(type(deleted), deleted.id)], utcnow())
    assert certificates.attendees(event.id) == [kept]
    log_in(client, make_user(events=[event]))

    dashboard = " ".join(
        client.get(f"/manage/events/{event.id}/registrations/dashboard").get_data(as_text=True).split()
    )
    documents = " ".join(client.get(f"/manage/events/{event.id}/documents/").get_data(as_text=True).split())
    assert "2 / 2" in dashboard
    assert "2 Personen wurden eingecheckt" in documents and "1 Person bekommt eine Bescheinigung" in documents


def test_the_verification_page_denies_certificates_issued_before_the_end_or_after_an_undone_check_in(
    client, make_event, register_people
):
    event = past_event(make_event)
    early, undone = register_people(event, 2, checked_in=True)
    issued = certificates.issue([early, undone], utcnow())
    issued[early.id].issued_at = event.starts_at  # as the old version allowed
    db.session.commit()
    door.undo(event, undone.id, None, utcnow(), may_correct=True, by=None)

    for certificate in issued.values():
        response = client.get(f"/c/{certificate.number}")
        assert response.status_code == 404 and "ist nicht gültig" in response.get_data(as_text=True)
    echoed = client.get("/c/" + "A" * 5000).get_data(as_text=True)
    assert f"Nummer {'A' * 40}." in echoed  # the message repeats what may be a number, not any length


def test_one_certificate_job_at_a_time_and_the_button_only_after_the_event(
    client, make_event, make_user, register_people
):
    event = past_event(make_event)
    [person] = register_people(event, 1, checked_in=True)
    waiting = DocumentJob(event_id=event.id, kind="certificates.pdf")
    db.session.add(waiting)
    db.session.commit()

    with pytest.raises(jobs.JobRefused, match="werden schon erstellt"):
        jobs.start(event, "certificates.zip", False, "http://localhost/", by=None)

    log_in(client, make_user(events=[event]))
    assert f"certificates/{person.id}.pdf" in client.get(f"/manage/events/{event.id}/registrations/").get_data(
        as_text=True
    )
    upcoming = make_event()
    [early] = register_people(upcoming, 1, checked_in=True)
    log_in(client, make_user(events=[upcoming]))
    assert f"certificates/{early.id}.pdf" not in client.get(f"/manage/events/{upcoming.id}/registrations/").get_data(
        as_text=True
    )


def test_a_job_that_has_not_started_says_so_instead_of_0_of_0(client, make_event, make_user):
    event = past_event(make_event)
    job = DocumentJob(event_id=event.id, kind="certificates.pdf")  # queued: nothing counted yet
    db.session.add(job)
    db.session.commit()
    log_in(client, make_user(events=[event]))
    page = client.get(f"/manage/events/{event.id}/documents/jobs/{job.id}").get_data(as_text=True)
    assert "0 / 0" not in page and "Wird vorbereitet …" in page


def test_a_person_deleted_while_the_certificates_are_made_is_in_none_kept_and_gets_no_mail(
    client, make_event, make_user, register_people, mailbox, monkeypatch
):
    """Deleted while the job ran, a person stayed in the ZIP and was mailed their certificate afterwards."""
    event = past_event(make_event)
    first, second = register_people(event, 2, checked_in=True)
    mailbox.messages.clear()
    real = jobs._make

    def made_while_someone_is_deleted(job, people, issued):
        made = real(job, people, issued)
        privacy.delete_on_request(first.id, utcnow(), by=None)
        return made

    monkeypatch.setattr(jobs, "_make", made_while_someone_is_deleted)
    log_in(client, make_user(events=[event]))
    job = wait_for(start_job(client, event, format="zip", send_mail="1"))
    assert job.status == "failed" and "wurden die Daten von 1 Person darin gelöscht" in job.last_error
    assert job.stored_name is None and list(jobs.folder().glob("*.zip")) == []
    assert not jobs.mailed_folder(job.id).exists() and mailbox.messages == []
    page = client.get(f"/manage/events/{event.id}/documents/jobs/{job.id}").get_data(as_text=True)
    assert "Bitte erstellen Sie sie noch einmal" in page and "JobRefused" not in page

    monkeypatch.setattr(jobs, "_make", real)  # made again: the others get theirs
    again = wait_for(start_job(client, event, format="zip", send_mail="1"))
    assert again.status == "done" and [message["To"] for message in mailbox.messages] == [second.email]
