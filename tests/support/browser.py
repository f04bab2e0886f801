"""What browser tests do again and again: screenshots, axe's accessibility check, logging in, finding a page."""

import functools
import os
from pathlib import Path

from playwright.sync_api import expect

from conference.demo.data import DEMO_ORGANISER

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
# As root chromium needs --no-sandbox; the rest keeps it from calling out to the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def screenshot(page, name: str) -> None:
    """A picture of the whole page for people to look at, when asked for (``make test SCREENSHOTS=1``): the 60
    of them take a tenth of the browser tests' time, and the tests check what the pictures would show."""
    if not os.environ.get("SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def serious_accessibility_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A/AA checks; only serious and critical findings are returned. axe details only the
    violations (what passed is not listed), which halves its time and leaves every violation reported."""
    if not page.evaluate("() => 'axe' in window"):  # the same page checked again: axe is there already
        page.evaluate(_axe_source())  # evaluated by the browser's debugger protocol, so the page's CSP allows it
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},"
        " resultTypes: ['violations']})"
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
        page.get_by_role("navigation", name="Seiten dieser Veranstaltung").get_by_role(
            "link", name=section, exact=True
        ).click()


def add_hotel_questions(page, hotels: str, night_required: bool = False) -> None:
    """On the registration form page: "Benötigen Sie eine Übernachtung?" (yes/no), and "Welches Hotel?"
    (required, asked only on "yes"), each saved and checked with axe."""
    condition = "Nur wenn „Benötigen Sie eine Übernachtung?“ mit „Ja“ beantwortet wird"
    for label, kind, options, required, shown_if in [
        ("Benötigen Sie eine Übernachtung?", "yes_no", "", night_required, None),
        ("Welches Hotel?", "single_choice", hotels, True, condition),
    ]:
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


def register(page, live_server, first_name: str, email: str, last_name: str = "Nowak") -> None:
    page.goto(live_server + "/events/schulversagen-schulerfolg/register")
    page.get_by_label("Vorname", exact=True).fill(first_name)
    page.get_by_label("Nachname", exact=True).fill(last_name)
    page.get_by_label("E-Mail-Adresse", exact=True).fill(email)
    page.get_by_label("Workshop C").check()
    page.get_by_label("vegan").check()
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen").check()
    page.get_by_role("button", name="Anmelden", exact=True).click()
    expect(page.get_by_text(f"Vielen Dank für Ihre Anmeldung, {first_name}!")).to_be_visible()
