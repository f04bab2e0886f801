"""A hybrid Fachtag: someone registers to take part online and finds the link on their page and in the calendar entry
they download from it, on a phone; the public page, the API and someone waiting for an online place do not."""

import re
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from playwright.sync_api import expect

from conference.database import utcnow
from conference.events.models import AttendanceMode, Event, EventStatus
from conference.extensions import db
from tests.support.browser import screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser

LINK = "https://video.example.org/j/8812"
CODE = "4711-Anerkennung"
OWN_PAGE = re.compile(r"http://127\.0\.0\.1:\d+/registrations/[0-9a-f]{64}")


@pytest.fixture
def hybrid_event(live_app):
    """A Fachtag in the room and online, with one place online."""
    with live_app.app_context():
        starts = utcnow().replace(microsecond=0) + timedelta(days=30)
        db.session.add(
            Event(
                slug="fachtag-hybrid",
                title="Fachtag Anerkennung – hybrid",
                status=EventStatus.PUBLISHED,
                starts_at=starts,
                ends_at=starts + timedelta(hours=6),
                venue="Schweriner Ausbildungszentrum",
                city="Schwerin",
                registration_opens_at=utcnow() - timedelta(days=1),
                attendance_mode=AttendanceMode.HYBRID,
                capacity=40,
                online_capacity=1,
                online_url=LINK,
                online_access_code=CODE,
            )
        )
        db.session.commit()
        db.session.remove()
    return "/events/fachtag-hybrid"


def register_online(page, live_server, event: str, first_name: str, email: str) -> None:
    page.goto(live_server + event + "/register")
    page.get_by_label("Vorname", exact=True).fill(first_name)
    page.get_by_label("Nachname", exact=True).fill("Nowak")
    page.get_by_label("E-Mail-Adresse", exact=True).fill(email)
    page.get_by_role("group", name="Wie nehmen Sie teil?").get_by_label(re.compile("^Online")).check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_role("button", name=re.compile("^(Anmelden|Auf die Warteliste)")).click()
    expect(page.get_by_text(f"Vielen Dank für Ihre Anmeldung, {first_name}!")).to_be_visible()


def test_an_online_participant_finds_the_link_on_their_page_and_in_their_calendar_entry_and_nobody_else(
    page, live_server, hybrid_event, mailbox
):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server + hybrid_event)
    expect(page.get_by_text("Vor Ort und online")).to_be_visible()
    assert LINK not in page.content()
    register_online(page, live_server, hybrid_event, "Olga", "olga.nowak@example.org")

    [mail] = mailbox.to("olga.nowak@example.org")
    page.goto(OWN_PAGE.search(mail.get_body(("plain",)).get_content()).group(0))
    online = page.get_by_role("region", name="Online-Teilnahme")
    expect(online.get_by_role("link", name=LINK)).to_be_visible()
    expect(online.get_by_text(CODE)).to_be_visible()
    expect(page.get_by_role("img", name="QR-Code Ihres Check-in-Codes")).to_have_count(0)  # not expected at the door
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_accessibility_violations(page) == []
    screenshot(page, "21-online-participant-page-360")
    with page.expect_download() as download:
        page.get_by_role("link", name="In Ihren Kalender eintragen (.ics)").click()
    entry = icalendar.Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")[0]
    assert str(entry["LOCATION"]) == LINK and CODE in str(entry["DESCRIPTION"])

    register_online(page, live_server, hybrid_event, "Piotr", "piotr.nowak@example.org")  # the online place is taken
    [waiting] = mailbox.to("piotr.nowak@example.org")
    assert "Warteliste" in waiting["Subject"] and LINK not in waiting.as_string()
    page.goto(OWN_PAGE.search(waiting.get_body(("plain",)).get_content()).group(0))
    expect(page.get_by_text("Sie nehmen online teil.")).to_be_visible()
    assert LINK not in page.content() and CODE not in page.content()

    for public in (hybrid_event, hybrid_event + "/event.ics", "/api/v1/events/fachtag-hybrid", "/api/v1/events"):
        response = page.request.get(live_server + public)
        assert response.ok and LINK not in response.text() and CODE not in response.text(), public
