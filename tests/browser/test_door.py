"""The door on the day of the event, on a phone: the camera, the lists, undo, and a short loss of network.

The demo's event of today ("Fachtag: Anerkennung in der Praxis") has people expected and people in.
"""

import io
import re
from pathlib import Path

import pytest
import sqlalchemy as sa
from PIL import Image
from playwright.sync_api import expect

from conference.audit.models import AuditEntry
from conference.extensions import db
from conference.registration.models import Registration
from conference.registration.services import link_token
from tests.support.browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    log_in_as_demo_organiser,
    open_workspace,
    screenshot,
    serious_accessibility_violations,
)
from tests.support.reading import codes_in, codes_in_pdf

pytestmark = pytest.mark.browser

TODAY = "Fachtag: Anerkennung in der Praxis"


def registration_of(live_app, last_name: str) -> dict:
    """What the server stored about one of today's demo attendees."""
    with live_app.app_context():
        registration = db.session.scalar(sa.select(Registration).where(Registration.last_name == last_name))
        found = {
            "id": registration.id,
            "name": registration.full_name,
            "code": registration.check_in_code,
            "token": link_token(registration),
            "checked_in": registration.checked_in_at is not None,
            "event_id": registration.event_id,
        }
        db.session.remove()
        return found


def check_ins_logged(live_app, name: str) -> int:
    with live_app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count()).where(AuditEntry.action == "registration.checked_in", AuditEntry.subject == name)
        )
        db.session.remove()
        return count


def open_door(page, live_server) -> None:
    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, TODAY, "Check-in")
    expect(page.get_by_role("heading", level=1)).to_contain_text(TODAY)


def fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{widths[0]} px wide at {width} px"


def test_the_door_fits_a_phone_lists_who_is_in_and_takes_a_check_in_back(page, live_server, live_app):
    person = registration_of(live_app, "Haddad")
    assert not person["checked_in"]
    open_door(page, live_server)
    for width in (360, 390):
        fits(page, width)
    small = page.evaluate("""() => [...document.querySelectorAll(
            '#door button, #door select, #door input:not([type=hidden])')]
        .filter((element) => element.offsetParent !== null && element.getBoundingClientRect().height < 44)
        .map((element) => element.outerHTML.slice(0, 80))""")
    assert small == [], "touch targets under 44 px"
    expect(page.get_by_role("heading", name=re.compile(r"Noch erwartet \(7\)"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"Eingecheckt \(5\)"))).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "40-door-360")

    page.get_by_label("Name oder Organisation").fill("haddad")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_role("button", name=re.compile(r"^Einchecken\s*: Samir Haddad")).click()
    expect(page.get_by_role("alert")).to_contain_text("Eingecheckt: willkommen!")
    expect(page.get_by_role("alert")).to_contain_text("Samir Haddad")
    expect(page.locator("#count-in")).to_have_text("6")
    assert registration_of(live_app, "Haddad")["checked_in"]
    fits(page, 360)

    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.get_by_role("button", name=re.compile(r"^Rückgängig\s*: Samir Haddad")).click()
    expect(page.get_by_role("button", name=re.compile(r"^Rückgängig\s*: Samir Haddad"))).to_be_visible()
    assert (
        asked == ["Check-in von Samir Haddad rückgängig machen?"] and registration_of(live_app, "Haddad")["checked_in"]
    )
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=re.compile(r"^Rückgängig\s*: Samir Haddad")).click()
    expect(page.get_by_text("Check-in von Samir Haddad rückgängig gemacht.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Einchecken\s*: Samir Haddad"))).to_be_visible()
    assert not registration_of(live_app, "Haddad")["checked_in"]
    screenshot(page, "41-door-undone")


def test_a_scan_while_the_network_is_down_waits_on_the_phone_and_is_stored_once_it_is_back(page, live_server, live_app):
    person = registration_of(live_app, "Peters")
    open_door(page, live_server)
    page.set_viewport_size({"width": 390, "height": 800})

    waiting = registration_of(live_app, "Vogt")  # on the waiting list: not to be let in
    page.context.set_offline(True)
    for code in (person["code"], waiting["code"]):
        page.get_by_label("Check-in-Code").fill(code)
        page.get_by_role("button", name="Einchecken", exact=True).click()
        expect(page.get_by_role("alert")).to_contain_text("Keine Verbindung")
    expect(page.get_by_role("heading", name="Scans, die auf das Netz warten")).to_be_visible()
    expect(page.locator("#queue-list li")).to_have_count(2)
    assert not registration_of(live_app, "Peters")["checked_in"]
    screenshot(page, "42-door-offline")

    page.context.set_offline(False)
    expect(page.get_by_role("alert")).to_contain_text("1 eingecheckt, 1 nicht eingelassen", timeout=20000)
    expect(page.locator("#sent-list li")).to_have_text(
        [
            re.compile(f"{person['name']} · Eingecheckt: willkommen!"),
            re.compile(f"^{waiting['name']} · Kein Einlass: Auf der Warteliste. · Landkreis Rostock$"),
        ]
    )
    expect(page.locator("#queue")).to_be_hidden()
    assert registration_of(live_app, "Peters")["checked_in"] and check_ins_logged(live_app, person["name"]) == 1
    page.reload()
    expect(page.locator("#queue")).to_be_hidden()  # the phone forgot the scan once it was stored
    expect(page.get_by_role("button", name=re.compile(rf"^Rückgängig\s*: {person['name']}"))).to_be_visible()


def test_a_scan_waiting_when_the_log_in_has_ended_stays_and_the_door_says_why(page, live_server, live_app):
    person = registration_of(live_app, "Petrović")
    open_door(page, live_server)
    page.context.set_offline(True)
    page.get_by_label("Check-in-Code").fill(person["code"])
    page.get_by_role("button", name="Einchecken", exact=True).click()
    page.context.clear_cookies()  # the log-in ends while the phone is offline
    page.context.set_offline(False)
    expect(page.get_by_role("alert")).to_contain_text("Ihre Anmeldung ist abgelaufen", timeout=20000)
    expect(page.locator("#queue-list li")).to_have_count(1)
    assert not registration_of(live_app, "Petrović")["checked_in"]
    page.context.clear_cookies()


def test_a_long_queue_from_a_long_outage_is_sent_in_batches(page, live_server, live_app):
    open_door(page, live_server)
    door_page = page.url
    page.goto(live_server + "/manage/")  # away from the door, whose script would start sending at once
    made = "2000-01-01T10:00:00.000Z"  # long ago: dated on arrival
    queue = [{"code": f"NOPE{number:06d}", "at": made, "forum": None} for number in range(120)]
    page.evaluate(
        "([key, queue]) => localStorage.setItem(key, JSON.stringify(queue))",
        [f"check-in-queue-{registration_of(live_app, 'Haddad')['event_id']}", queue],
    )
    page.goto(door_page)
    expect(page.get_by_role("alert")).to_contain_text("0 eingecheckt, 120 nicht eingelassen", timeout=30000)
    expect(page.locator("#sent-list li")).to_have_count(120)
    expect(page.locator("#queue")).to_be_hidden()


def fake_camera_video(picture: Image.Image, path) -> None:
    """A Y4M video (what Chromium's fake camera plays) of the code on a white table, 640 × 480, 4:2:0."""
    frame = Image.new("L", (640, 480), 255)
    code = picture.convert("L").resize((300, 300), Image.NEAREST)
    frame.paste(code, (170, 90))
    chroma = bytes([128]) * (320 * 240)
    with open(path, "wb") as video:
        video.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _ in range(10):
            video.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)


def test_the_camera_checks_a_registrant_in_by_the_qr_code_on_their_page(browser, live_server, live_app, tmp_path):
    person = registration_of(live_app, "Mensah")
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE", device_scale_factor=2)
    own_page = phone.new_page()
    own_page.goto(f"{live_server}/registrations/{person['token']}")
    shown = Image.open(io.BytesIO(own_page.locator("img.qr-code").screenshot()))
    phone.close()
    [code] = codes_in(shown)
    assert (code.text, code.standard_qr) == (person["code"], True)  # the page's SVG, as the browser draws it
    video = tmp_path / "code.y4m"
    fake_camera_video(shown, video)

    camera = browser.browser_type.launch(
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS + ["--use-fake-device-for-media-stream", f"--use-file-for-fake-video-capture={video}"],
    )
    try:
        refusing = camera.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
        page = refusing.new_page()
        open_door(page, live_server)
        page.get_by_role("button", name="Mit der Kamera scannen").click()
        expect(page.get_by_text("Die Kamera darf nicht benutzt werden")).to_be_visible()
        refusing.close()

        context = camera.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
        context.grant_permissions(["camera"], origin=live_server)
        page = context.new_page()
        console = []
        page.on("console", lambda message: console.append(message.text))
        open_door(page, live_server)
        page.get_by_role("button", name="Mit der Kamera scannen").click()
        expect(page.get_by_role("alert")).to_contain_text("Eingecheckt: willkommen!", timeout=30000)
        expect(page.get_by_role("alert")).to_contain_text(person["name"])
        screenshot(page, "43-door-camera")
        page.wait_for_timeout(6000)  # the badge stays in front of the lens
        expect(page.get_by_role("alert")).to_contain_text("Eingecheckt: willkommen!")
        page.get_by_role("button", name="Kamera ausschalten").click()
        assert registration_of(live_app, "Mensah")["checked_in"]
        assert [text for text in console if "Content Security Policy" in text] == []
    finally:
        camera.close()


def test_without_a_camera_the_door_says_so_and_typing_still_works(page, live_server, live_app):
    person = registration_of(live_app, "Schulz")
    open_door(page, live_server)
    expect(page.get_by_text("Auf diesem Gerät wurde keine Kamera gefunden.")).to_be_visible()
    expect(page.get_by_role("button", name="Mit der Kamera scannen")).to_be_hidden()
    page.get_by_label("Check-in-Code").fill(person["code"].lower())
    page.keyboard.press("Enter")  # as a hand scanner ends its code
    expect(page.get_by_role("alert")).to_contain_text("Eingecheckt: willkommen!")
    expect(page.get_by_label("Check-in-Code")).to_be_focused()
    page.get_by_label("Check-in-Code").fill(person["code"])
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("Bereits eingecheckt")


def fits_without_scrolling_sideways(page) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"{widths[0]} px wide at {widths[1]} px"


def test_at_a_phone_s_door_an_organiser_admits_the_waiting_and_a_walk_in_prints_a_badge_and_invites_a_helper(
    page, live_server, live_app, mailbox
):
    waiting = registration_of(live_app, "Çelik")
    open_door(page, live_server)
    page.set_viewport_size({"width": 390, "height": 844})

    # Someone on the waiting list stands at the door: the scan refuses them, the organiser lets them in after all.
    page.get_by_label("Check-in-Code").fill(waiting["code"])
    page.get_by_role("button", name="Einchecken", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Kein Einlass: Auf der Warteliste.")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name=re.compile(rf"^Trotzdem einlassen\s*: {waiting['name']}")).click()
    expect(page.get_by_role("alert")).to_contain_text("Außer der Reihe eingelassen: willkommen!")
    expect(page.get_by_role("alert")).to_contain_text(waiting["name"])
    assert re.fullmatch(
        rf"{waiting['name']} trotzdem einlassen\? Auf der Warteliste\. Die Anmeldung wird außer der "
        r"Reihe bestätigt, .* Der Raum fasst 12; eingecheckt sind \d+\.",
        asked[0],
    )
    assert registration_of(live_app, "Çelik")["checked_in"]
    expect(page).to_have_url(re.compile(r"/check-in/$"))  # reloading shows the door, it does not admit again
    fits_without_scrolling_sideways(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "44-door-admitted-from-the-waiting-list")

    # Someone without a registration: registered and let in at once, and given a badge.
    page.get_by_text("Person ohne Anmeldung aufnehmen").click()
    page.get_by_label("Vorname", exact=True).fill("Mariam")
    page.get_by_label("Nachname", exact=True).fill("Haidari")
    page.get_by_label("Organisation", exact=True).fill("Migrationsberatung Rostock")
    page.get_by_label("Die Person hat den Datenschutzhinweisen zugestimmt (mündlich am Einlass).").check()
    fits_without_scrolling_sideways(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "45-door-walk-in")
    page.get_by_role("button", name="Anmelden und einchecken").click()
    expect(page.get_by_role("alert")).to_contain_text("Angemeldet und eingecheckt: willkommen!")
    expect(page.get_by_role("alert")).to_contain_text("Mariam Haidari")
    walked_in = registration_of(live_app, "Haidari")
    assert walked_in["checked_in"]
    fits_without_scrolling_sideways(page)
    screenshot(page, "46-door-walk-in-admitted")
    with page.expect_download() as download:
        page.get_by_role("link", name="Namensschild drucken").click()
    [[code]] = codes_in_pdf(Path(download.value.path()).read_bytes())
    assert (code.text, code.standard_qr) == (walked_in["code"], True)

    # A helper for the door, invited by mail.
    page.get_by_label("Name", exact=True).fill("Jana Einlass")
    page.get_by_label("E-Mail-Adresse", exact=True).fill("jana.einlass@example.org")
    page.get_by_role("button", name="Einladen").click()
    expect(page.get_by_text("jana.einlass@example.org hat einen Link erhalten")).to_be_visible()
    expect(page.locator("#helpers")).to_contain_text("Jana Einlass")
    fits_without_scrolling_sideways(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "47-door-helper-invited")
    [welcome] = mailbox.to("jana.einlass@example.org")
    assert welcome["Subject"] == "Ihr Konto für den Check-in"
    link = re.search(r"http://127\.0\.0\.1:\d+/login/reset/\S+", welcome.get_content()).group(0)

    page.context.clear_cookies()
    page.goto(link)
    page.get_by_label("Neues Passwort", exact=True).fill("tuer-und-tor-2026")
    page.get_by_label("Neues Passwort wiederholen").fill("tuer-und-tor-2026")
    page.get_by_role("button", name="Passwort speichern").click()
    page.get_by_label("E-Mail-Adresse").fill("jana.einlass@example.org")
    page.get_by_label("Passwort").fill("tuer-und-tor-2026")
    page.get_by_role("button", name="Anmelden").click()
    page.get_by_role("link", name=re.compile(rf"^Check-in\s*: {TODAY}$")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TODAY)
    expect(page.get_by_text("Check-in-Hilfen")).to_have_count(0)  # the organisers' part of the page
    person = registration_of(live_app, "Lewandowska")
    page.get_by_label("Name oder Organisation").fill("lewandowska")
    page.get_by_role("button", name="Suchen").click()
    page.get_by_role("button", name=re.compile(rf"^Einchecken\s*: {person['name']}")).click()
    expect(page.get_by_role("alert")).to_contain_text("Eingecheckt: willkommen!")
    assert registration_of(live_app, "Lewandowska")["checked_in"]
    fits_without_scrolling_sideways(page)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "48-door-helper-checks-in")
    page.context.clear_cookies()
