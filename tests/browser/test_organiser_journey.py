"""A new organiser builds an event from an empty back office and runs its registration, in the browser."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from conference.accounts.models import User, UserRole
from conference.database import utcnow
from conference.demo.data import BERLIN
from conference.events.models import Event
from conference.extensions import db
from conference.registration.models import Registration
from tests.support.browser import add_hotel_questions, screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser

TITLE = "Fachtagung: Vielfalt als Stärke"
TODAY = "Fachtag: Anerkennung in der Praxis"
LOGO = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde\x00\x00\x00"
    b"\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82"
)


@pytest.fixture
def new_organiser(live_app):
    with live_app.app_context():
        user = User(email="neu.rostock@example.org", name="Nina Neumann", role=UserRole.ORGANISER)
        user.set_password("ein-langes-passwort")
        db.session.add(user)
        db.session.commit()
    yield "neu.rostock@example.org"


def workspace(page, section: str) -> None:
    page.get_by_role("navigation", name="Seiten dieser Veranstaltung").get_by_role(
        "link", name=section, exact=True
    ).click()


def add_agenda_item(page, start: str, end: str, kind: str, title: str) -> None:
    page.get_by_role("link", name="Programmpunkt hinzufügen").click()
    page.get_by_label("Beginn", exact=True).fill(start)
    page.get_by_label("Ende", exact=True).fill(end)
    page.get_by_label("Art", exact=True).select_option(kind)
    page.get_by_label("Titel", exact=True).fill(title)
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text(f"Gespeichert: {title}")).to_be_visible()


def register(page, live_server, slug: str, first_name: str, forum: str, hotel: str | None) -> None:
    page.goto(f"{live_server}/events/{slug}/register")
    page.get_by_label("Vorname", exact=True).fill(first_name)
    page.get_by_label("Nachname", exact=True).fill("Rostocker")
    page.get_by_label("E-Mail-Adresse", exact=True).fill(f"{first_name.lower()}@example.org")
    page.get_by_label(forum).check()
    night = page.get_by_role("group", name="Benötigen Sie eine Übernachtung?")
    night.get_by_label("Ja" if hotel else "Nein").check()
    if hotel:
        page.get_by_role("group", name="Welches Hotel?").get_by_label(hotel).check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.locator("main").get_by_role("button", name=re.compile(r"^Anmelden$|Warteliste")).click()


def test_a_new_organiser_builds_an_event_from_nothing_and_runs_its_registration(
    page, live_server, new_organiser, mailbox
):
    day = (utcnow().astimezone(BERLIN) + timedelta(days=40)).date()
    page.goto(live_server + "/login")
    page.get_by_label("E-Mail-Adresse").fill(new_organiser)
    page.get_by_label("Passwort").fill("ein-langes-passwort")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.get_by_role("heading", name="Verwaltung", level=1)).to_be_visible()
    screenshot(page, "60-journey-empty-back-office")

    # The event
    page.get_by_role("link", name="Neue Veranstaltung").click()
    page.get_by_label("Titel", exact=True).fill(TITLE)
    page.get_by_label("Erster Tag", exact=True).fill(day.isoformat())
    page.get_by_label("Beginn", exact=True).fill("09:30")
    page.get_by_label("Ende", exact=True).fill("16:00")
    page.get_by_label("Veranstaltungsort", exact=True).fill("Rathaus")
    page.get_by_label("Ort", exact=True).fill("Rostock")
    page.get_by_label("Plätze", exact=True).fill("2")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Überblick")
    expect(page.get_by_text("Noch nicht veröffentlicht")).to_be_visible()
    event_url = page.url
    screenshot(page, "61-journey-overview-draft")

    # Forums in the programme
    workspace(page, "Programm")
    add_agenda_item(page, "09:30", "10:00", "welcome", "Begrüßung")
    add_agenda_item(page, "11:00", "12:30", "forum", "Forum A: Anerkennung im Betrieb")
    add_agenda_item(page, "11:00", "12:30", "forum", "Forum B: Sprache im Beruf")

    # Questions, one asked only on a condition
    workspace(page, "Anmeldeformular")
    add_hotel_questions(page, "Hotel am Hafen\nPension Altstadt", night_required=True)

    # A partner that is not yet in the list of organisations, with its logo
    workspace(page, "Partner")
    page.get_by_role("link", name="Organisation hinzufügen").click()
    page.get_by_label("Name", exact=True).fill("Bildungswerk Vielfalt Rostock e. V.")
    page.get_by_label("Logo").set_input_files({"name": "logo.png", "mimeType": "image/png", "buffer": LOGO})
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Partner")
    page.get_by_label("Organisation", exact=True).select_option(label="Bildungswerk Vielfalt Rostock e. V.")
    page.get_by_label("Rolle", exact=True).select_option(label="Durchführung")
    page.get_by_role("button", name="Hinzufügen").click()
    expect(page.get_by_role("row", name=re.compile("Bildungswerk Vielfalt Rostock"))).to_be_visible()

    # The confirmation in the organisers' own words
    workspace(page, "E-Mails")
    page.get_by_role("link", name="Texte der automatischen E-Mails").click()
    page.get_by_role("link", name=re.compile("Bearbeiten.*Anmeldebestätigung")).click()
    page.get_by_label("Text (Deutsch)").fill(
        "Liebe/r {first_name},\n\nwir freuen uns auf Sie am {date} in {place}.\n\nIhr Team in Rostock"
    )
    page.get_by_role("button", name="Vorschau").click()
    expect(page.locator(".mail-preview").first).to_contain_text("Liebe/r Erika,")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "62-journey-mail-text-preview")
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_accessibility_violations(page) == []
    screenshot(page, "62-journey-mail-text-preview-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("row", name=re.compile("Anmeldebestätigung"))).to_contain_text("eigener Text")

    # Published: registration opens at once
    workspace(page, "Einstellungen")
    page.get_by_role("link", name="Veröffentlichen", exact=True).click()
    page.get_by_role("button", name="Ja").click()
    workspace(page, "Überblick")
    expect(page.get_by_text("Anmeldung noch nicht geöffnet")).to_have_count(0)
    slug = page.locator("a", has_text="Öffentliche Seite").get_attribute("href").rstrip("/").rpartition("/")[2]

    # Two register, a third waits
    page.context.clear_cookies()
    register(page, live_server, slug, "Amira", "Forum A: Anerkennung im Betrieb", "Hotel am Hafen")
    expect(page.get_by_text("Vielen Dank für Ihre Anmeldung, Amira!")).to_be_visible()
    register(page, live_server, slug, "Bogdan", "Forum B: Sprache im Beruf", None)
    expect(page.get_by_text("Vielen Dank für Ihre Anmeldung, Bogdan!")).to_be_visible()
    mail = mailbox.to("amira@example.org")[0].get_body(("plain",)).get_content()
    assert "Liebe/r Amira," in mail and "in Rathaus, Rostock" in mail and "Hotel am Hafen" in mail
    page.goto(f"{live_server}/")
    expect(page.locator(".event-card", has_text=TITLE)).to_contain_text("Ausgebucht – Warteliste")
    register(page, live_server, slug, "Chiara", "Forum A: Anerkennung im Betrieb", None)
    waiting = mailbox.to("chiara@example.org")[0]
    assert (
        waiting["Subject"] == f"Warteliste: {TITLE}"
        and "Warteliste an Position 1" in waiting.get_body(("plain",)).get_content()
    )
    page.goto(live_server + re.search(r"/registrations/\w+", waiting.get_body(("plain",)).get_content()).group(0))
    expect(page.get_by_text("Sie stehen an Platz 1 der Warteliste.")).to_be_visible()
    screenshot(page, "63-journey-waiting-list")

    # Cancel one, undo it
    page.goto(live_server + "/login")
    page.get_by_label("E-Mail-Adresse").fill(new_organiser)
    page.get_by_label("Passwort").fill("ein-langes-passwort")
    page.get_by_role("button", name="Anmelden").click()
    page.goto(event_url)
    workspace(page, "Anmeldungen")
    page.get_by_role("row", name=re.compile("Bogdan Rostocker")).get_by_role("link", name="Stornieren").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("stornieren")
    page.get_by_role("button", name="Ja, stornieren").click()
    expect(page.get_by_role("row", name=re.compile("Chiara Rostocker"))).to_contain_text("Bestätigt")  # moved up
    expect(page.get_by_role("row", name=re.compile("Bogdan Rostocker"))).to_contain_text("Storniert")
    page.get_by_role("row", name=re.compile("Chiara Rostocker")).get_by_role("link", name="Stornieren").click()
    page.get_by_role("button", name="Ja, stornieren").click()
    page.get_by_role("row", name=re.compile("Chiara Rostocker")).get_by_role("button", name="Rückgängig").click()
    expect(page.get_by_role("row", name=re.compile("Chiara Rostocker"))).to_contain_text("Bestätigt")
    screenshot(page, "64-journey-registrations")

    # Every page of the workspace leads to every other
    navigation = page.get_by_role("navigation", name="Seiten dieser Veranstaltung")
    sections = navigation.get_by_role("link").all_inner_texts()
    assert len(sections) == 15
    for section in sections:
        workspace(page, section)
        for other in sections:
            expect(navigation.get_by_role("link", name=other, exact=True)).to_have_attribute(
                "href", re.compile(r"/manage/events/\d+/")
            )
        expect(navigation.get_by_role("link", name=section, exact=True)).to_have_attribute("aria-current", "page")


def test_an_organiser_writes_to_everyone_in_two_languages_and_deletes_a_persons_data_after_being_asked(
    page, live_server, live_app, mailbox
):
    """Issue "the second conference", defects 1–3 as an organiser meets them: a message's placeholders are filled
    and each person gets their language; deleting a person's data asks first, with the reason, and says what goes."""
    from conference.registration import services
    from tests.support import applicant
    from tests.support.browser import log_in_as_demo_organiser, open_workspace

    with live_app.app_context():
        event_id = db.session.scalar(sa.select(Event.id).where(Event.title == TODAY))
        forums = [slot.items[0].id for slot in services.forum_slots(db.session.get(Event, event_id))]
        for person in (
            applicant(
                first_name="Erika",
                last_name="Nowak",
                email="erika.nowak@example.org",
                salutation="frau",
                academic_title="Dr.",
                forums=forums,
            ),
            applicant(
                first_name="John",
                last_name="Smith",
                email="john.smith@example.org",
                locale="en",
                salutation="herr",
                forums=forums,
            ),
            applicant(first_name="Karla", last_name="Löschbar", email="karla.loeschbar@example.org", forums=forums),
        ):
            services.register(event_id, person, utcnow(), by_organiser=True, by=None)
        date_text = format_date_de(db.session.get(Event, event_id).starts_at)
        db.session.remove()
    mailbox.messages.clear()

    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, TODAY, "E-Mails")
    page.get_by_label("An", exact=True).select_option("active")  # (the event is full: they wait)
    page.get_by_label("Betreff", exact=True).fill("Wichtige Hinweise zur Anreise am {date}")
    page.get_by_label("Nachricht", exact=True).fill("Wir beginnen um {start} Uhr, {address}.")
    page.get_by_label("Betreff auf Englisch").fill("Travel notes for {date}")
    page.get_by_label("Nachricht auf Englisch").fill("We begin at {start}, {address}.")
    page.get_by_role("button", name="Vorschau").click()
    expect(page.get_by_text(f"Wichtige Hinweise zur Anreise am {date_text}")).to_be_visible()  # filled in the preview
    assert serious_accessibility_violations(page) == []
    screenshot(page, "66-message-preview-two-languages")
    page.get_by_role("button", name=re.compile(r"^An \d+ Personen senden$")).click()
    expect(page.get_by_role("status")).to_contain_text("Ihre Nachricht ist an")

    [german] = mailbox.to("erika.nowak@example.org")
    assert german["Subject"] == f"Wichtige Hinweise zur Anreise am {date_text}"
    assert german.get_content().startswith("Sehr geehrte Frau Dr. Nowak,") and "{" not in german.get_content()
    [english] = mailbox.to("john.smith@example.org")
    assert english["Subject"].startswith("Travel notes for ") and english.get_content().startswith("Dear Mr Smith,")
    assert "Guten Tag" not in english.get_content() and "Ihre Anmeldung" not in english.get_content()

    open_workspace(page, live_server, TODAY, "Anmeldungen")
    page.get_by_label("Name, E-Mail oder Organisation").fill("Löschbar")
    page.get_by_label("Name, E-Mail oder Organisation").press("Enter")
    page.get_by_role("link", name="Karla Löschbar", exact=True).click()
    page.get_by_role("link", name="Daten der Person löschen …").click()  # a question, not the deletion
    expect(page.get_by_role("heading", level=1)).to_have_text("Die Daten von Karla Löschbar löschen?")
    expect(page.get_by_text("Das lässt sich nicht rückgängig machen.")).to_be_visible()
    page.get_by_role("button", name="Ja, Daten löschen").click()
    expect(
        page.get_by_role("link", name=re.compile("^Grund: Bitte nennen Sie den Grund"))
    ).to_be_visible()  # not deleted
    page.get_by_label("Grund").fill("Wunsch per E-Mail vom 2. Dezember")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "67-delete-a-persons-data-asked-first")
    page.get_by_role("button", name="Ja, Daten löschen").click()
    expect(page.get_by_text("Die Daten der Person wurden gelöscht.")).to_be_visible()
    expect(page.get_by_text("Auf Anfrage: Wunsch per E-Mail vom 2. Dezember")).to_be_visible()
    page.set_viewport_size({"width": 360, "height": 800})  # the record's table scrolls in its box on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    with live_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).where(Registration.last_name == "Löschbar")) == 0
        db.session.remove()


def format_date_de(moment) -> str:
    from flask_babel import force_locale, format_date

    with force_locale("de"):
        return format_date(moment, "long")
