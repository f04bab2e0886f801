import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from conference.audit.models import AuditEntry
from conference.database import utcnow, write_transaction
from conference.documents import certificates, jobs
from conference.evaluation import services as evaluation
from conference.evaluation.models import Invitation
from conference.extensions import db
from conference.mail.models import OutgoingMail
from conference.privacy import services as privacy
from conference.privacy.models import DeletionRecord
from conference.registration import services
from conference.registration.models import BulkMessage, QuestionKind, Registration
from conference.registration.models import RegistrationStatus as S
from conference.webhooks import services as webhooks
from conference.webhooks.models import Delivery
from tests.support import applicant, check_in, form_token, log_in


def fresh(registration: Registration) -> Registration:
    db.session.expire_all()
    return db.session.get(Registration, registration.id)


def test_a_registrant_downloads_everything_stored_about_them_as_json(client, make_event, make_forums, make_question):
    event = make_event()
    forum, _ = make_forums(event, 10, 10)
    question = make_question(event, label="Essenswunsch", kind=QuestionKind.TEXT)
    mine = services.register(
        event.id, applicant(first_name="Ayşe", forums=[forum.id], answers={question.id: "vegan"}), utcnow(), by=None
    )
    services.register(event.id, applicant(first_name="Someone Else", forums=[forum.id]), utcnow(), by=None)

    response = client.get(f"/registrations/{services.link_token(mine.registration)}/my-data.json")
    data = json.loads(response.data)
    assert (
        response.headers["Content-Disposition"].startswith("attachment;")
        and "no-store" in response.headers["Cache-Control"]
    )
    assert data["registration"]["first_name"] == "Ayşe" and data["registration"]["email"] == mine.registration.email
    assert data["answers"] == [{"question": "Essenswunsch", "answer": "vegan"}] and data["forums"] == [forum.title]
    assert [mail["kind"] for mail in data["mails"]] == ["registered"] and data["mails"][0]["status"] == "done"
    assert "Someone Else" not in response.get_data(as_text=True)
    assert data["event"]["personal_data_deleted_after"] == (event.ends_at + timedelta(days=365)).date().isoformat()


def test_deleting_on_request_frees_the_seat_and_leaves_no_trace_of_the_person(client, make_event, make_user, mailbox):
    event = make_event(capacity=1)
    log_in(client, make_user(events=[event]))  # an organiser trying the link is not taken for its owner
    leaving = services.register(
        event.id, applicant(first_name="Lena", last_name="Weg", email="lena.weg@example.org"), utcnow(), by=None
    ).registration
    link = services.link_token(leaving)
    waiting = services.register(event.id, applicant(), utcnow(), by=None).registration
    mailbox.messages.clear()

    page = client.get(f"/registrations/{link}/delete").get_data(as_text=True)
    assert "Ihr Platz geht an die nächste Person auf der Warteliste" in page
    token = form_token(client, f"/registrations/{link}/delete")
    done = client.post(f"/registrations/{link}/delete", data={"csrf_token": token})
    assert "Ihre Daten wurden gelöscht" in done.get_data(as_text=True)

    gone = fresh(leaving)
    assert (gone.first_name, gone.last_name, gone.email, gone.status) == (
        "",
        "",
        f"{gone.id}@deleted.invalid",
        S.CANCELLED,
    )
    assert client.get(f"/registrations/{link}").status_code == 404  # the link is dead
    assert fresh(waiting).status == S.CONFIRMED
    assert [m["To"] for m in mailbox.messages] == [waiting.email]  # nobody writes to the deleted person
    assert db.session.scalar(sa.select(OutgoingMail).where(OutgoingMail.recipient == "lena.weg@example.org")) is None
    [entry] = db.session.scalars(sa.select(DeletionRecord)).all()
    assert (entry.reason, entry.registrations, entry.event_id, entry.user_id) == ("request", 1, event.id, None)
    logged = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "registration.deleted")).one()
    assert logged.by_registrant and logged.user_id is None


def test_after_the_retention_period_names_go_and_the_figures_stay(app, runner, make_event, make_forums):
    event = make_event(retention_days=30)
    event.starts_at, event.ends_at = utcnow() - timedelta(days=40), utcnow() - timedelta(days=40) + timedelta(hours=6)
    current = make_event()
    forum, _ = make_forums(event, 10, 10)
    db.session.commit()
    people = [
        services.register(
            event.id,
            applicant(first_name=f"Person{i}", organisation="AFZ Rostock", forums=[forum.id]),
            utcnow(),
            by_organiser=True,
            by=None,
        ).registration
        for i in range(3)
    ]
    for person in people[:2]:
        check_in(person)
        db.session.add(AuditEntry(event_id=event.id, action="registration.checked_in", subject=person.full_name))
        db.session.commit()
    db.session.commit()
    [certificate] = certificates.issue(people[:1], utcnow()).values()
    kept = services.register(current.id, applicant(), utcnow(), by=None).registration

    result = runner.invoke(args=["privacy", "purge"])
    assert "Personal data of 3 registration(s) deleted." in result.output

    rows = db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id)).all()
    assert {(r.first_name, r.last_name, r.phone, r.function) for r in rows} == {("", "", "", "")}
    assert {r.email for r in rows} == {f"{r.id}@deleted.invalid" for r in rows}
    assert all(r.anonymised_at for r in rows) and all(r.organisation == "AFZ Rostock" for r in rows)
    figures = services.dashboard(event)
    assert figures["checked_in"] == 2 and figures["seated"] == 3
    assert all(r.forum_choices for r in rows) and not any(r.answers for r in rows)
    assert not db.session.scalars(sa.select(AuditEntry).where(AuditEntry.subject.like("Person%"))).all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(OutgoingMail).where(OutgoingMail.recipient.like("%example.org"))
        )
        == 1
    )  # the current event's

    verified = certificates.find(certificate.number)
    assert certificates.is_true(verified) and verified.holder_name == ""
    assert fresh(kept).email  # the other event keeps its registrations
    assert privacy.purge() == 0  # nothing left to delete
    [entry] = db.session.scalars(sa.select(DeletionRecord)).all()
    assert (entry.reason, entry.registrations, entry.event_title) == ("retention", 3, event.title)


def test_the_verification_page_of_a_deleted_holder_confirms_the_number_without_a_name(client, make_event):
    event = make_event()
    person = services.register(
        event.id, applicant(first_name="Kerstin", last_name="Verborgen"), utcnow(), by=None
    ).registration
    check_in(person)
    [certificate] = certificates.issue([person], event.ends_at + timedelta(hours=1)).values()
    privacy.delete_on_request(person.id, event.ends_at + timedelta(days=1), by=None)
    page = client.get(f"/c/{certificate.number}").get_data(as_text=True)
    assert "Diese Bescheinigung ist echt" in page and "Der Name wurde nach den Datenschutzregeln gelöscht" in page
    assert "Verborgen" not in page


def test_organisers_export_and_delete_one_persons_data(client, make_event, make_user):
    event = make_event()
    person = services.register(event.id, applicant(first_name="Olga"), utcnow(), by=None).registration
    organiser = make_user(events=[event])
    log_in(client, organiser)
    exported = json.loads(client.get(f"/manage/events/{event.id}/registrations/{person.id}/data.json").data)
    assert exported["registration"]["first_name"] == "Olga"

    edit = client.get(f"/manage/events/{event.id}/registrations/{person.id}").get_data(as_text=True)
    question = f"/manage/events/{event.id}/registrations/{person.id}/delete"
    assert f'href="{question}"' in edit  # a link to a question, not a button that deletes
    page = client.get(question).get_data(as_text=True)
    assert "Die Daten von Olga" in page and "Das lässt sich nicht rückgängig machen." in page
    assert "geht an die nächste Person auf der Warteliste" in page and fresh(person).anonymised_at is None

    unexplained = client.post(question, data={"csrf_token": form_token(client, question), "note": " "})
    assert unexplained.status_code == 422 and fresh(person).anonymised_at is None
    response = client.post(
        question,
        data={"csrf_token": form_token(client, question), "note": "Bitte per Mail vom 3.12."},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "Die Daten der Person wurden gelöscht." in page and "Auf Anfrage: Bitte per Mail vom 3.12." in page
    assert organiser.name in page and fresh(person).anonymised_at is not None
    assert client.get(question).status_code == 404  # nothing left to delete


def test_a_message_sent_to_the_deleted_person_alone_goes_with_their_data_if_the_organiser_says_so(
    client, make_event, make_user
):
    event = make_event()
    people = [
        services.register(event.id, applicant(last_name=name), utcnow(), by=None).registration
        for name in ("Vormals", "Bleibt")
    ]
    check_in(people[0])  # the only one checked in
    log_in(client, make_user(events=[event]))
    mail_url = f"/manage/events/{event.id}/registrations/mail"
    for audience, subject in (
        ("confirmed", "An alle"),
        ("checked_in", "Nur an Frau Vormals"),
        ("checked_in", "Auch an sie"),
    ):
        client.post(
            mail_url,
            data={
                "csrf_token": form_token(client, mail_url),
                "audience": audience,
                "subject": subject,
                "body": "Text",
                "send": "1",
            },
        )
    question = f"/manage/events/{event.id}/registrations/{people[0].id}/delete"
    page = client.get(question).get_data(as_text=True)
    assert "Nur an Frau Vormals" in page and "Auch an sie" in page and "An alle" not in page
    assert page.count('type="checkbox"') == 2 and page.count("checked") == 2  # ticked: deleted with the data
    ticked = re.search(r'value="(\d+)"[^>]*>\s*<label[^>]*>Nur an Frau Vormals', page).group(1)

    client.post(question, data={"csrf_token": form_token(client, question), "note": "Anruf", "messages": [ticked]})
    assert sorted(db.session.scalars(sa.select(BulkMessage.subject))) == ["An alle", "Auch an sie"]
    log = [
        entry.subject
        for entry in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "registration.mail"))
    ]
    assert "Nur an Frau Vormals (1)" not in log and "Auch an sie (1)" in log


def test_the_retention_period_is_set_per_event_within_sensible_bounds(client, make_event, make_user):
    event = make_event()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="retention_days"' in page and 'value="365"' in page
    fields = dict(re.findall(r'<input[^>]*name="(\w+)"[^>]*value="([^"]*)"', page))
    fields |= {"kind": event.kind.value, "language": "de", "network_id": "0", "participant_list_mode": "hidden"}

    too_short = client.post(url, data=fields | {"retention_days": "7"})
    assert too_short.status_code == 422 and "30" in too_short.get_data(as_text=True)
    assert client.post(url, data=fields | {"retention_days": "730"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(type(event), event.id).retention_days == 730


def test_an_event_at_the_end_of_the_calendar_stops_no_purge_and_no_page(app, client, make_event, make_user):
    far = make_event(starts_at=datetime(9999, 12, 31, 8, tzinfo=UTC), ends_at=datetime(9999, 12, 31, 15, tzinfo=UTC))
    over = make_event(retention_days=30)
    over.starts_at, over.ends_at = utcnow() - timedelta(days=40), utcnow() - timedelta(days=40) + timedelta(hours=6)
    db.session.commit()
    person = services.register(far.id, applicant(), utcnow(), by_organiser=True, by=None).registration
    gone = services.register(over.id, applicant(), utcnow(), by_organiser=True, by=None).registration

    assert privacy.purge() == 1
    assert db.session.get(Registration, gone.id).anonymised_at is not None
    token = services.link_token(person)
    log_in(client, make_user(events=[far]))
    for url in (
        f"/registrations/{token}",
        f"/registrations/{token}/my-data.json",
        f"/manage/events/{far.id}/privacy",
        f"/events/{far.slug}",
        f"/events/{far.slug}/event.ics",
    ):
        assert client.get(url).status_code == 200, url


def test_the_export_holds_the_check_in_code_the_log_and_what_organisers_wrote(client, make_event, make_user, mailbox):
    event = make_event()
    person = services.register(
        event.id, applicant(first_name="Olga", last_name="Schmidt"), utcnow(), by=None
    ).registration
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/"
    client.post(
        url + f"{person.id}",
        data={
            "csrf_token": form_token(client, url + f"{person.id}"),
            "first_name": "Olga",
            "last_name": "Schmidt-Nowak",
            "email": person.email,
            "organisation": "",
        },
    )
    mail_url = url + "mail"
    client.post(
        mail_url,
        data={
            "csrf_token": form_token(client, mail_url),
            "audience": "confirmed",
            "subject": "Raumänderung",
            "body": "Wir tagen im Großen Saal.",
            "send": "1",
        },
    )

    data = json.loads(client.get(f"/registrations/{services.link_token(person)}/my-data.json").data)
    assert data["registration"]["check_in_code"] == person.check_in_code
    assert [entry["action"] for entry in data["log"]] == ["Anmeldung geändert"]
    assert {"subject": "Raumänderung", "text": "Wir tagen im Großen Saal."}.items() <= data["mails"][-1].items()


def test_the_export_shows_a_message_as_the_person_received_it_but_for_their_link(
    client, make_event, make_user, mailbox
):
    event = make_event()
    person = services.register(event.id, applicant(first_name="Olga"), utcnow(), by=None).registration
    organiser = make_user(events=[event])
    log_in(client, organiser)
    mail_url = f"/manage/events/{event.id}/registrations/mail"
    client.post(
        mail_url,
        data={
            "csrf_token": form_token(client, mail_url),
            "audience": "confirmed",
            "send": "1",
            "subject": "Hinweise für {name}",
            "body": "Guten Morgen {first_name}!\nIhr Link: {link}",
        },
    )

    for url in (
        f"/registrations/{services.link_token(person)}/my-data.json",
        f"/manage/events/{event.id}/registrations/{person.id}/data.json",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        sent = json.loads(response.data)["mails"][-1]
        assert sent["subject"] == f"Hinweise für {person.full_name}"
        assert sent["text"] == "Guten Morgen Olga!\nIhr Link: {link}"  # the organisers download it too


def test_deleting_a_person_leaves_no_old_name_no_certificate_file_no_mail_file_and_no_old_page(
    app, client, make_event, make_user
):
    app.config["MAIL_BACKEND"] = "file"
    start = utcnow() - timedelta(days=2)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=6))
    typed = applicant(
        first_name="Ingeborg",
        last_name="Vormals",
        email="ingeborg@exmaple.org",
        salutation="frau",
        academic_title="Dr. phil.",
    )
    app.config["WEBHOOK_ALLOWED_HOSTS"] = ["127.0.0.1"]
    hook = webhooks.create(make_user(events=[event]), f"event-{event.id}", "https://127.0.0.1:9/crm", by=None)
    webhooks.set_paused(hook.id, hook.user_id, True, by=None)  # what went to the organisers' CRM is kept, held
    outcome = services.register(
        event.id, typed, utcnow(), by_organiser=True, by=None, colleagues=[applicant(first_name="Kai", email="")]
    )
    person, [colleague] = outcome.registration, outcome.group
    with write_transaction():  # as when he moved up from the waiting list: she is told, he has no address
        services.queue_mail(colleague, "promoted")
    assert db.session.scalar(sa.select(OutgoingMail.recipient).where(services.mails_about_their_group([person.id])))
    check_in(person)
    assert "Vormals" in db.session.scalars(sa.select(Delivery.payload)).first()
    evaluation.use_standard_set(event.id, by=None)
    evaluation.invite(event.id, utcnow(), by=None)  # she is asked to evaluate the event: that is about her too
    assert privacy.export(person)["evaluation"]["answered"] is False
    # Organisers do not learn whether she answered: neither from her data nor from the mails (a reminder would tell).
    for_organisers = privacy.export(person, for_organisers=True)
    assert for_organisers["evaluation"] is None and "evaluation" not in str(for_organisers["mails"])
    organiser = make_user(events=[event])
    log_in(client, organiser)
    edit = f"/manage/events/{event.id}/registrations/{person.id}"
    client.post(
        edit,
        data={
            "csrf_token": form_token(client, edit),
            "first_name": "Ingeborg",
            "last_name": "Neumann",
            "email": "ingeborg@example.org",
        },
    )  # a typing mistake corrected: mails went to both
    token = form_token(client, f"/manage/events/{event.id}/documents/")
    job = client.post(f"/manage/events/{event.id}/documents/certificates", data={"csrf_token": token, "format": "zip"})
    job_url = job.headers["Location"]
    with client.get(job_url + "/download") as download:
        assert download.status_code == 200
    mail_folder = Path(app.instance_path) / "mail"
    assert {path.name.rpartition("-")[2] for path in mail_folder.iterdir()} >= {
        "ingeborg@exmaple.org.eml",
        "ingeborg@example.org.eml",
    }

    mail_url = f"/manage/events/{event.id}/registrations/mail"
    client.post(
        mail_url,
        data={
            "csrf_token": form_token(client, mail_url),
            "audience": "checked_in",
            "send": "1",
            "subject": "Ihre Bescheinigung, Frau Vormals",
            "body": "Liebe Frau Neumann, …",
        },
    )

    services.save_note(
        person.id, "Frau Vormals braucht einen Platz nahe der Tür", services.note_version(person), by=None
    )
    about_her = sa.select(AuditEntry).where(AuditEntry.registration_id == person.id)
    assert ["Nachname", "E-Mail-Adresse"] in [entry.changed_fields for entry in db.session.scalars(about_her)]

    privacy.delete_on_request(person.id, utcnow(), by=organiser)

    assert db.session.scalar(sa.select(BulkMessage)) is None  # sent to her alone: gone with her data
    assert db.session.get(Invitation, person.id) is None
    assert (fresh(person).salutation, fresh(person).academic_title) == ("", "")
    assert fresh(person).note == ""
    assert all(
        (entry.subject, entry.changed_fields, entry.changed_values) == ("", [], {})
        for entry in db.session.scalars(about_her, execution_options={"populate_existing": True})
    )
    assert not db.session.scalars(
        sa.select(AuditEntry).where(sa.or_(AuditEntry.subject.like("%Vormals%"), AuditEntry.subject.like("%Neumann%")))
    ).all()
    # Of her, only that her data is gone, for the CRM too (what is about her colleague stays: his data stays).
    told = [json.loads(payload) for payload in db.session.scalars(sa.select(Delivery.payload))]
    assert [entry["registration"] for entry in told if entry["registration"]["id"] == person.id] == [{"id": person.id}]
    assert client.get(job_url + "/download").status_code == 404
    assert not list(jobs.folder().iterdir())
    assert not any("ingeborg" in path.name for path in mail_folder.iterdir())
    database = Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))
    if database.is_file():  # SQLite: neither the file nor its write-ahead log keeps the old pages
        for path in (database, database.with_name(database.name + "-wal")):
            if path.is_file():
                assert not re.search(rb"ingeborg@exa?m|Vormals|Dr\. phil\.", path.read_bytes()), path


def test_a_registrants_own_changes_leave_the_log_with_their_data(client, make_event, make_forums):
    event = make_event()
    first, second = make_forums(event, 10, 10)
    person = services.register(
        event.id, applicant(first_name="Ingeborg", forums=[first.id]), utcnow(), by=None
    ).registration
    services.update(person.id, applicant(first_name="Inge", forums=[second.id]), utcnow(), by=None)
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.registration_id == person.id)).all()
    assert entry.by_registrant and entry.changed_values and "Vorname" in entry.changed_fields

    privacy.delete_on_request(person.id, utcnow(), by=None)

    db.session.refresh(entry)
    assert (entry.subject, entry.changed_fields, entry.changed_values) == ("", [], {})


def test_a_deleted_persons_registration_page_takes_no_new_details_note_or_mail(client, make_event, make_user, mailbox):
    yesterday = utcnow() - timedelta(days=1)
    event = make_event(starts_at=yesterday, ends_at=yesterday + timedelta(hours=6))  # over: the status stays
    person = services.register(
        event.id, applicant(first_name="Olga"), yesterday - timedelta(days=1), by_organiser=True, by=None
    )
    privacy.delete_on_request(person.registration.id, utcnow(), by=None)
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/{person.registration.id}"

    page = client.get(url).get_data(as_text=True)
    assert fresh(person.registration).status == S.CONFIRMED and "Die Daten dieser Person wurden gelöscht." in page
    assert not re.search(r'name="(first_name|note|what)"', page) and "Check-in-Code" not in page
    typed = client.post(url, data={"csrf_token": form_token(client, url), "first_name": "Olga", "last_name": "Neu"})
    assert typed.status_code == 422 and fresh(person.registration).first_name == ""
    mailbox.messages.clear()
    client.post(f"{url}/mail", data={"csrf_token": form_token(client, url), "what": "link"})
    client.post(f"{url}/note", data={"csrf_token": form_token(client, url), "note": "Olga Neu", "version": ""})
    assert mailbox.messages == [] and fresh(person.registration).note == ""


def test_a_deletion_sent_twice_at_once_is_made_and_recorded_once(make_event):
    event = make_event()
    person = services.register(event.id, applicant(), utcnow(), by=None).registration
    privacy.delete_on_request(person.id, utcnow(), by=None)
    # The second request read the registration before the first one finished.
    db.session.execute(sa.update(Registration).where(Registration.id == person.id).values(anonymised_at=None))
    stale = db.session.get(Registration, person.id, populate_existing=True)
    db.session.execute(
        sa.update(Registration).where(Registration.id == person.id).values(anonymised_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    assert stale.anonymised_at is None
    db.session.commit()

    privacy.delete_on_request(person.id, utcnow(), by=None)

    assert db.session.scalar(sa.select(sa.func.count()).select_from(DeletionRecord)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "registration.deleted")) == 1


def test_messages_to_registrants_leave_out_people_whose_data_was_deleted(make_event):
    from conference.registration import bulk

    event = make_event()
    kept, deleted = (services.register(event.id, applicant(), utcnow(), by=None).registration for _ in range(2))
    privacy.delete_on_request(deleted.id, utcnow() + timedelta(days=400), by=None)  # after the event: the status stays
    assert [person.id for person in bulk.audience(event.id, "active")] == [kept.id]
