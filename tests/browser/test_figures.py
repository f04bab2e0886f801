"""The organiser opens the Schwerin conference's figures: the charts are drawn under the site's CSP, and the page
fits a phone's screen."""

import pytest
from playwright.sync_api import expect

from tests.support.browser import (
    log_in_as_demo_organiser,
    open_workspace,
    screenshot,
    serious_accessibility_violations,
)

pytestmark = pytest.mark.browser
SCHWERIN = "Fachtagung: Anerkennung durch Anerkennung"


def test_the_organiser_sees_the_charts_of_the_schwerin_figures_also_on_a_phone(page, live_server):
    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, SCHWERIN, "Zahlen")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Zahlen")
    charts = page.locator("img.chart")
    expect(charts).to_have_count(4)  # kind of organisation, region, forum, registration day
    for index in range(4):
        charts.nth(index).scroll_into_view_if_needed()
        page.wait_for_function(
            "image => image.complete && image.naturalWidth > 0", arg=charts.nth(index).element_handle()
        )
    expect(page.get_by_role("cell", name="Behörde/Jobcenter")).to_be_visible()
    expect(page.get_by_role("cell", name="PLZ 19…")).to_be_visible()
    assert serious_accessibility_violations(page) == []

    page.set_viewport_size({"width": 360, "height": 740})
    page.reload()
    expect(page.locator("img.chart")).to_have_count(4)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    widths = page.evaluate("() => [...document.querySelectorAll('img.chart')].map(image => image.naturalWidth)")
    assert all(width > 0 for width in widths)
    screenshot(page, "figures-phone")
