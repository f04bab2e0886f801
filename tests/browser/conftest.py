"""A live server with the demo data, and Debian's chromium driven by Playwright.

The database is built the way ``make run`` builds it: migrations, then ``demo-data``.
Screenshots go to ``build/screenshots/`` (git-ignored) for people to look at.
"""

import threading
from pathlib import Path

import pytest
from flask_migrate import upgrade
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from conference import create_app
from conference.database import utcnow
from conference.demo import commands as demo
from conference.demo.data import BERLIN, DEMO_ORGANISER
from conference.extensions import db

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
# As root chromium needs --no-sandbox; the rest keeps it from calling out to the network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, smtp_server):
    """The app behind the live server; tests use it to read what the server stored (``with live_app.app_context()``)."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app({
        "CONFERENCE_ENV": "testing", "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
        "MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp_server.hostname, "MAIL_PORT": smtp_server.port,
    })
    app.instance_path = str(folder / "instance")
    with app.app_context():
        upgrade()
        demo.load(utcnow().astimezone(BERLIN))
        db.session.remove()
    yield app
    with app.app_context():
        db.engine.dispose()


def whole_bodies(app):
    """The app with each response body read whole and its file closed before the server writes it.

    Werkzeug's development server leaves a response's file open when the browser drops the connection
    in the middle of writing it (a favicon.svg, once in a CI run), and the tests treat the unclosed file
    as an error (ResourceWarning)."""
    def serve(environ, start_response):
        response = app(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            if hasattr(response, "close"):
                response.close()

    return serve


@pytest.fixture(scope="session")
def live_server(live_app):
    server = make_server("127.0.0.1", 0, whole_bodies(live_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh tab; the test fails if the Content-Security-Policy blocked anything on its pages."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert blocked == [], "the page broke its own Content-Security-Policy"


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA checks; only serious and critical findings are returned."""
    page.evaluate(AXE.read_text())  # evaluated by the browser's debugger protocol, so the page's CSP allows it
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} – "
        + "; ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]




def log_in_as_demo_organiser(page, live_server) -> None:
    page.goto(live_server + "/login")
    page.get_by_label("E-Mail-Adresse").fill(DEMO_ORGANISER["email"])
    page.get_by_label("Passwort").fill(DEMO_ORGANISER["password"])
    page.get_by_role("button", name="Anmelden").click()


def open_workspace(page, live_server, event_title: str, section: str = "Überblick") -> None:
    """From the back office's start page to one page of an event, as an organiser gets there: the event's
    title opens its overview, the navigation every page of the event shares leads on."""
    page.goto(live_server + "/manage/")
    page.get_by_role("link", name=event_title, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Überblick")
    if section != "Überblick":
        page.get_by_role("navigation", name="Seiten dieser Veranstaltung").get_by_role("link", name=section, exact=True).click()


def add_hotel_questions(page, hotels: str, night_required: bool = False) -> None:
    """On the registration form page: "Benötigen Sie eine Übernachtung?" (yes/no), and "Welches Hotel?"
    (required, asked only on "yes"), each saved and checked with axe."""
    condition = "Nur wenn „Benötigen Sie eine Übernachtung?“ mit „Ja“ beantwortet wird"
    for label, kind, options, required, shown_if in [("Benötigen Sie eine Übernachtung?", "yes_no", "", night_required, None),
                                                     ("Welches Hotel?", "single_choice", hotels, True, condition)]:
        page.get_by_role("link", name="Frage hinzufügen").click()
        page.get_by_label("Frage", exact=True).fill(label)
        page.get_by_label("Art der Antwort").select_option(kind)
        page.get_by_label("Optionen", exact=True).fill(options)
        if required:
            page.get_by_label("Antwort erforderlich").check()
        if shown_if:
            page.get_by_label("Gefragt").select_option(label=shown_if)
        assert serious_accessibility_violations(page) == []
        page.get_by_role("button", name="Speichern").click()
        expect(page.get_by_text(f"Gespeichert: {label}")).to_be_visible()
