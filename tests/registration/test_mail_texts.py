"""Organisers write the texts of the automatic mails of their event, in German and English, with placeholders."""

import html
import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from conference.audit.models import AuditAction, AuditEntry
from conference.database import utcnow
from conference.events import services as events
from conference.extensions import db
from conference.registration import mail_texts, services
from conference.registration.models import MailText
from tests.support import applicant, form_token, log_in


def texts_page(event, kind="confirmed") -> str:
    return f"/manage/events/{event.id}/registrations/mail-texts/{kind}"


def post_texts(client, event, kind="confirmed", button="save", **fields):
    url = texts_page(event, kind)
    page = client.get(url).get_data(as_text=True)
    current = {
        name: html.unescape(value) for name, value in re.findall(r'name="(subject_\w\w)"[^>]*value="([^"]*)"', page)
    }
    current |= {
        name: html.unescape(value).removeprefix("\r\n").removeprefix("\n")
        for name, value in re.findall(r'<textarea[^>]*name="(text_\w\w)"[^>]*>(.*?)</textarea>', page, re.S)
    }
    assert set(current) == {"subject_de", "text_de", "subject_en", "text_en"}
    return client.post(url, data={"csrf_token": form_token(client, url), button: "1"} | current | fields)


def test_an_organiser_rewrites_the_confirmation_and_registrants_receive_it(client, make_event, make_user, mailbox):
    event = make_event(title="Fachtagung: Vielfalt als Stärke", city="Rostock", venue="Rathaus")
    log_in(client, make_user(events=[event]))
    text = "Liebe/r {first_name},\n\nschön, dass Sie in {place} dabei sind! {{Programm}} folgt.\n\nIhr Team"

    preview = post_texts(client, event, button="preview", subject_de="Bis bald in Rostock – {event}", text_de=text)
    page = preview.get_data(as_text=True)
    assert (
        preview.status_code == 200 and "Liebe/r Erika," in page and "Rathaus, Rostock" in page and "{Programm}" in page
    )
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailText)) == 0  # a preview saves nothing

    assert post_texts(client, event, subject_de="Bis bald in Rostock – {event}", text_de=text).status_code == 303
    german = services.register(event.id, applicant(first_name="Ayşe"), utcnow(), by=None).registration
    english = services.register(event.id, applicant(locale="en"), utcnow(), by=None).registration

    [message] = mailbox.to(german.email)
    assert message["Subject"] == "Bis bald in Rostock – Fachtagung: Vielfalt als Stärke"
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert plain.startswith(
        "Liebe/r Ayşe,\n\nschön, dass Sie in Rathaus, Rostock dabei sind! {Programm} folgt.\n\nIhr Team"
    )
    assert f"Check-in-Code: {german.check_in_code}" in plain  # what makes the mail work stays below the text
    html_part = message.get_body(("html",)).get_content()
    assert "<p>schön, dass Sie in Rathaus, Rostock dabei sind! {Programm} folgt.</p>" in html_part
    [message] = mailbox.to(english.email)  # the English text was left alone
    assert message["Subject"] == f"Registration confirmed: {event.title}"
    assert "thank you for registering. Your place is confirmed." in message.get_body(("plain",)).get_content()

    overview = client.get(f"/manage/events/{event.id}/registrations/mail-texts/").get_data(as_text=True)
    assert overview.count("eigener Text") == 1
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.MAIL_TEXT_SAVED))
    assert entry.changed_values["Betreff (Deutsch)"] == [
        "Anmeldung bestätigt: {event}",
        "Bis bald in Rostock – {event}",
    ]
    assert set(entry.changed_values) == {"Betreff (Deutsch)", "Text (Deutsch)"}
    log = html.unescape(client.get(f"/manage/events/{event.id}/log").get_data(as_text=True))
    assert "Betreff (Deutsch): „Anmeldung bestätigt: {event}“ → „Bis bald in Rostock – {event}“" in log

    url = texts_page(event)
    question = client.post(url, data={"csrf_token": form_token(client, url), "reset": "1"}).get_data(as_text=True)
    assert "Zurück zum Standardtext?" in question and "werden gelöscht" in question  # asked first, nothing reset
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailText)) == 1
    reset = client.post(
        url, data={"csrf_token": form_token(client, url), "reset": "1", "confirmed": "1"}, follow_redirects=True
    )
    assert "verwendet wieder den Standardtext" in reset.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailText)) == 0
    again = services.register(event.id, applicant(first_name="Jan"), utcnow(), by=None).registration
    assert mailbox.to(again.email)[0]["Subject"] == "Anmeldung bestätigt: Fachtagung: Vielfalt als Stärke"


@pytest.mark.parametrize(
    "text, refusal",
    [
        ("Hallo {vorname}", "{vorname} ist kein Platzhalter dieser E-Mail"),
        ("{name.__class__.__init__.__globals__}", "ist kein Platzhalter"),
        ("{event.title}", "ist kein Platzhalter"),
        ("{name:>999999999}", "{name:>999999999} ist kein Platzhalter"),
        ("{name!r}", "ist kein Platzhalter"),
        ("{0}", "ist kein Platzhalter"),
        ("Ihr Platz: {position}", "{position} ist kein Platzhalter"),  # only the waiting-list mail has one
        ("Klammer { auf", "Eine geschweifte Klammer ist nicht geschlossen"),
        ("Klammer } zu", "Eine geschweifte Klammer ist nicht geschlossen"),
    ],
)
def test_a_text_that_could_reach_into_the_app_or_fail_later_is_refused_and_nothing_stored(
    client, make_event, make_user, text, refusal
):
    event = make_event()
    log_in(client, make_user(events=[event]))

    response = post_texts(client, event, text_de=text)

    assert response.status_code == 422 and refusal in html.unescape(response.get_data(as_text=True))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailText)) == 0


def test_start_end_and_address_say_when_to_come_and_where_in_the_persons_language(
    client, make_event, make_user, mailbox
):
    """{time} is the range ("9.30 – 16.00 Uhr"): "um {time}" read "um 9.30 – 16.00 Uhr"."""
    start = (
        (utcnow() + timedelta(weeks=4))
        .astimezone(ZoneInfo("Europe/Berlin"))
        .replace(hour=9, minute=30, second=0, microsecond=0)
    )
    event = make_event(
        starts_at=start,
        ends_at=start.replace(hour=16, minute=0),
        venue="Rathaus",
        street="Neuer Markt 1",
        postcode="18055",
        city="Rostock",
    )
    log_in(client, make_user(events=[event]))
    saved = post_texts(
        client,
        event,
        subject_de="Am {date} um {start} Uhr",
        text_de="Hallo {name},\n\nbis {end} Uhr in {address}.",
        subject_en="On {date} at {start}",
        text_en="Hello {name},\n\nuntil {end} at {address}.",
    )
    assert saved.status_code == 303
    german = services.register(event.id, applicant(), utcnow(), by=None).registration
    english = services.register(event.id, applicant(locale="en"), utcnow(), by=None).registration

    [message] = mailbox.to(german.email)
    assert message["Subject"].endswith(" um 9.30 Uhr")
    assert "bis 16.00 Uhr in Rathaus, Neuer Markt 1, 18055 Rostock." in message.get_body(("plain",)).get_content()
    [message] = mailbox.to(english.email)
    assert message["Subject"].endswith(" at 09:30")
    assert "until 16:00 at Rathaus, Neuer Markt 1, 18055 Rostock." in message.get_body(("plain",)).get_content()


def test_even_a_stored_text_is_filled_by_plain_names_only():
    values = {"name": "Erika Mustermann"}
    assert mail_texts.fill("{name.__class__}|{name[0]}|{name}|{{x}}", values) == "||Erika Mustermann|{x}"


@pytest.mark.parametrize("locale", mail_texts.LOCALES)
def test_every_default_text_uses_only_placeholders_its_mail_can_fill(app, locale):
    with app.test_request_context(), force_locale(locale):
        for kind in mail_texts.KINDS:
            subject, text = mail_texts.default(kind, locale)
            mail_texts.check(kind, subject, "subject")
            mail_texts.check(kind, text, "text")
            assert text.startswith("{greeting},")  # by form of address and title, or by name


def test_the_waiting_list_mail_tells_the_place_and_texts_follow_a_duplicated_event(
    client, make_event, make_user, mailbox
):
    event = make_event(capacity=1)
    organiser = make_user(events=[event])
    log_in(client, organiser)
    post_texts(
        client,
        event,
        kind="waitlisted",
        subject_de="Warteliste ({position})",
        text_de="Hallo {name},\n\nSie sind Nummer {position}.",
    )
    services.register(event.id, applicant(), utcnow(), by=None)
    services.register(event.id, applicant(), utcnow(), by=None)
    third = services.register(event.id, applicant(), utcnow(), by=None).registration

    [message] = mailbox.to(third.email)
    assert message["Subject"] == "Warteliste (2)" and "Sie sind Nummer 2." in message.get_body(("plain",)).get_content()

    copy = events.duplicate(
        event.id, "Zweite Runde", "zweite-runde", event.starts_at + timedelta(days=30), by=organiser
    )
    assert mail_texts.current(copy.id, "waitlisted", "de") == (
        "Warteliste ({position})",
        "Hallo {name},\n\nSie sind Nummer {position}.",
    )


def test_a_check_in_helper_cannot_change_mail_texts(client, make_event, make_user):
    from conference.accounts.models import EventAssignment, EventRole, UserRole

    event = make_event()
    helper = make_user(role=UserRole.CHECK_IN)
    db.session.add(EventAssignment(user_id=helper.id, event_id=event.id, role=EventRole.CHECK_IN))
    db.session.commit()
    log_in(client, helper)
    assert client.get(texts_page(event)).status_code in (403, 404)
    assert client.get(f"/manage/events/{event.id}/registrations/mail-texts/unknown").status_code in (403, 404)
