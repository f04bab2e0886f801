"""German organisers write "Sehr geehrte Frau Dr. Nowak": the form asks for a form of address and a title, and
badges, certificates and lists use them, unless the event switches them off."""

from datetime import timedelta

from conference.database import utcnow
from conference.documents import certificates
from conference.extensions import db
from conference.registration.models import Registration, Salutation
from tests.support import check_in, log_in
from tests.support.documents import pdf_pages
from tests.support.registration import registrations, submit


def test_a_form_of_address_and_a_title_are_asked_and_used_on_badge_certificate_and_sheet(client, make_event, make_user):
    start = utcnow() - timedelta(hours=2)
    event = make_event(
        starts_at=start, ends_at=start + timedelta(hours=1), registration_closes_at=start + timedelta(hours=3)
    )
    form = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Anrede (freiwillig)" in form and "Akademischer Titel (freiwillig)" in form and "Keine Anrede" in form
    assert (
        submit(
            client,
            event,
            salutation="frau",
            academic_title=" Dr. ",
            first_name="Erika",
            last_name="Nowak",
            email="nowak@example.org",
        ).status_code
        == 303
    )
    [person] = registrations(event)
    assert (person.salutation, person.academic_title) == (Salutation.FRAU, "Dr.")
    check_in(person)
    log_in(client, make_user(events=[event]))

    [badges] = pdf_pages(client.get(f"/manage/events/{event.id}/documents/badges.pdf").data)
    assert "Dr. Erika Nowak" in " ".join(badges.split())  # (the badge breaks the name into lines)
    assert "Nowak, Dr. Erika" in "".join(
        pdf_pages(client.get(f"/manage/events/{event.id}/documents/sign-in-sheet.pdf").data)
    )
    [certificate] = pdf_pages(certificates.pdf_of(person, utcnow()))
    assert "Frau Dr. Erika Nowak" in certificate


def test_an_event_that_asks_for_neither_shows_neither(client, make_event):
    event = make_event(asks_salutation=False, asks_academic_title=False)
    form = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "Anrede" not in form and "Titel" not in form
    assert submit(client, event, salutation="herr", academic_title="Prof.").status_code == 303
    [person] = registrations(event)
    assert (person.salutation, person.academic_title, person.titled_name) == (Salutation.NONE, "", "Nadia Haddad")


def test_a_title_given_before_the_event_stopped_asking_is_kept_but_not_shown(make_event):
    from conference.registration import services
    from tests.support import applicant

    event = make_event()
    person = services.register(
        event.id,
        applicant(first_name="Erika", last_name="Nowak", academic_title="Dr.", salutation="frau"),
        utcnow(),
        by=None,
    ).registration
    event.asks_academic_title = event.asks_salutation = False
    db.session.commit()
    person = db.session.get(Registration, person.id)
    assert person.academic_title == "Dr." and person.titled_name == "Erika Nowak" and not person.form_of_address


def test_mails_greet_by_form_of_address_and_title_and_never_with_sehr_geehrte_r(client, make_event, make_user, mailbox):
    from conference.registration import services
    from tests.support import applicant, form_token

    event = make_event()
    people = {
        "Sehr geehrte Frau Dr. Nowak,": applicant(
            first_name="Erika", last_name="Nowak", salutation="frau", academic_title="Dr."
        ),
        "Sehr geehrter Herr Özdemir,": applicant(first_name="Can", last_name="Özdemir", salutation="herr"),
        "Guten Tag Sam Berger,": applicant(first_name="Sam", last_name="Berger"),
        "Dear Ms Smith,": applicant(first_name="Jane", last_name="Smith", salutation="frau", locale="en"),
    }
    registered = {}
    for greeting, person in people.items():
        registered[greeting] = services.register(event.id, person, utcnow(), by=None).registration
        [mail] = mailbox.to(registered[greeting].email)
        assert mail.get_body(("plain",)).get_content().startswith(greeting), greeting

    mailbox.messages.clear()
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/registrations/mail"
    client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "audience": "confirmed",
            "subject": "Anreise",
            "body": "Der Zug fährt um {start} Uhr.",
            "send": "1",
        },
    )
    # A message without an English version goes out in German to everyone, greetings too.
    assert {mail.get_content().splitlines()[0] for mail in mailbox.messages} == {
        "Sehr geehrte Frau Dr. Nowak,",
        "Sehr geehrter Herr Özdemir,",
        "Guten Tag Sam Berger,",
        "Sehr geehrte Frau Smith,",
    }

    event.asks_salutation = event.asks_academic_title = False  # switched off: the name alone
    db.session.commit()
    mailbox.messages.clear()
    services.resend_link(event.id, registered["Sehr geehrte Frau Dr. Nowak,"].email)
    [mail] = mailbox.messages
    assert mail.get_body(("plain",)).get_content().startswith("Guten Tag Erika Nowak,")
