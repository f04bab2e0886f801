import email
import email.policy
import io
import re

import icalendar
from PIL import Image

from conference.database import utcnow
from conference.registration import services
from conference.registration.models import QuestionKind
from tests.support import applicant
from tests.support.reading import codes_in


def test_confirmation_mail_has_details_answers_calendar_qr_code_and_link(
    client, make_event, make_forums, make_question, mailbox
):
    event = make_event(
        title="Fachtagung: Anerkennung durch Anerkennung – Förderung",
        contact_email="tagung@example.org",
        street="Am Markt 1",
        postcode="19053",
    )
    forum, _ = make_forums(event, 10, 10)
    diet = make_question(
        event, label="Ernährung", kind=QuestionKind.MULTIPLE_CHOICE, options=["vegetarisch", "glutenfrei"]
    )
    registration = services.register(
        event.id,
        applicant(first_name="Ayşe", forums=[forum.id], answers={diet.id: ["vegetarisch", "glutenfrei"]}),
        utcnow(),
        by=None,
    ).registration

    [message] = mailbox.to(registration.email)

    assert message["Subject"] == "Anmeldung bestätigt: Fachtagung: Anerkennung durch Anerkennung – Förderung"
    text = message.get_body(("plain",)).get_content()
    assert "Guten Tag Ayşe" in text and "Ihr Platz ist bestätigt" in text
    assert "Tagungshaus, Am Markt 1, 19053 Schwerin" in text  # the whole address, not only venue and city
    assert "Tagungshaus, Am Markt 1, 19053 Schwerin" in message.get_body(("html",)).get_content()
    assert "Forum: Forum 1" in text and "Ernährung: vegetarisch, glutenfrei" in text
    assert f"Check-in-Code: {registration.check_in_code}" in text
    link = re.search(r"http://localhost/registrations/[0-9a-f]{64}", text).group(0)
    assert "Anmeldung ansehen, ändern oder stornieren" in message.get_body(("html",)).get_content()
    assert registration.full_name in client.get(link.removeprefix("http://localhost")).get_data(as_text=True)

    parts = {part.get_content_type(): part for part in message.walk()}
    assert parts["image/png"]["Content-ID"] == "<check-in-code>"
    [code] = codes_in(parts["image/png"].get_content())
    assert code.text == registration.check_in_code and code.standard_qr  # a phone or hand scanner reads it
    # 8 pixels a module, with the quiet zone of four modules around the 21 of the symbol
    assert Image.open(io.BytesIO(parts["image/png"].get_content())).size == (232, 232)
    assert parts["text/calendar"].get_content_charset() == "utf-8"  # as mail programs decode it
    [vevent] = icalendar.Calendar.from_ical(parts["text/calendar"].get_content()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title


def test_mail_speaks_the_language_the_person_registered_in(make_event, mailbox):
    event = make_event(capacity=0)
    registration = services.register(event.id, applicant(locale="en"), utcnow(), by=None).registration

    [message] = mailbox.to(registration.email)

    assert message["Subject"] == f"Waiting list: {event.title}"
    text = message.get_body(("plain",)).get_content()
    assert "waiting list at position 1" in text and "Check-in code" not in text
    assert not any(part.get_content_type() == "image/png" for part in message.walk())  # no code before a seat


def test_names_with_markup_are_escaped_in_the_html_mail(make_event, mailbox):
    event = make_event()
    registration = services.register(
        event.id, applicant(first_name='<img src="x" onerror="alert(1)">'), utcnow(), by=None
    ).registration
    html = mailbox.to(registration.email)[0].get_body(("html",)).get_content()
    assert "<img src=\"x\"" not in html and "&lt;img" in html


def test_development_writes_mail_to_files_in_the_instance_folder(app, make_event, tmp_path):
    app.config["MAIL_BACKEND"] = "file"
    app.instance_path = str(tmp_path)
    event = make_event()
    registration = services.register(event.id, applicant(), utcnow(), by=None).registration

    [saved] = (tmp_path / "mail").iterdir()
    assert saved.suffix == ".eml" and registration.email in saved.name
    message = email.message_from_bytes(saved.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == f"Anmeldung bestätigt: {event.title}" and message["To"] == registration.email


def test_confirmed_people_are_reminded_once_two_days_before(app, make_event, mailbox):
    from datetime import timedelta

    from conference.registration import notifications

    soon = make_event(
        starts_at=utcnow() + timedelta(days=1),
        ends_at=utcnow() + timedelta(days=1, hours=6),
        registration_closes_at=utcnow() + timedelta(hours=12),
        capacity=1,
        venue="Rathaus",
        street="Neuer Markt 1",
        postcode="18055",
        city="Rostock",
    )
    later = make_event()
    seated = services.register(soon.id, applicant(), utcnow(), by=None).registration
    waiting = services.register(soon.id, applicant(), utcnow(), by=None).registration
    services.register(later.id, applicant(email=seated.email), utcnow(), by=None)
    mailbox.messages.clear()

    assert notifications.send_reminders() == 1
    assert notifications.send_reminders() == 0  # once only
    [reminder] = mailbox.messages
    assert reminder["To"] == seated.email and reminder["Subject"] == f"Erinnerung: {soon.title}"
    assert seated.check_in_code in reminder.get_body(("plain",)).get_content()
    for part in ("plain", "html"):
        assert "Rathaus, Neuer Markt 1, 18055 Rostock" in reminder.get_body((part,)).get_content()
    assert mailbox.to(waiting.email) == []


def test_every_mail_links_to_the_public_address_whatever_host_the_request_came_to(client, make_event, mailbox):
    from tests.support.registration import form_data

    event = make_event()
    other = "http://127.0.0.1:5077"  # the app asked on another address than PUBLIC_URL names
    page = client.get(f"/events/{event.slug}/register", base_url=other).get_data(as_text=True)
    client.post(f"/events/{event.slug}/register", data=form_data(page, email="port@example.org"), base_url=other)

    [mail] = mailbox.to("port@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert "http://localhost/registrations/" in text and "127.0.0.1:5077" not in text  # (a token may hold "5077")


def test_mails_about_an_event_come_in_the_name_of_its_contact_and_answers_reach_the_contact(make_event, mailbox):
    from conference.registration import bulk

    with_contact = make_event(contact_name="Jana Beispiel, Tagungsbüro", contact_email="tagung@netz.example.org")
    without = make_event(title="Fachtagung: Vielfalt – Ausbildung in MV")
    person = services.register(with_contact.id, applicant(), utcnow(), by=None).registration
    other = services.register(without.id, applicant(), utcnow(), by=None).registration
    bulk.send(with_contact.id, "confirmed", "Anreise", "Bitte pünktlich.", by=None)

    for message in mailbox.to(person.email):  # the confirmation and the message from the organisers
        [sender] = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == ("Jana Beispiel, Tagungsbüro", "tagung@example.org")
        assert message["Reply-To"] == "tagung@netz.example.org"
    assert len(mailbox.to(person.email)) == 2
    [message] = mailbox.to(other.email)  # the title's colon, dash and umlauts arrive whole: encoded as headers need
    assert message["From"].addresses[0].display_name == "Fachtagung: Vielfalt – Ausbildung in MV"
    assert message["Reply-To"] is None  # no contact: answers would go to the server's own address


def test_long_names_and_subjects_arrive_whole_in_lines_mail_servers_take(make_event, mailbox):
    from conference.registration import bulk

    contact = "Tagungsbüro " + "Ä" * 150 + " 😀"
    event = make_event(contact_name=contact, contact_email="tagung@netz.example.org")
    services.register(event.id, applicant(), utcnow(), by=None)
    subject = "Link: " + "x" * 190  # no space to fold at
    bulk.send(event.id, "confirmed", subject, "Bitte pünktlich.", by=None)
    # An encoded word typed into a subject: Python's default policy decoded it into header lines (CVE-2024-6923).
    typed = "=?utf-8?q?Hallo=0D=0ABcc=3A_evil=40example=2Eorg?="
    bulk.send(event.id, "confirmed", typed, "Bitte pünktlich.", by=None)

    assert len(mailbox.raw) == 3
    for raw, message in zip(mailbox.raw, mailbox.messages, strict=True):
        head = raw.split(b"\r\n\r\n", 1)[0]
        assert max(len(line) for line in head.split(b"\r\n")) <= 78  # as RFC 5322 asks; servers refuse over 998
        assert b"\r\nBcc" not in head
        assert message["From"].addresses[0].display_name.replace(" ", "") == contact.replace(" ", "")
        assert not message.defects
    assert [message["Subject"] for message in mailbox.messages[1:]] == [subject, typed]  # as typed


# --- the calendar entry in the mails ----------------------------------------------------------


def entry_in(message) -> tuple[str, icalendar.Event]:
    """The iTIP method a mail's calendar part gives (checked against its Content-Type) and its one entry."""
    [part] = [part for part in message.walk() if part.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(part.get_content())
    assert part.get_param("method") == str(calendar["METHOD"]) and part.get_content_charset() == "utf-8"
    [entry] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), entry


def state_of(message) -> tuple[str, str, int, str]:
    method, entry = entry_in(message)
    return method, str(entry["STATUS"]), int(entry["SEQUENCE"]), str(entry["UID"])


def test_a_place_is_added_to_the_calendar_updated_when_the_event_moves_and_taken_out_when_cancelled(
    client, make_event, make_user, mailbox
):
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from tests.support import form_as_sent, form_token, log_in

    event = make_event(
        contact_name="Tagungsbüro", contact_email="tagung@netz.example.org", street="Am Markt 1", postcode="19053"
    )
    registration = services.register(
        event.id, applicant(first_name="Ayşe", last_name="Yılmaz"), utcnow(), by=None
    ).registration
    uid = f"registration-{registration.id}@localhost"  # one per registration: never the event's public entry

    [confirmation] = mailbox.to(registration.email)
    assert state_of(confirmation) == ("REQUEST", "CONFIRMED", 0, uid)
    _method, entry = entry_in(confirmation)
    assert str(entry["ORGANIZER"]) == "mailto:tagung@netz.example.org"
    assert entry["ORGANIZER"].params["CN"] == "Tagungsbüro"
    assert str(entry["ATTENDEE"]) == f"mailto:{registration.email}"
    assert dict(entry["ATTENDEE"].params) == {
        "CN": "Ayşe Yılmaz",
        "ROLE": "REQ-PARTICIPANT",
        "RSVP": "FALSE",
        "PARTSTAT": "ACCEPTED",
    }
    assert "Am Markt 1, 19053 Schwerin" in str(entry["LOCATION"])

    log_in(client, make_user(events=[event]))  # the organiser moves the start an hour later on the event's form
    url = f"/manage/events/{event.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "bei einer Änderung von Zeit oder Ort" in page
    later = event.starts_at + timedelta(hours=1)
    start = later.astimezone(ZoneInfo("Europe/Berlin")).strftime("%H:%M")
    question = client.post(url, data=form_as_sent(page) | {"start": start})
    assert "Neue Zeit oder neuen Ort speichern und allen Bescheid geben?" in question.get_data(as_text=True)
    assert len(mailbox.to(registration.email)) == 1  # asked first: nothing saved, nobody told
    saved = client.post(url, data=form_as_sent(page) | {"start": start, "confirmed": "1"}, follow_redirects=True)
    assert "erhalten alle Angemeldeten und Wartenden die neue Zeit" in saved.get_data(as_text=True)
    [change] = mailbox.to(registration.email)[1:]
    assert change["Subject"] == f"Neue Zeit oder neuer Ort: {event.title}"
    assert "die Zeit oder der Ort der Veranstaltung hat sich geändert" in change.get_body(("plain",)).get_content()
    assert state_of(change) == ("REQUEST", "CONFIRMED", 1, uid)
    assert entry_in(change)[1].decoded("DTSTART") == later

    cancel = f"/registrations/{services.link_token(registration)}/cancel"  # the person cancels on their own page
    client.post(cancel, data={"csrf_token": form_token(client, cancel)})
    [cancellation] = mailbox.to(registration.email)[2:]
    assert cancellation["Subject"] == f"Anmeldung storniert: {event.title}"
    assert state_of(cancellation) == ("CANCEL", "CANCELLED", 2, uid)


def test_a_place_on_the_waiting_list_or_awaiting_approval_is_tentative_and_a_rejection_takes_it_out(
    make_event, mailbox
):
    full = make_event(capacity=1)
    seated = services.register(full.id, applicant(), utcnow(), by=None).registration
    waiting = services.register(full.id, applicant(), utcnow(), by=None).registration
    [waiting_mail] = mailbox.to(waiting.email)
    uid = f"registration-{waiting.id}@localhost"
    assert state_of(waiting_mail) == ("REQUEST", "TENTATIVE", 0, uid)
    assert entry_in(waiting_mail)[1]["ATTENDEE"].params["PARTSTAT"] == "TENTATIVE"
    assert str(entry_in(waiting_mail)[1]["ORGANIZER"]) == "mailto:tagung@example.org"  # no contact: the sender

    services.cancel(seated.id, utcnow(), by=None)  # the person waiting moves up
    assert state_of(mailbox.to(waiting.email)[-1]) == ("REQUEST", "CONFIRMED", 1, uid)

    approved = make_event(requires_approval=True)
    pending = services.register(approved.id, applicant(), utcnow(), by=None).registration
    assert state_of(mailbox.to(pending.email)[0])[:3] == ("REQUEST", "TENTATIVE", 0)
    services.decide(pending.id, approve=False, by=None)
    [_received, rejection] = mailbox.to(pending.email)
    assert state_of(rejection) == ("CANCEL", "CANCELLED", 1, f"registration-{pending.id}@localhost")


def test_cancelling_a_registration_or_the_event_takes_the_entries_out_of_everyones_calendar(make_event, mailbox):
    from conference.events import services as events
    from conference.events.models import EventStatus

    event = make_event(capacity=2)
    seated, other, waiting = (
        services.register(event.id, applicant(), utcnow(), by=None).registration for _ in range(3)
    )
    services.cancel(other.id, utcnow(), by_organiser=True, by=None)
    assert state_of(mailbox.to(other.email)[-1])[:3] == ("CANCEL", "CANCELLED", 1)
    assert state_of(mailbox.to(waiting.email)[-1])[:3] == ("REQUEST", "CONFIRMED", 1)  # moved up into the seat
    mailbox.messages.clear()

    events.set_status(event.id, EventStatus.CANCELLED, utcnow(), by=None)

    assert [state_of(message)[:3] for message in mailbox.to(seated.email)] == [("CANCEL", "CANCELLED", 1)]
    assert [state_of(message)[:3] for message in mailbox.to(waiting.email)] == [("CANCEL", "CANCELLED", 2)]
    assert mailbox.to(other.email) == []  # cancelled before: told once


def test_only_a_new_time_or_place_of_a_published_event_is_mailed_to_everyone_registered_or_waiting(make_event, mailbox):
    from dataclasses import fields

    from conference.events import services as events
    from conference.events.models import EventStatus

    def change(event, **values):
        details = events.EventDetails(
            **{field.name: getattr(event, field.name) for field in fields(events.EventDetails)}
        )
        for name, value in values.items():
            setattr(details, name, value)
        events.update_event(event.id, details, events.version(event), by=None)

    published, draft = make_event(capacity=1), make_event(status=EventStatus.DRAFT)
    seated, waiting, gone = (
        services.register(published.id, applicant(), utcnow(), by=None).registration for _ in range(3)
    )
    services.cancel(gone.id, utcnow(), by=None)
    in_draft = services.register(draft.id, applicant(), utcnow(), by_organiser=True, by=None).registration
    mailbox.messages.clear()

    change(published, description="Neu beschrieben.", title="Neuer Titel", capacity=1)
    change(draft, city="Rostock", starts_at=draft.starts_at.replace(minute=0))
    assert mailbox.messages == []

    change(published, street="Am Markt 1", postcode="19053")
    assert sorted(message["To"] for message in mailbox.messages) == sorted([seated.email, waiting.email])
    assert state_of(mailbox.to(seated.email)[0])[:3] == ("REQUEST", "CONFIRMED", 1)
    assert state_of(mailbox.to(waiting.email)[0])[:3] == ("REQUEST", "TENTATIVE", 1)
    assert "Tagungshaus, Am Markt 1, 19053 Schwerin" in mailbox.to(seated.email)[0].get_body(("plain",)).get_content()
    assert mailbox.to(in_draft.email) == []


def test_a_mail_built_later_carries_the_number_its_entry_was_given_when_queued(app, make_event, mailbox):
    import sqlalchemy as sa

    from conference.extensions import db
    from conference.mail import services as mail
    from conference.mail.models import OutgoingMail

    app.config["TASK_RUNNER"] = "worker"  # nothing is sent until the test delivers it
    event = make_event(capacity=1)
    seated = services.register(event.id, applicant(), utcnow(), by=None).registration
    waiting = services.register(event.id, applicant(), utcnow(), by=None).registration
    services.cancel(seated.id, utcnow(), by=None)  # the person waiting moves up: a second mail to them
    queued = list(db.session.scalars(sa.select(OutgoingMail.id).order_by(OutgoingMail.id)))

    mail.deliver(list(reversed(queued)))  # sent the other way round: the last change first

    moved_up, registered = mailbox.to(waiting.email)
    assert moved_up["Subject"].startswith("Ein Platz ist frei geworden") and state_of(moved_up)[2] == 1
    assert state_of(registered)[2] == 0  # its calendar program keeps the entry numbered 1
    cancelled, confirmed = mailbox.to(seated.email)
    assert state_of(cancelled)[:3] == ("CANCEL", "CANCELLED", 1)
    assert not any(part.get_content_type() == "text/calendar" for part in confirmed.walk())  # the place is given up
