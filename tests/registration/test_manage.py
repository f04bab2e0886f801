import html
import re

import pytest
import sqlalchemy as sa

from conference.database import utcnow
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration
from conference.registration.models import RegistrationStatus as S
from tests.support import applicant, check_in, form_as_sent, form_token, log_in


def test_organisers_search_and_filter_registrations(client, make_event, make_user):
    event = make_event(capacity=1)
    services.register(
        event.id, applicant(first_name="Olga", last_name="Melnyk", organisation="AFZ Rostock"), utcnow(), by=None
    )
    services.register(event.id, applicant(first_name="Karim", last_name="Haddad"), utcnow(), by=None)
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/"

    everyone = client.get(url).get_data(as_text=True)
    assert "Olga Melnyk" in everyone and "Karim Haddad" in everyone and "Bestätigt: 1" in everyone
    assert everyone.index("Karim Haddad") < everyone.index("Olga Melnyk")  # by last name
    found = client.get(url + "?q=rostock").get_data(as_text=True)
    assert "Olga Melnyk" in found and "Karim Haddad" not in found
    waiting = client.get(url + "?status=waitlisted").get_data(as_text=True)
    assert "Karim Haddad" in waiting and "Olga Melnyk" not in waiting


def test_approving_a_pending_registration_confirms_and_mails_it(client, make_event, make_user, mailbox):
    event = make_event(requires_approval=True)
    pending = services.register(event.id, applicant(), utcnow(), by=None).registration
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/"

    response = client.post(url + f"{pending.id}/approve", data={"csrf_token": form_token(client, url)})

    assert response.status_code == 303
    assert db.session.get(Registration, pending.id).status == S.CONFIRMED
    assert mailbox.to(pending.email)[-1]["Subject"] == f"Anmeldung bestätigt: {event.title}"


def test_moving_up_needs_a_free_seat(client, make_event, make_user):
    event = make_event(capacity=1)
    services.register(event.id, applicant(), utcnow(), by=None)
    waiting = services.register(event.id, applicant(), utcnow(), by=None).registration
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/"

    response = client.post(
        url + f"{waiting.id}/promote", data={"csrf_token": form_token(client, url)}, follow_redirects=True
    )

    assert "Kein Platz ist frei" in response.get_data(as_text=True)
    assert db.session.get(Registration, waiting.id).status == S.WAITLISTED


def test_forged_ids_and_missing_tokens_change_nothing(client, make_event, make_user):
    mine, other = make_event(), make_event()
    stranger = services.register(other.id, applicant(), utcnow(), by=None).registration
    own = services.register(mine.id, applicant(), utcnow(), by=None).registration
    log_in(client, make_user(events=[mine]))
    url = f"/manage/events/{mine.id}/registrations/"
    token = form_token(client, url)

    assert client.post(url + f"{stranger.id}/cancel", data={"csrf_token": token}).status_code == 404
    assert client.post(url + f"{own.id}/explode", data={"csrf_token": token}).status_code == 404
    assert client.post(url + f"{own.id}/cancel").status_code == 400
    statuses = db.session.scalars(sa.select(Registration.status)).all()
    assert statuses == [S.CONFIRMED, S.CONFIRMED]


def test_organisers_add_a_phone_registration_even_after_closing(client, make_event, make_user, mailbox):
    from datetime import timedelta

    event = make_event(registration_closes_at=utcnow() - timedelta(days=1))
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/new"
    page = client.get(url).get_data(as_text=True)
    assert "Die Person hat den Datenschutzhinweisen zugestimmt" in page

    response = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "first_name": "Hamid",
            "last_name": "Rahimi",
            "email": "hamid@example.org",
            "privacy": "y",
        },
    )

    assert response.status_code == 303
    [registration] = db.session.scalars(sa.select(Registration)).all()
    assert registration.full_name == "Hamid Rahimi" and registration.status == S.CONFIRMED
    assert mailbox.to("hamid@example.org")[0]["Subject"] == f"Anmeldung bestätigt: {event.title}"


def test_changes_in_the_back_office_are_logged_with_who_and_what(client, make_event, make_user):
    event = make_event(requires_approval=True)
    pending = services.register(
        event.id, applicant(first_name="Lina", last_name="Petrova"), utcnow(), by=None
    ).registration
    organiser = make_user(events=[event])
    log_in(client, organiser)
    url = f"/manage/events/{event.id}/registrations/"
    client.post(url + f"{pending.id}/approve", data={"csrf_token": form_token(client, url)})

    html = client.get(f"/manage/events/{event.id}/log").get_data(as_text=True)

    assert organiser.name in html and "Anmeldung bestätigt" in html and "Lina Petrova" in html


def test_the_dashboard_shows_seats_waiting_forums_and_check_in(client, make_event, make_user, make_forums):
    event = make_event(capacity=2)
    forum, _ = make_forums(event, 10, 10)
    first = services.register(event.id, applicant(forums=[forum.id]), utcnow(), by=None).registration
    services.register(event.id, applicant(forums=[forum.id]), utcnow(), by=None)
    services.register(event.id, applicant(forums=[forum.id]), utcnow(), by=None)
    check_in(first)
    log_in(client, make_user(events=[event]))

    html = client.get(f"/manage/events/{event.id}/registrations/dashboard").get_data(as_text=True)

    assert "<dt>Besetzte Plätze</dt><dd>2 / 2</dd>" in html and "<dt>Freie Plätze</dt><dd>0</dd>" in html
    assert "<dt>Auf der Warteliste</dt><dd>1</dd>" in html and "<dt>Eingecheckt</dt><dd>1 / 2</dd>" in html
    assert "<td>2 / 10</td>" in html  # the wish of the person waiting does not count
    assert f"<td>{utcnow():%d.%m.%Y}</td><td>3</td>" in html  # a German date


def test_writing_to_registrants_previews_then_sends_in_the_background_and_keeps_a_record(
    client, make_event, make_user, mailbox
):
    event = make_event(capacity=3)
    people = [
        services.register(event.id, applicant(first_name=f"Person{i}"), utcnow(), by=None).registration
        for i in range(4)
    ]
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    data = {
        "csrf_token": form_token(client, url),
        "audience": "confirmed",
        "subject": "Raumänderung",
        "body": "Wir tagen im Großen Saal.\n<b>Bitte</b> pünktlich sein.",
    }

    preview = client.post(url, data=data | {"preview": "1"}).get_data(as_text=True)
    assert "geht an 3 Personen" in preview and "&lt;b&gt;Bitte" in preview
    assert any(f"Guten Tag {person.full_name}," in preview for person in people[:3])
    assert "/registrations/beispiel" in preview  # a stand-in: the person's secret link is theirs alone
    assert not any(services.link_token(person) in preview for person in people)
    assert mailbox.messages == []  # a preview sends nothing

    client.post(url, data=data | {"send": "1"})  # a background task sends them (in the tests: at once)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(p.email for p in people[:3])
    assert mailbox.messages[0]["Subject"] == "Raumänderung"
    assert "Wir tagen im Großen Saal." in mailbox.messages[0].get_content()
    assert "3 / 3" in client.get(url).get_data(as_text=True)


def test_a_message_fills_the_placeholders_of_the_mail_texts_for_each_person_and_keeps_them_stored(
    client, make_event, make_user, mailbox
):
    from flask_babel import format_date

    from conference.registration.models import BulkMessage

    event = make_event(venue="Rathaus", street="Neuer Markt 1", postcode="18055", city="Rostock")
    people = [
        services.register(event.id, applicant(first_name=name), utcnow(), by=None).registration
        for name in ("Ayşe", "Jan")
    ]
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    page = client.get(url).get_data(as_text=True)
    assert "<code>{start}</code>" in page and "<code>{link}</code>" in page and "<code>{position}</code>" not in page
    data = {
        "csrf_token": form_token(client, url),
        "audience": "confirmed",
        "subject": "Wichtige Hinweise zur Anreise am {date}",
        "body": "Liebe/r {first_name},\nwir beginnen um {start} Uhr in {address}.\nIhre Anmeldung: {link}",
    }
    date = format_date(event.starts_at, "long")

    preview = html.unescape(client.post(url, data=data | {"preview": "1"}).get_data(as_text=True))
    first = min(people, key=lambda person: person.last_name)
    assert f"Wichtige Hinweise zur Anreise am {date}" in preview and "{date}" not in preview.split("Vorschau")[-1]
    assert f"Liebe/r {first.first_name},\nwir beginnen um " in preview
    assert "Rathaus, Neuer Markt 1, 18055 Rostock" in preview
    assert "Ihre Anmeldung: http://localhost/registrations/beispiel" in preview  # a stand-in: never a real link
    assert not any(services.link_token(person) in preview for person in people) and mailbox.messages == []

    assert client.post(url, data=data | {"send": "1"}).status_code == 303
    for person in people:
        [message] = mailbox.to(person.email)
        assert message["Subject"] == f"Wichtige Hinweise zur Anreise am {date}"
        text = message.get_content()
        assert f"Liebe/r {person.first_name},\r\n" in text and "in Rathaus, Neuer Markt 1, 18055 Rostock." in text
        assert f"Ihre Anmeldung: http://localhost/registrations/{services.link_token(person)}" in text
    stored = db.session.scalar(sa.select(BulkMessage))
    assert stored.subject == "Wichtige Hinweise zur Anreise am {date}" and "{link}" in stored.body


def test_people_who_registered_in_english_get_the_english_version_in_english_and_without_one_all_get_german(
    client, make_event, make_user, mailbox
):
    from flask_babel import format_date

    from conference.site.i18n import speaking

    event = make_event()
    german = services.register(event.id, applicant(last_name="Albers"), utcnow(), by=None).registration
    english = services.register(event.id, applicant(last_name="Brown", locale="en"), utcnow(), by=None).registration
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    page = client.get(url).get_data(as_text=True)
    assert 'name="subject_en"' in page and 'name="body_en"' in page
    # Said beside the fields:
    assert "Ohne sie erhalten alle die Nachricht oben, mit Anrede und Link auf Deutsch." in page
    german_only = {
        "csrf_token": form_token(client, url),
        "audience": "active",
        "subject": "Anreise am {date}",
        "body": "Bitte bringen Sie Ihren Ausweis mit.",
    }

    client.post(url, data=german_only | {"send": "1"})
    [message] = mailbox.to(english.email)  # no English version: the German one, framed in German, not "Hello …"
    assert message["Subject"] == f"Anreise am {format_date(event.starts_at, 'long')}"
    text = message.get_content()
    assert text.startswith(f"Guten Tag {english.full_name},")
    assert "Hello" not in text and "Your registration" not in text
    assert "Ihre Anmeldung – hier können Sie sie ansehen" in text
    mailbox.messages.clear()

    both = german_only | {"subject_en": "Arrival on {date}", "body_en": "Please bring your ID, {first_name}."}
    preview = html.unescape(client.post(url, data=both | {"preview": "1"}).get_data(as_text=True))
    assert "<h3>Deutsch</h3>" in preview and "<h3>Englisch</h3>" in preview
    assert f"Guten Tag {german.full_name}," in preview and f"Hello {english.full_name}," in preview
    assert f"Please bring your ID, {english.first_name}." in preview and preview.count("/registrations/beispiel") == 2
    client.post(url, data=both | {"send": "1"})

    with speaking("en"):
        english_date = format_date(event.starts_at, "long")
    [message] = mailbox.to(english.email)
    assert message["Subject"] == f"Arrival on {english_date}"
    text = message.get_content()
    assert text.startswith(f"Hello {english.full_name},") and f"Please bring your ID, {english.first_name}." in text
    assert "Your registration – view, change or cancel it here:" in text and "Guten Tag" not in text
    [message] = mailbox.to(german.email)
    assert message["Subject"].startswith("Anreise am ")
    assert "Bitte bringen Sie Ihren Ausweis mit." in message.get_content()
    export = client.get(f"/registrations/{services.link_token(english)}/my-data.json").get_json()
    assert [(mail["subject"], mail["text"]) for mail in export["mails"] if mail["kind"] == "bulk"] == [
        (f"Anreise am {format_date(event.starts_at, 'long')}", "Bitte bringen Sie Ihren Ausweis mit."),
        (f"Arrival on {english_date}", f"Please bring your ID, {english.first_name}."),
    ]  # what each mail said


@pytest.mark.parametrize(
    "given, missing", [({"subject_en": "Arrival"}, "body_en"), ({"body_en": "Text"}, "subject_en")]
)
def test_half_an_english_version_is_refused_and_nothing_sent(client, make_event, make_user, mailbox, given, missing):
    from conference.registration.models import BulkMessage

    event = make_event()
    services.register(event.id, applicant(locale="en"), utcnow(), by=None)
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    data = {
        "csrf_token": form_token(client, url),
        "audience": "confirmed",
        "subject": "Anreise",
        "body": "Text",
        "send": "1",
    }

    response = client.post(url, data=data | given)

    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 422 and f'<a href="#{missing}">' in page
    assert "Die englische Fassung braucht einen Betreff und eine Nachricht – oder keines von beiden." in page
    assert mailbox.messages == [] and db.session.scalar(sa.select(BulkMessage)) is None


@pytest.mark.parametrize("button", ["preview", "send"])
@pytest.mark.parametrize(
    "field, text, refusal",
    [
        (
            "subject",
            "Hinweise für {vorname}",
            "{vorname} ist kein Platzhalter dieser E-Mail. Möglich sind: {greeting}, {name}",
        ),
        ("body", "Sie sind Nummer {position}.", "{position} ist kein Platzhalter dieser E-Mail"),
        ("body", "{name.__class__}", "ist kein Platzhalter"),
        ("body", "Klammer { auf", "Eine geschweifte Klammer ist nicht geschlossen"),
    ],
)
def test_a_message_with_a_placeholder_it_cannot_fill_is_refused_as_a_mail_text_is(
    client, make_event, make_user, mailbox, button, field, text, refusal
):
    from conference.registration.models import BulkMessage

    event = make_event()
    services.register(event.id, applicant(), utcnow(), by=None)
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    data = {"csrf_token": form_token(client, url), "audience": "confirmed", "subject": "Anreise", "body": "Text"}

    response = client.post(url, data=data | {field: text, button: "1"})

    assert response.status_code == 422 and refusal in html.unescape(response.get_data(as_text=True))
    assert mailbox.messages == [] and db.session.scalar(sa.select(BulkMessage)) is None


def test_every_text_of_a_message_with_a_placeholder_it_cannot_fill_is_named_at_once(client, make_event, make_user):
    event = make_event()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    data = {
        "csrf_token": form_token(client, url),
        "audience": "confirmed",
        "subject": "Test {foo}",
        "body": "Hallo {nmae}",
        "subject_en": "Test",
        "preview": "1",
    }

    page = html.unescape(client.post(url, data=data).get_data(as_text=True))

    assert "{foo} ist kein Platzhalter" in page and "{nmae} ist kein Platzhalter" in page
    assert "Die englische Fassung braucht" in page


def test_organisers_edit_a_registration_after_registration_closed(client, make_event, make_user, make_forums):
    from datetime import timedelta

    event = make_event()
    first, second = make_forums(event, 10, 10)
    person = services.register(event.id, applicant(forums=[first.id]), utcnow(), by=None).registration
    event.registration_closes_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/{person.id}"
    assert f'value="{person.first_name}"' in client.get(url).get_data(as_text=True)

    response = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "first_name": person.first_name,
            "last_name": "Neu",
            "forum_0": str(second.id),
        },
    )

    assert response.status_code == 303
    db.session.refresh(person)
    assert person.last_name == "Neu" and [c.agenda_item_id for c in person.forum_choices] == [second.id]


def test_going_back_after_an_action_stays_on_the_site(client, make_event, make_user):
    event = make_event(requires_approval=True)
    pending = services.register(event.id, applicant(), utcnow(), by=None).registration
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/"
    for back, location in (("////evil.example", "/"), (f"{url}?q=x", f"{url}?q=x")):
        response = client.post(url + f"{pending.id}/reject", data={"csrf_token": form_token(client, url), "back": back})
        assert response.headers["Location"] == location


def test_line_breaks_in_one_line_fields_cannot_break_later_mails(client, make_event, make_user, mailbox):
    event = make_event()
    person = services.register(event.id, applicant(), utcnow(), by=None).registration
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    data = {
        "csrf_token": form_token(client, url),
        "audience": "confirmed",
        "subject": "Raum\r\nBcc: alle@example.org",
        "body": "Zeile eins\nZeile zwei",
        "send": "1",
    }
    assert client.post(url, data=data).status_code == 303
    [message] = mailbox.to(person.email)
    assert message["Subject"] == "Raum Bcc: alle@example.org" and message["Bcc"] is None
    assert "Zeile eins\r\nZeile zwei" in message.get_content()  # a text area keeps its lines


@pytest.mark.parametrize("line_break", ["\x85", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e"])
def test_every_kind_of_line_break_in_a_subject_is_previewed_and_sent_on_one_line(
    client, make_event, make_user, mailbox, line_break
):
    """What str.splitlines() breaks a line at (NEL, the Unicode separators, VT, FF, FS/GS/RS) made the preview
    answer 500 and every mail of the message fail."""
    event = make_event()
    person = services.register(event.id, applicant(), utcnow(), by=None).registration
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    data = {
        "csrf_token": form_token(client, url),
        "audience": "confirmed",
        "subject": f"Anreise{line_break}Hinweise",
        "body": f"Zeile eins{line_break}Zeile zwei",
    }

    preview = client.post(url, data=data | {"preview": "1"})
    assert preview.status_code == 200 and "Anreise Hinweise" in preview.get_data(as_text=True)
    assert client.post(url, data=data | {"send": "1"}).status_code == 303
    [message] = mailbox.to(person.email)
    assert message["Subject"] == "Anreise Hinweise"
    assert "Zeile eins\r\nZeile zwei" in message.get_content()  # in a text area it is a line break


def test_a_message_stored_with_a_line_break_in_its_subject_still_goes_out(make_event, mailbox):
    """Stored before one-line fields lost every kind of line break: the mail is built with a one-line subject."""
    from conference.registration import bulk
    from conference.registration.models import BulkMessage

    event = make_event()
    person = services.register(event.id, applicant(), utcnow(), by=None).registration
    mailbox.messages.clear()
    sent = bulk.send(event.id, "confirmed", "Anreise\x85Hinweise", "Text", by=None)
    assert db.session.get(BulkMessage, sent.id).subject == "Anreise\x85Hinweise"
    assert [message["Subject"] for message in mailbox.to(person.email)] == ["Anreise Hinweise"]


def test_cancelling_or_rejecting_in_the_list_asks_first(client, make_event, make_user):
    event = make_event(requires_approval=True)
    person = services.register(
        event.id, applicant(first_name="Amina", last_name="Said"), utcnow(), by=None
    ).registration
    log_in(client, make_user(events=[event]))
    listing = f"/manage/events/{event.id}/registrations/"

    html = client.get(listing).get_data(as_text=True)
    question = re.search(rf'href="(/manage/events/{event.id}/registrations/{person.id}/reject[^"]*)"', html).group(1)
    page = client.get(question.replace("&amp;", "&")).get_data(as_text=True)
    assert "Die Anmeldung von Amina Said ablehnen?" in page
    assert db.session.get(Registration, person.id).status == S.PENDING  # asking changed nothing
    response = client.post(
        f"/manage/events/{event.id}/registrations/{person.id}/reject",
        data={"csrf_token": form_token(client, listing), "back": listing},
    )
    assert response.status_code == 303 and response.location == listing
    db.session.expire_all()
    assert db.session.get(Registration, person.id).status == S.REJECTED
    assert client.get(f"/manage/events/{event.id}/registrations/{person.id}/approve").status_code == 405


def test_a_registration_on_paper_without_an_address_gets_no_mail_but_a_place_a_badge_and_a_certificate(
    client, make_event, make_user, mailbox
):
    from datetime import timedelta

    from conference.check_in import services as door
    from conference.check_in.services import Scan
    from conference.documents import certificates

    event = make_event()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/new"
    page = client.get(url).get_data(as_text=True)
    assert "Zur Person" in page and "Über Sie" not in page and "später über den Link" not in page
    mailbox.messages.clear()

    for name in ("Hamid", "Leyla"):  # two without an address: no clash between them
        response = client.post(
            url,
            data={
                "csrf_token": form_token(client, url),
                "first_name": name,
                "last_name": "Rahimi",
                "email": "",
                "privacy": "y",
            },
        )
        assert response.status_code == 303
    people = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    assert [(p.first_name, p.email, p.status) for p in people] == [
        ("Hamid", None, S.CONFIRMED),
        ("Leyla", None, S.CONFIRMED),
    ]
    assert mailbox.messages == []
    assert "keine E-Mail-Adresse" in client.get(f"/manage/events/{event.id}/registrations/").get_data(as_text=True)
    with client.get(f"/manage/events/{event.id}/documents/badges.pdf") as badges:
        assert badges.status_code == 200
    door.check_in(
        event, Scan(people[0].check_in_code), event.starts_at + timedelta(minutes=5), may_correct=True, by=None
    )
    assert certificates.issue([people[0]], event.ends_at + timedelta(hours=1))[people[0].id].number
    # Registrants themselves still need one.
    with pytest.raises(services.RegistrationError):
        services.register(event.id, applicant(email=""), utcnow(), by=None)


def test_a_cancellation_made_by_mistake_is_undone_while_the_place_is_free(client, make_event, make_user, mailbox):
    event = make_event(capacity=1)
    person = services.register(
        event.id, applicant(first_name="Amina", last_name="Said"), utcnow(), by=None
    ).registration
    log_in(client, make_user(events=[event]))
    listing = f"/manage/events/{event.id}/registrations/"
    client.post(f"{listing}{person.id}/cancel", data={"csrf_token": form_token(client, listing)})
    mailbox.messages.clear()

    assert f"{person.id}/restore" in client.get(listing).get_data(as_text=True)
    client.post(f"{listing}{person.id}/restore", data={"csrf_token": form_token(client, listing)})

    db.session.expire_all()
    assert db.session.get(Registration, person.id).status == S.CONFIRMED
    assert mailbox.to(person.email)[0]["Subject"] == f"Ihre Anmeldung gilt wieder: {event.title}"
    # Once someone else has the place, it cannot be undone.
    client.post(f"{listing}{person.id}/cancel", data={"csrf_token": form_token(client, listing)})
    services.register(event.id, applicant(), utcnow(), by=None)
    refused = client.post(
        f"{listing}{person.id}/restore", data={"csrf_token": form_token(client, listing)}, follow_redirects=True
    )
    assert "Der Platz ist inzwischen vergeben" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, person.id).status == S.CANCELLED


def test_an_event_under_way_or_over_offers_no_cancelling_in_the_list(client, make_event, make_user):
    from datetime import timedelta

    started = make_event(starts_at=utcnow() - timedelta(hours=1), ends_at=utcnow() + timedelta(hours=5))
    person = services.register(
        started.id, applicant(), utcnow() - timedelta(days=1), by_organiser=True, by=None
    ).registration
    log_in(client, make_user(events=[started]))
    assert f"{person.id}/cancel" not in client.get(f"/manage/events/{started.id}/registrations/").get_data(as_text=True)


def test_an_address_can_be_added_later_to_a_registration_taken_by_phone(client, make_event, make_user, mailbox):
    event = make_event()
    services.register(event.id, applicant(email="schon@example.org"), utcnow(), by=None)
    by_phone = services.register(
        event.id, applicant(first_name="Dieter", email=""), utcnow(), by_organiser=True, by=None
    ).registration
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/{by_phone.id}"
    fields = {
        "csrf_token": form_token(client, url),
        "first_name": "Dieter",
        "last_name": "Nachname",
        "organisation": "Bildungszentrum",
    }

    refused = client.post(url, data=fields | {"email": "SCHON@example.org"})
    assert refused.status_code == 422 and "bereits jemand mit dieser E-Mail-Adresse angemeldet" in refused.get_data(
        as_text=True
    )
    assert client.post(url, data=fields | {"email": "Dieter@Example.org"}).status_code == 303

    db.session.expire_all()
    assert db.session.get(Registration, by_phone.id).email == "dieter@example.org"
    assert mailbox.to("dieter@example.org")[0]["Subject"] == f"Anmeldung bestätigt: {event.title}"


def link_in(message) -> str:
    return re.search(r"/registrations/[0-9a-f]{64}", message.get_body(("plain",)).get_content()).group(0)


def test_an_organiser_corrects_a_mistyped_address_and_only_the_new_one_gets_the_new_link(
    client, make_event, make_user, mailbox
):
    from conference.audit.models import AuditAction, AuditEntry

    event = make_event()
    services.register(event.id, applicant(email="vergeben@example.org"), utcnow(), by=None)
    person = services.register(
        event.id, applicant(first_name="Amina", last_name="Said", email="amina@exmaple.org"), utcnow(), by=None
    ).registration
    [first_mail] = mailbox.to("amina@exmaple.org")
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/{person.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'value="amina@exmaple.org"' in page and "Tippfehler" in page
    sent = form_as_sent(page)

    for typed, error in (
        ("vergeben@example.org", "bereits jemand mit dieser E-Mail-Adresse angemeldet"),
        ("amina@", "gültige E-Mail-Adresse"),
    ):
        refused = client.post(url, data=sent | {"email": typed})
        assert refused.status_code == 422 and error in refused.get_data(as_text=True)
    saved = client.post(url, data=sent | {"email": " Amina@Example.org"}, follow_redirects=True)

    assert "Der Link zur Anmeldung ist erneuert und unterwegs an amina@example.org." in saved.get_data(as_text=True)
    assert mailbox.to("amina@exmaple.org") == [first_mail]  # the mistaken address gets nothing more
    [new_mail] = mailbox.to("amina@example.org")
    assert new_mail["Subject"] == f"Anmeldung bestätigt: {event.title}" and "event.ics" in str(new_mail)
    assert client.get(link_in(first_mail)).status_code == 404  # what went to the mistaken address opens nothing
    assert "Amina Said" in client.get(link_in(new_mail)).get_data(as_text=True)
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REGISTRATION_CHANGED))
    assert (entry.changed_fields, entry.changed_values) == (["E-Mail-Adresse"], {})
    assert "example" not in str((entry.subject, entry.changed_fields, entry.changed_values))


def test_organisers_send_the_confirmation_or_the_link_again_but_never_twice_within_a_minute(
    client, make_event, make_user, mailbox
):
    from datetime import timedelta

    import icalendar

    from conference.audit.models import AuditAction, AuditEntry
    from conference.mail.models import OutgoingMail

    def a_minute_passes():
        for mail in db.session.scalars(sa.select(OutgoingMail)):
            mail.created_at -= timedelta(seconds=61)
        db.session.commit()

    event = make_event(title="Fachtagung Anerkennung")
    person = services.register(event.id, applicant(), utcnow(), by=None).registration
    mailbox.messages.clear()
    organiser = make_user(events=[event])
    log_in(client, organiser)
    url = f"/manage/events/{event.id}/registrations/{person.id}"
    assert "Anmeldebestätigung erneut senden" in client.get(url).get_data(as_text=True)

    def press(what: str) -> str:
        return client.post(
            f"{url}/mail", data={"csrf_token": form_token(client, url), "what": what}, follow_redirects=True
        ).get_data(as_text=True)

    assert "vor weniger als einer Minute eine Mail gegangen" in press("confirmation")  # the one sent on registering
    a_minute_passes()
    assert f"Die Anmeldebestätigung ist unterwegs an {person.email}." in press("confirmation")
    assert "vor weniger als einer Minute" in press("confirmation") and "vor weniger als einer Minute" in press("link")
    [confirmation] = mailbox.to(person.email)
    assert confirmation["Subject"] == "Anmeldung bestätigt: Fachtagung Anerkennung"
    [calendar] = [part for part in confirmation.iter_attachments() if part.get_filename() == "event.ics"]
    [appointment] = icalendar.Calendar.from_ical(calendar.get_content()).walk("VEVENT")
    assert str(appointment["SUMMARY"]) == "Fachtagung Anerkennung"

    a_minute_passes()
    assert f"Der Link ist unterwegs an {person.email}." in press("link")
    link = mailbox.to(person.email)[1].get_body(("plain",)).get_content()
    assert "das Organisationsteam schickt Ihnen den Link zu Ihrer Anmeldung noch einmal" in link
    own_page = client.get(re.search(r"/registrations/[0-9a-f]{64}", link).group(0))
    assert person.full_name in own_page.get_data(as_text=True)
    logged = db.session.execute(sa.select(AuditEntry.action, AuditEntry.user_id).order_by(AuditEntry.id)).all()
    assert logged == [(AuditAction.CONFIRMATION_SENT_AGAIN, organiser.id), (AuditAction.LINK_SENT_AGAIN, organiser.id)]

    services.cancel(person.id, utcnow(), by=None)
    mailbox.messages.clear()
    a_minute_passes()
    assert "Anmeldebestätigung erneut senden" not in client.get(url).get_data(as_text=True)
    assert "kann keine Mail gesendet werden" in press("link") and mailbox.messages == []


def test_the_registration_page_shows_the_code_the_door_scans_and_prints_the_persons_own_ticket(
    app, client, make_event, make_user
):
    import subprocess

    from tests.support.reading import codes_in_image_uri, codes_in_pdf

    def text_of(pdf: bytes) -> str:
        return " ".join(
            subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode().split()
        )

    event = make_event(capacity=1)
    person = services.register(
        event.id, applicant(first_name="Olga", last_name="Melnyk", locale="en"), utcnow(), by=None
    ).registration
    waiting = services.register(event.id, applicant(), utcnow(), by=None).registration
    other = services.register(make_event().id, applicant(), utcnow(), by=None).registration
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/"

    page = client.get(f"{url}{person.id}").get_data(as_text=True)
    assert f'<span class="code">{person.check_in_code}</span>' in page
    [code] = codes_in_image_uri(re.search(r'<img class="qr-code" src="([^"]+)"', page).group(1))
    assert code.text == person.check_in_code
    ticket = re.search(r'href="([^"]+)">Ticket \(PDF\), wie die Person es hat', page).group(1)
    with client.get(ticket) as response:
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        organisers_copy = response.data
    assert [[code.text for code in codes] for codes in codes_in_pdf(organisers_copy)] == [[person.check_in_code]]
    with app.test_client() as registrant:  # in her language, as she gets it behind her link
        own = registrant.get(f"/registrations/{services.link_token(person)}/ticket.pdf").data
    assert "Show this code at the entrance." in text_of(organisers_copy) and text_of(organisers_copy) == text_of(own)

    waiting_page = client.get(f"{url}{waiting.id}").get_data(as_text=True)
    assert "Check-in-Code und Ticket gibt es mit der Bestätigung des Platzes." in waiting_page
    assert waiting.check_in_code not in waiting_page
    documents = f"/manage/events/{event.id}/documents/tickets"
    assert client.get(f"{documents}/{waiting.id}.pdf").status_code == 404
    assert client.get(f"{documents}/{other.id}.pdf").status_code == 404  # of another event


def test_an_internal_note_stays_with_the_organisers_but_is_part_of_the_persons_data(
    client, make_event, make_user, mailbox
):
    import json
    from datetime import timedelta

    from conference.audit.models import AuditAction, AuditEntry
    from conference.mail.models import OutgoingMail

    event = make_event()
    person = services.register(
        event.id, applicant(first_name="Amina", last_name="Said"), utcnow(), by=None
    ).registration
    first, second = make_user(events=[event]), make_user(events=[event])
    url = f"/manage/events/{event.id}/registrations/{person.id}"

    def version_read_by(organiser) -> str:
        log_in(client, organiser)
        return re.search(r'name="version" value="(\w+)"', client.get(url).get_data(as_text=True)).group(1)

    def save(version: str, note: str):
        return client.post(
            f"{url}/note",
            follow_redirects=True,
            data={"csrf_token": form_token(client, url), "version": version, "note": note},
        )

    read_by_first, read_by_second = version_read_by(first), version_read_by(second)
    log_in(client, first)
    saved = save(read_by_first, "Braucht einen Platz\r\nnahe der Tür").get_data(as_text=True)
    assert "Die Notiz ist gespeichert." in saved and "Braucht einen Platz\nnahe der Tür</textarea>" in saved
    log_in(client, second)
    clash = save(read_by_second, "Kommt mit Assistenzhund")
    html = clash.get_data(as_text=True)
    assert clash.status_code == 422 and "Jemand anderes hat die Notiz inzwischen geändert" in html
    assert "Inzwischen gespeichert:" in html and "Kommt mit Assistenzhund</textarea>" in html
    db.session.expire_all()
    assert db.session.get(Registration, person.id).note == "Braucht einen Platz\nnahe der Tür"  # nothing lost
    again = re.search(r'name="version" value="(\w+)"', html).group(1)
    save(again, "Braucht einen Platz nahe der Tür, kommt mit Assistenzhund")
    too_long = save(again, "x" * 2001)
    assert too_long.status_code == 422 and "2000" in too_long.get_data(as_text=True)

    db.session.expire_all()
    note = db.session.get(Registration, person.id).note
    assert note == "Braucht einen Platz nahe der Tür, kommt mit Assistenzhund"
    logged = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.NOTE_SAVED)).all()
    assert [entry.user_id for entry in logged] == [first.id, second.id]
    assert not any("Tür" in str((entry.subject, entry.changed_fields, entry.changed_values)) for entry in logged)
    # The person never reads it on their page or in a mail, but gets it with their data.
    for mail in db.session.scalars(sa.select(OutgoingMail)):
        mail.created_at -= timedelta(minutes=2)
    db.session.commit()
    mailbox.messages.clear()
    services.mail_again(person.id, "confirmation", utcnow(), by=None)
    [mail] = mailbox.to(person.email)
    assert "Tür" not in mail.get_body(("plain",)).get_content() and "Tür" not in mail.get_body(("html",)).get_content()
    token = services.link_token(person)
    assert "Tür" not in client.get(f"/registrations/{token}").get_data(as_text=True)
    data = json.loads(client.get(f"/registrations/{token}/my-data.json").data)
    assert data["registration"]["organisers_note"] == note


def test_the_registration_page_tells_what_happened_to_the_person_and_which_mails_they_got(
    client, make_event, make_forums, make_user, mailbox
):
    from datetime import timedelta

    from conference.mail.models import OutgoingMail

    event = make_event()
    first, second = make_forums(event, 10, 10)
    person = services.register(
        event.id, applicant(first_name="Amina", last_name="Said", forums=[first.id]), utcnow(), by=None
    ).registration
    other = services.register(
        event.id, applicant(first_name="Karim", forums=[first.id]), utcnow(), by=None
    ).registration
    services.update(person.id, applicant(first_name="Amina", last_name="Said", forums=[second.id]), utcnow(), by=None)
    services.cancel(other.id, utcnow(), by_organiser=True, by=None)
    for mail in db.session.scalars(sa.select(OutgoingMail)):
        mail.created_at -= timedelta(minutes=2)
    db.session.commit()
    organiser = make_user(events=[event])
    log_in(client, organiser)
    url = f"/manage/events/{event.id}/registrations/{person.id}"
    client.post(f"{url}/mail", data={"csrf_token": form_token(client, url), "what": "link"})
    client.post(
        url,
        data=form_as_sent(client.get(url).get_data(as_text=True)) | {"forum_0": str(second.id), "phone": "0385 55 55"},
    )

    page = client.get(url).get_data(as_text=True)
    history = page[page.index('id="history-heading"') :]
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr><td>.*?</tr>", history, re.S)]
    assert rows[0].endswith(f"{organiser.name} Anmeldung geändert Telefon")
    assert any(row.endswith(f"{organiser.name} Link erneut gesendet") for row in rows[1:3])
    link_mail = f"– Mail „Link vom Organisationsteam gesendet“ an {person.email} gesendet"
    assert any(row.endswith(link_mail) for row in rows[1:3])
    assert "die Person selbst Anmeldung geändert Forum" in rows[3] and "„Forum 1“ → „Forum 2“" in rows[3]
    assert rows[4].endswith(f"– Mail „Anmeldebestätigung“ an {person.email} gesendet") and len(rows) == 5
    assert "Karim" not in history  # what happened to someone else is not hers
    in_the_log = re.search(r'href="([^"]+)">Diese Person im Protokoll der Veranstaltung', history).group(1)
    log = client.get(in_the_log.replace("&amp;", "&")).get_data(as_text=True)
    assert "3 Einträge" in log and "Karim" not in log


def test_a_message_sent_twice_by_a_double_click_goes_out_once(client, make_event, make_user, mailbox):
    from conference.registration.models import BulkMessage

    event = make_event()
    people = [services.register(event.id, applicant(), utcnow(), by=None).registration for _ in range(2)]
    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    page = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "audience": "confirmed",
            "subject": "Anreise",
            "body": "Bitte pünktlich.",
            "preview": "1",
        },
    ).get_data(as_text=True)
    key = re.search(r'name="submission_key" type="hidden" value="([0-9a-f]{32})"', page).group(1)
    data = {
        "csrf_token": form_token(client, url),
        "audience": "confirmed",
        "subject": "Anreise",
        "body": "Bitte pünktlich.",
        "send": "1",
        "submission_key": key,
    }
    assert [client.post(url, data=data).status_code for _ in range(2)] == [303, 303]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BulkMessage)) == 1
    assert sorted(message["To"] for message in mailbox.messages) == sorted(person.email for person in people)


def test_a_message_to_one_person_speaks_of_one_person(client, make_event, make_user, mailbox):
    event = make_event()
    services.register(event.id, applicant(), utcnow(), by=None)
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    data = {
        "csrf_token": form_token(client, url),
        "audience": "confirmed",
        "subject": "Anreise",
        "body": "Bitte pünktlich.",
    }
    preview = client.post(url, data=data | {"preview": "1"}).get_data(as_text=True)
    assert "Diese Nachricht geht an 1 Person." in preview and "An 1 Person senden" in preview
    sent = client.post(url, data=data | {"send": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "Ihre Nachricht ist an 1 Person unterwegs." in sent
