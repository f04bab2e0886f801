import email
import email.policy
import re

import icalendar

from conference.database import utcnow
from conference.registration import services
from conference.registration.models import QuestionKind
from tests.conftest import applicant
from tests.reading import codes_in


def test_confirmation_mail_has_details_answers_calendar_qr_code_and_link(client, make_event, make_forums, make_question, mailbox):
    event = make_event(title="Fachtagung: Anerkennung durch Anerkennung – Förderung",
                       contact_email="tagung@example.org", street="Am Markt 1", postcode="19053")
    forum, _ = make_forums(event, 10, 10)
    diet = make_question(event, label="Ernährung", kind=QuestionKind.MULTIPLE_CHOICE, options=["vegetarisch", "glutenfrei"])
    registration = services.register(
        event.id, applicant(first_name="Ayşe", forums=[forum.id], answers={diet.id: ["vegetarisch", "glutenfrei"]}), utcnow()
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
    assert parts["text/calendar"].get_content_charset() == "utf-8"  # as mail programs decode it
    [vevent] = icalendar.Calendar.from_ical(parts["text/calendar"].get_content()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == event.title


def test_mail_speaks_the_language_the_person_registered_in(make_event, mailbox):
    event = make_event(capacity=0)
    registration = services.register(event.id, applicant(locale="en"), utcnow()).registration

    [message] = mailbox.to(registration.email)

    assert message["Subject"] == f"Waiting list: {event.title}"
    text = message.get_body(("plain",)).get_content()
    assert "waiting list at position 1" in text and "Check-in code" not in text
    assert not any(part.get_content_type() == "image/png" for part in message.walk())  # no code before a seat


def test_names_with_markup_are_escaped_in_the_html_mail(make_event, mailbox):
    event = make_event()
    registration = services.register(event.id, applicant(first_name='<img src="x" onerror="alert(1)">'), utcnow()).registration
    html = mailbox.to(registration.email)[0].get_body(("html",)).get_content()
    assert "<img src=\"x\"" not in html and "&lt;img" in html


def test_development_writes_mail_to_files_in_the_instance_folder(app, make_event, tmp_path):
    app.config["MAIL_BACKEND"] = "file"
    app.instance_path = str(tmp_path)
    event = make_event()
    registration = services.register(event.id, applicant(), utcnow()).registration

    [saved] = (tmp_path / "mail").iterdir()
    assert saved.suffix == ".eml" and registration.email in saved.name
    message = email.message_from_bytes(saved.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == f"Anmeldung bestätigt: {event.title}" and message["To"] == registration.email


def test_confirmed_people_are_reminded_once_two_days_before(app, make_event, mailbox):
    from datetime import timedelta

    from conference.registration import notifications

    soon = make_event(starts_at=utcnow() + timedelta(days=1), ends_at=utcnow() + timedelta(days=1, hours=6),
                      registration_closes_at=utcnow() + timedelta(hours=12), capacity=1, venue="Rathaus",
                      street="Neuer Markt 1", postcode="18055", city="Rostock")
    later = make_event()
    seated = services.register(soon.id, applicant(), utcnow()).registration
    waiting = services.register(soon.id, applicant(), utcnow()).registration
    services.register(later.id, applicant(email=seated.email), utcnow())
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
    from tests.registration.test_routes import form_data

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
    person = services.register(with_contact.id, applicant(), utcnow()).registration
    other = services.register(without.id, applicant(), utcnow()).registration
    bulk.send(with_contact.id, None, "confirmed", "Anreise", "Bitte pünktlich.")

    for message in mailbox.to(person.email):  # the confirmation and the message from the organisers
        [sender] = message["From"].addresses
        assert (sender.display_name, sender.addr_spec) == ("Jana Beispiel, Tagungsbüro", "tagung@example.org")
        assert message["Reply-To"] == "tagung@netz.example.org"
    assert len(mailbox.to(person.email)) == 2
    [message] = mailbox.to(other.email)  # the title's colon, dash and umlauts arrive whole: encoded as headers need
    assert message["From"].addresses[0].display_name == "Fachtagung: Vielfalt – Ausbildung in MV"
    assert message["Reply-To"] is None  # no contact: answers would go to the server's own address
