"""A registrant registers three colleagues at once: two fit, one waits; each colleague's mail carries their own link
and a QR code a phone reads; the registrant manages the group from their page. At 360 px the form stays whole."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conference.database import utcnow
from conference.events.models import Event, EventStatus
from conference.extensions import db
from tests.support.browser import screenshot, serious_accessibility_violations
from tests.support.reading import codes_in

pytestmark = pytest.mark.browser


@pytest.fixture
def small_event(live_app):
    """A one-day Fachtag with three seats."""
    with live_app.app_context():
        starts = utcnow().replace(microsecond=0) + timedelta(days=30)
        event = Event(
            slug="fachtag-gruppen",
            title="Fachtag Anerkennung im Betrieb",
            status=EventStatus.PUBLISHED,
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            registration_opens_at=utcnow() - timedelta(days=1),
            capacity=3,
            group_size_limit=5,
        )
        db.session.add(event)
        db.session.commit()
        db.session.remove()
    return "/events/fachtag-gruppen/register"


def fill_colleague(page, number: int, first_name: str, email: str) -> None:
    person = page.get_by_role("group", name=f"Person {number}", exact=True)
    person.get_by_label("Vorname").fill(first_name)
    person.get_by_label("Nachname").fill("Nowak")
    person.get_by_label("E-Mail-Adresse (freiwillig)").fill(email)


def test_a_registrant_registers_three_colleagues_two_fit_one_waits_and_each_gets_their_own_mail(
    page, live_server, small_event, mailbox
):
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server + small_event)
    page.get_by_label("Vorname", exact=True).fill("Erika")
    page.get_by_label("Nachname", exact=True).fill("Schmidt")
    page.get_by_label("E-Mail-Adresse", exact=True).fill("erika.schmidt@example.org")
    page.get_by_label("Organisation", exact=True).fill("Bildungszentrum Wismar")
    for number, (name, address) in enumerate(
        [("Jan", "jan.nowak@example.org"), ("Olga", "olga.nowak@example.org"), ("Piotr", "piotr.nowak@example.org")],
        start=2,
    ):
        page.get_by_role("button", name="Weitere Person anmelden").click()
        expect(page.get_by_role("group", name=f"Person {number}", exact=True)).to_be_visible()
        expect(page.get_by_role("group", name=f"Person {number}", exact=True).get_by_label("Vorname")).to_be_focused()
        expect(
            page.get_by_role("group", name=f"Person {number}", exact=True).get_by_label("Organisation")
        ).to_have_value("Bildungszentrum Wismar")
        fill_colleague(page, number, name, address)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # the parts fit on a phone
    screenshot(page, "16-group-form-360")
    page.get_by_label("Die Personen, die ich anmelde, wissen davon").check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").press("Enter")  # Enter registers, it adds no one

    expect(page.get_by_role("alert")).to_contain_text("nur noch 3 Plätze frei")
    assert serious_accessibility_violations(page) == []
    page.get_by_label("Jetzt anmelden, wer noch Platz hat").check()
    page.get_by_role("button", name="Anmelden", exact=True).click()

    expect(page.get_by_text("Vielen Dank für Ihre Anmeldung, Erika!")).to_be_visible()
    expect(page.get_by_text("Olga Nowak: hat einen Platz")).to_be_visible()
    expect(page.get_by_text("Piotr Nowak: auf der Warteliste")).to_be_visible()
    screenshot(page, "17-group-thanks-360")

    codes = {}
    for name in ("jan", "olga"):
        [mail] = mailbox.to(f"{name}.nowak@example.org")
        text = mail.get_body(("plain",)).get_content()
        assert (
            "Erika Schmidt hat Sie zu dieser Veranstaltung angemeldet und kann Ihre Anmeldung ebenfalls ändern oder "
            "stornieren." in text
        )
        png = next(part for part in mail.walk() if part.get_content_type() == "image/png")
        [code] = codes_in(png.get_content())
        assert code.standard_qr
        codes[name] = code.text
        link = re.search(r"http://127\.0\.0\.1:\d+/registrations/[0-9a-f]{64}", text).group(0)
        page.goto(link)
        expect(page.get_by_text("Bestätigt", exact=True)).to_be_visible()
        expect(page.get_by_text(code.text)).to_be_visible()  # the code in the mail is the one on their own page
    assert codes["jan"] != codes["olga"]
    [waiting] = mailbox.to("piotr.nowak@example.org")
    assert "Warteliste" in waiting["Subject"]

    [own] = mailbox.to("erika.schmidt@example.org")
    page.goto(
        re.search(r"http://127\.0\.0\.1:\d+/registrations/[0-9a-f]{64}", own.get_body(("plain",)).get_content()).group(
            0
        )
    )
    group = page.get_by_role("region", name="Ihre Gruppe")
    expect(group.get_by_role("listitem")).to_have_count(3)
    expect(group.get_by_role("link", name="Piotr Nowak", exact=True)).to_have_count(0)  # his page is his alone
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "18-group-on-the-registrants-page-360")
    group.get_by_role("link", name=re.compile(r"Stornieren\W+Piotr Nowak")).click()
    expect(page.get_by_text("Piotr Nowak wird per E-Mail benachrichtigt.")).to_be_visible()
    page.get_by_role("button", name="Ja, diese Anmeldung stornieren").click()
    expect(page.get_by_role("region", name="Ihre Gruppe").get_by_role("listitem")).to_have_count(2)
    assert mailbox.to("piotr.nowak@example.org")[-1]["Subject"].startswith("Anmeldung storniert")
