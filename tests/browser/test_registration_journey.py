import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser

WORKSHOP_A = "Workshop A: Beratung an der Schnittstelle Schule – Ausbildung – Beruf"
WORKSHOP_B = "Workshop B: Expertinnen- und Expertengespräche – Erfahrungswissen nutzen"


def test_register_receive_the_mail_open_the_link_change_the_forum_and_cancel(page, live_server, mailbox):
    page.goto(live_server + "/events/schulversagen-schulerfolg")
    page.get_by_role("link", name="Jetzt anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anmeldung")

    page.get_by_role("button", name="Anmelden", exact=True).click()  # nothing filled in yet
    expect(page.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    expect(page.get_by_role("link", name="Vorname: Bitte geben Sie Ihren Vornamen ein.")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "10-registration-errors")

    page.get_by_label("Vorname", exact=True).fill("Leyla")
    page.get_by_label("Nachname", exact=True).fill("Demir")
    page.get_by_label("E-Mail-Adresse", exact=True).fill("leyla.demir@example.org")
    page.get_by_label("Organisation", exact=True).fill("Jugendmigrationsdienst Mainz")
    page.get_by_label(WORKSHOP_A).check()
    page.get_by_label("vegetarisch").check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    screenshot(page, "11-registration-form")
    page.get_by_role("button", name="Anmelden", exact=True).click()

    expect(page.get_by_text("Vielen Dank für Ihre Anmeldung, Leyla!")).to_be_visible()
    expect(page.get_by_text("E-Mail an leyla.demir@example.org geschickt")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "12-registration-done")

    [mail] = mailbox.to("leyla.demir@example.org")
    assert mail["Subject"] == "Anmeldung bestätigt: Seminar: Schulversagen – Schulerfolg"
    link = re.search(
        r"http://127\.0\.0\.1:\d+/registrations/[0-9a-f]{64}", mail.get_body(("plain",)).get_content()
    ).group(0)

    page.context.clear_cookies()  # the link alone opens the registration, as from a mail program
    page.goto(link)
    expect(page.get_by_text("Bestätigt", exact=True)).to_be_visible()
    expect(page.get_by_text(WORKSHOP_A)).to_be_visible()
    page.get_by_role("link", name="Angaben, Antworten oder Forum ändern").click()
    page.get_by_label(WORKSHOP_B).check()
    page.get_by_role("button", name="Änderungen speichern").click()
    expect(page.get_by_text("Ihre Änderungen sind gespeichert.")).to_be_visible()
    expect(page.get_by_text(WORKSHOP_B)).to_be_visible()
    expect(page.get_by_text(WORKSHOP_A)).to_have_count(0)

    page.get_by_role("link", name="Anmeldung stornieren").click()
    expect(page.get_by_text("Möchten Sie Ihre Anmeldung wirklich stornieren")).to_be_visible()
    page.get_by_role("button", name="Ja, Anmeldung stornieren").click()
    expect(page.get_by_text("Sie haben diese Anmeldung storniert.")).to_be_visible()
    assert (
        mailbox.to("leyla.demir@example.org")[-1]["Subject"]
        == "Anmeldung storniert: Seminar: Schulversagen – Schulerfolg"
    )
    screenshot(page, "13-registration-cancelled")


def test_a_question_of_one_long_word_breaks_instead_of_widening_the_form_on_a_phone(page, live_server, live_app):
    """A label like a web address or a formula made the registration form 452 px wide at 390 px."""
    from datetime import timedelta

    from conference.database import utcnow
    from conference.events.models import Event, EventStatus
    from conference.extensions import db
    from conference.registration.models import Question, QuestionKind

    long_word = "https://www.anerkennung-in-deutschland.de/html/de/pro/anerkennungsberatung-fuer-fachkraefte.php"
    with live_app.app_context():
        starts = utcnow() + timedelta(days=30)
        event = Event(
            slug="lange-woerter",
            title="Fachtag lange Wörter",
            status=EventStatus.PUBLISHED,
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            registration_opens_at=utcnow() - timedelta(days=1),
        )
        event.questions = [
            Question(label=long_word, kind=QuestionKind.SINGLE_CHOICE, options=[long_word, "nein"], help_text=long_word)
        ]
        db.session.add(event)
        db.session.commit()
        db.session.remove()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server + "/events/lange-woerter/register")
    expect(page.get_by_role("group", name=long_word)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "15-registration-long-words-390")
