"""A network's own website shows its events and registration forms in a frame: on another origin (localhost,
another port: another site, so the frame gets none of this site's cookies), registering works and the frame grows
with its content; on a site that is not listed the browser refuses the frame."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from conference.extensions import db
from conference.organisations.models import Organisation
from conference.registration.models import Registration
from tests.support.browser import serious_accessibility_violations

pytestmark = pytest.mark.browser

NETWORK = "bqn-rlp"
SEMINAR = "Seminar: Schulversagen – Schulerfolg"
WORKSHOP_A = "Workshop A: Beratung an der Schnittstelle Schule – Ausbildung – Beruf"


class Website:
    """Another website on loopback whose one page holds the snippet (as the example page shows it)."""

    def __init__(self, live_server: str):
        page = (
            "<!doctype html><html lang='de'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'><title>BQN Rheinland-Pfalz</title>"
            "</head><body><h1>Unsere Veranstaltungen</h1>"
            f"<iframe src='{live_server}/embed/{NETWORK}/' title='Veranstaltungen' "
            "style='width: 100%; height: 10rem; border: 0'></iframe>"
            f"<script src='{live_server}/static/js/embed.js' async></script><footer>Impressum</footer></body></html>"
        ).encode()

        class Page(BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(page)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
        self.origin = f"http://localhost:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def websites(live_server, live_app):
    """Two websites; the network lists only the first."""
    listed, other = Website(live_server), Website(live_server)
    with live_app.app_context():
        network = db.session.scalar(sa.select(Organisation).where(Organisation.slug == NETWORK))
        network.embed_origins = listed.origin
        db.session.commit()
    yield listed, other
    listed.close()
    other.close()


def test_a_listed_website_shows_the_events_and_registers_through_the_form_in_its_frame(
    page, websites, live_app, mailbox
):
    listed, _other = websites
    page.goto(listed.origin)
    frame = page.frame_locator("iframe")
    frame.locator("article", has_text=SEMINAR).get_by_role("link", name="Jetzt anmelden").click()
    expect(frame.get_by_role("heading", level=1)).to_contain_text(SEMINAR)

    frame.get_by_role("button", name="Anmelden", exact=True).click()  # nothing filled in: the form says what
    expect(frame.get_by_role("alert")).to_contain_text("Bitte prüfen Sie Ihre Angaben")
    frame.get_by_label("Vorname", exact=True).fill("Selin")
    frame.get_by_label("Nachname", exact=True).fill("Aydın")
    frame.get_by_label("E-Mail-Adresse", exact=True).fill("selin.aydin@example.org")
    frame.get_by_label(WORKSHOP_A).check()
    frame.get_by_label("vegetarisch").check()
    frame.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    frame.get_by_role("button", name="Anmelden", exact=True).click()
    expect(frame.get_by_text("Vielen Dank für Ihre Anmeldung, Selin!")).to_be_visible()

    [mail] = mailbox.to("selin.aydin@example.org")
    assert mail["Subject"] == f"Anmeldung bestätigt: {SEMINAR}"
    assert re.search(r"/registrations/[0-9a-f]{64}", mail.get_body(("plain",)).get_content())
    with live_app.app_context():
        registration = db.session.scalar(sa.select(Registration).where(Registration.email == "selin.aydin@example.org"))
        assert registration.first_name == "Selin" and registration.privacy_accepted_at is not None
    grown_to_its_content(page)
    assert serious_accessibility_violations(page) == []


def grown_to_its_content(page) -> None:
    """The frame is as high as the page in it: the visitor scrolls the website, never a box inside it."""
    page.frames[1].wait_for_function("document.documentElement.scrollHeight <= window.innerHeight + 1")


def test_on_a_phone_the_frame_is_as_wide_as_the_website_and_grows_with_the_form(browser, websites):
    listed, _other = websites
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="de-DE")
    page = context.new_page()
    page.goto(listed.origin)
    page.frame_locator("iframe").locator("article", has_text=SEMINAR).get_by_role("link", name="Jetzt anmelden").click()
    frame = page.frames[1]
    frame.wait_for_load_state()
    expect(page.frame_locator("iframe").get_by_label("Vorname", exact=True)).to_be_visible()
    assert frame.evaluate("document.documentElement.scrollWidth") <= 360
    grown_to_its_content(page)
    assert page.locator("iframe").evaluate("frame => frame.clientHeight") > 1000  # the whole form, unscrolled
    context.close()


def test_a_website_that_is_not_listed_is_refused_by_the_browser(browser, websites):
    _listed, other = websites
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text) as refusal:
        page.goto(other.origin)
    assert "has been blocked" in refusal.value.text
    assert "/embed/" not in page.frames[1].url  # an error page of the browser's own instead
    expect(page.get_by_role("heading", name="Unsere Veranstaltungen")).to_be_visible()  # the website itself stays
    context.close()
