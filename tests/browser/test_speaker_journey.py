"""A speaker invited by e-mail accepts through their own link, uploads a photo and their slides, and a registered
participant finds the slides in "Downloads intern"; the public speaker page shows the photo once they agree."""

import io
import re
from datetime import timedelta

import pytest
from PIL import Image
from playwright.sync_api import expect

from conference.agenda.models import AgendaItem, AgendaItemKind, AgendaItemPerson
from conference.database import utcnow
from conference.events.models import Event, EventStatus
from conference.extensions import db
from conference.materials.models import Visibility
from conference.people.models import Person
from conference.registration import services as registration
from conference.speakers import services as speakers
from tests.support import applicant
from tests.support.browser import screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser


@pytest.fixture
def invitation(live_app, mailbox):
    """A Fachtag whose talk has a speaker, invited by mail; a confirmed participant. Returns the speaker's link (from
    the mail), the participant's materials page and the speaker's id."""
    with live_app.app_context(), live_app.test_request_context():
        starts = utcnow().replace(microsecond=0) + timedelta(days=20)
        event = Event(
            slug="fachtag-referierende",
            title="Fachtag Anerkennung und Beratung",
            status=EventStatus.PUBLISHED,
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            registration_opens_at=utcnow() - timedelta(days=1),
        )
        speaker = Person(name="Sevgi Demir", function="Beraterin")
        talk = AgendaItem(
            event=event,
            kind=AgendaItemKind.TALK,
            title="Beratung mit Anerkennung",
            starts_at=starts,
            ends_at=starts + timedelta(hours=1),
        )
        talk.appearances = [AgendaItemPerson(person=speaker, position=0)]
        db.session.add_all([event, speaker, talk])
        db.session.commit()
        speakers.invite(event, speaker, "sevgi.demir@example.org", Visibility.REGISTERED, utcnow(), by=None)
        participant = registration.register(event.id, applicant(), utcnow(), by=None).registration
        materials = f"/registrations/{registration.link_token(participant)}/materials"
        speaker_id = speaker.id
        db.session.remove()
    [mail] = mailbox.to("sevgi.demir@example.org")
    # Made outside a request of the live server: the mail's link names the configured host; the path is the link.
    link = re.search(r"https?://[^/\s]+(/speaker/[0-9a-f]{64}/)", mail.get_body(("plain",)).get_content()).group(1)
    return link, materials, speaker_id


def test_a_speaker_accepts_sends_photo_and_slides_and_participants_get_the_slides(
    page, live_server, invitation, tmp_path
):
    link, materials, speaker_id = invitation
    photo = tmp_path / "portrait.png"
    Image.new("RGBA", (1200, 1600), (20, 90, 160, 255)).save(photo)
    slides = tmp_path / "beratung.pdf"
    slides.write_bytes(b"%PDF-1.7\n" + b"x" * 3000 + b"\n%%EOF\n")

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server + link)
    expect(page.get_by_role("region", name="Ihre Programmpunkte")).to_contain_text("Beratung mit Anerkennung")
    page.get_by_role("button", name="Ich nehme teil").click()
    expect(page.get_by_text("Vielen Dank, Ihre Antwort ist gespeichert.")).to_be_visible()
    expect(page.get_by_role("heading", name="Ihre Antwort: Zugesagt")).to_be_visible()

    page.get_by_role("link", name="Angaben prüfen und korrigieren").click()
    page.get_by_label("Akademischer Titel (freiwillig)").fill("Dr.")
    page.get_by_label("Kurzbiografie", exact=True).fill("Beraterin für Anerkennung in Schwerin.")
    page.get_by_label("Foto", exact=True).set_input_files(photo)
    page.get_by_label("Ja, zeigen").check()
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_text("Ihre Angaben sind gespeichert.")).to_be_visible()
    expect(page.get_by_role("img", name="Ihr Foto")).to_be_visible()

    page.get_by_label("Datei", exact=True).set_input_files(slides)
    page.get_by_role("button", name="Datei schicken").click()
    expect(page.get_by_text("Vielen Dank, Ihre Datei ist angekommen.")).to_be_visible()
    expect(page.get_by_text("beratung.pdf")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_accessibility_violations(page) == []
    screenshot(page, "19-speaker-page-360")

    page.goto(live_server + materials)
    download_link = page.get_by_role("link", name=re.compile("Folien: Beratung mit Anerkennung"))
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "beratung.pdf"

    page.goto(f"{live_server}/speakers/{speaker_id}")
    expect(page.get_by_role("heading", name="Dr. Sevgi Demir")).to_be_visible()
    expect(page.get_by_text("Beraterin für Anerkennung in Schwerin.")).to_be_visible()
    portrait = page.get_by_role("img", name="Foto von Dr. Sevgi Demir")
    expect(portrait).to_be_visible()
    response = page.request.get(live_server + portrait.get_attribute("src"))
    shown = Image.open(io.BytesIO(response.body()))
    assert shown.size == (600, 800) and shown.getpixel((300, 400)) == pytest.approx((20, 90, 160), abs=3)
