import json
import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    log_in_as_demo_organiser,
    open_workspace,
    register,
    screenshot,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser


def test_a_registrant_downloads_their_data_then_deletes_it_and_the_organiser_sees_the_record(
    page, live_server, mailbox
):
    page.goto(live_server + "/events/schulversagen-schulerfolg/register")
    page.get_by_text("Datenschutzhinweis lesen").click()  # the notice opens inside the form
    expect(page.get_by_text("Tage nach der Veranstaltung")).to_be_visible()
    register(page, live_server, "Irina", "irina.nowak@example.org")
    link = re.search(
        r"http://127\.0\.0\.1:\d+/registrations/\w+",
        mailbox.to("irina.nowak@example.org")[0].get_body(("plain",)).get_content(),
    ).group(0)
    page.context.clear_cookies()

    page.goto(link)
    expect(page.get_by_role("heading", name="Ihre Daten")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Alle Ihre Daten herunterladen (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["registration"]["email"] == "irina.nowak@example.org"

    page.get_by_role("link", name="Meine Daten jetzt löschen").click()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "40-delete-my-data")
    page.get_by_role("button", name="Ja, meine Daten löschen").click()
    expect(page.get_by_role("status")).to_contain_text(
        "Ihre personenbezogenen Daten zu dieser Veranstaltung wurden gelöscht"
    )
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Seite nicht gefunden")

    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, "Seminar: Schulversagen – Schulerfolg", "Anmeldungen")
    page.get_by_role("link", name="Datenschutz und Löschung").click()
    expect(page.get_by_role("cell", name="Auf Anfrage")).to_be_visible()
    expect(page.get_by_role("cell", name="die Person selbst")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "41-privacy-page")
