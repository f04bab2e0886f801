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

SEMINAR = "Seminar: Schulversagen – Schulerfolg"
SCHWERIN = "Fachtagung: Anerkennung durch Anerkennung"


def test_internal_downloads_for_a_registered_participant_and_a_lock_for_everyone_else(
    page, live_server, mailbox, tmp_path
):
    slides = tmp_path / "Folien Schulerfolg.pdf"
    slides.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, SEMINAR, "Materialien")
    page.get_by_role("link", name="Material hochladen").click()
    page.get_by_label("Titel").fill("Folien zum Einführungsvortrag")
    page.get_by_label("Wer darf es herunterladen").select_option(label="Angemeldete Teilnehmende")
    page.get_by_label("Datei").set_input_files(str(slides))
    assert serious_accessibility_violations(page) == []
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("cell", name="Folien Schulerfolg.pdf")).to_be_visible()
    material_id = re.search(
        r"/materials/(\d+)/", page.get_by_role("link", name="Folien Schulerfolg.pdf").get_attribute("href")
    ).group(1)
    screenshot(page, "30-materials-back-office")
    page.context.clear_cookies()

    page.goto(live_server + "/events/schulversagen-schulerfolg")
    page.get_by_role("link", name="Zu den Downloads").click()
    expect(page.get_by_text("Folien zum Einführungsvortrag")).to_be_visible()
    expect(page.get_by_role("link", name="Folien zum Einführungsvortrag")).to_have_count(0)  # locked: no link
    expect(page.get_by_text("Einträge mit Schloss für Teilnehmende öffnen sich mit dem Link")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "31-materials-locked")
    refused = page.request.get(
        live_server + f"/events/schulversagen-schulerfolg/materials/{material_id}"
    )  # the file itself
    assert refused.status == 403

    register(page, live_server, "Ewa", "ewa.nowak@example.org")
    link = re.search(
        r"http://127\.0\.0\.1:\d+/registrations/[0-9a-f]{64}",
        mailbox.to("ewa.nowak@example.org")[0].get_body(("plain",)).get_content(),
    ).group(0)
    page.context.clear_cookies()
    page.goto(link)
    page.get_by_role("link", name="Downloads intern").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="Folien zum Einführungsvortrag").click()
    assert download.value.suggested_filename == "Folien Schulerfolg.pdf"
    assert download.value.path().read_bytes().startswith(b"%PDF")
    screenshot(page, "32-materials-participant")


def test_the_organiser_previews_documents_and_makes_all_certificates(page, live_server):
    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, SCHWERIN, "Dokumente")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dokumente")
    previews = page.locator("img.document-preview")
    expect(previews).to_have_count(5)
    for index in range(5):
        previews.nth(index).scroll_into_view_if_needed()
        page.wait_for_function(
            "(image) => image.complete && image.naturalWidth > 0", arg=previews.nth(index).element_handle()
        )
    assert serious_accessibility_violations(page) == []
    screenshot(page, "33-documents")

    page.get_by_role("button", name="Bescheinigungen erstellen").click()
    expect(page.get_by_role("link", name=re.compile("herunterladen"))).to_be_visible(
        timeout=60000
    )  # the page follows the job
    expect(page.get_by_text("18 Bescheinigungen sind fertig.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("herunterladen")).click()
    assert download.value.suggested_filename.endswith(".pdf")
    screenshot(page, "34-certificates-ready")
