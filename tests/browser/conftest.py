"""A live server with the demo data, and Debian's chromium driven by Playwright.

The database is built the way ``make run`` builds it: migrations, then ``demo-data``.
With ``SCREENSHOTS=1`` pictures of the pages go to ``build/screenshots/`` (git-ignored) for people to look at.
"""

import threading

import pytest
from flask_migrate import upgrade
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from conference import create_app
from conference.database import utcnow
from conference.demo import commands as demo
from conference.demo.data import BERLIN
from conference.extensions import db
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, smtp_server):
    """The app behind the live server; tests use it to read what the server stored (``with live_app.app_context()``)."""
    folder = tmp_path_factory.mktemp("live")
    app = create_app(
        {
            "CONFERENCE_ENV": "testing",
            "DATABASE_URL": f"sqlite:///{folder / 'live.sqlite3'}",
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": smtp_server.hostname,
            "MAIL_PORT": smtp_server.port,
        }
    )
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
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    yield page
    context.close()
    assert blocked == [], "the page broke its own Content-Security-Policy"
