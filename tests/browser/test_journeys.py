import re

import pytest
from playwright.sync_api import expect

from tests.support.browser import screenshot, serious_accessibility_violations

pytestmark = pytest.mark.browser

SCHWERIN = "Fachtagung: Anerkennung durch Anerkennung"


def test_visitor_finds_the_schwerin_conference_and_its_agenda(page, live_server):
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_have_text("Fachtagungen und Veranstaltungen")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "01-home")

    page.get_by_role("link", name=SCHWERIN).click()
    expect(page).to_have_url(re.compile(r"/events/anerkennung-durch-anerkennung-2011$"))
    expect(page.locator("h1")).to_contain_text(SCHWERIN)
    expect(page.get_by_text("Donnerstag, 29. September 2011").first).to_be_visible()
    expect(page.get_by_text("9.30 – 16.00 Uhr").first).to_be_visible()
    for heading in ("Durchführung", "Netzwerkprojekte", "Strategische Partner", "Fachliche Begleitung", "Förderung"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="MOZAIK gGmbH")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "02-event")

    page.get_by_role("navigation", name="Veranstaltung").get_by_role("link", name="Programm").click()
    expect(page.locator("h1")).to_contain_text("Programm")
    expect(page.get_by_text("3 Foren parallel")).to_be_visible()
    expect(page.get_by_role("heading", name="Begrüßung und Eröffnung")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "03-agenda")


def forum_boxes(page):
    forums = page.locator(".forum")
    expect(forums).to_have_count(3)
    return [forums.nth(i).bounding_box() for i in range(3)]


def test_parallel_forums_sit_side_by_side_on_wide_screens_and_stack_on_phones(browser, live_server):
    wide = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    wide.goto(live_server + "/events/anerkennung-durch-anerkennung-2011/agenda")
    first, second, third = forum_boxes(wide)
    assert first["y"] == second["y"] == third["y"] and first["x"] < second["x"] < third["x"]

    phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True).new_page()
    phone.goto(live_server + "/events/anerkennung-durch-anerkennung-2011/agenda")
    first, second, third = forum_boxes(phone)
    assert first["y"] < second["y"] < third["y"] and first["x"] == second["x"]
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling
    screenshot(phone, "04-agenda-phone")
    wide.context.close()
    phone.context.close()


def test_printed_agenda_leaves_out_navigation(page, live_server):
    page.goto(live_server + "/events/anerkennung-durch-anerkennung-2011/agenda")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".event-nav")).to_be_hidden()
    expect(page.get_by_role("heading", name="Begrüßung und Eröffnung")).to_be_visible()


def test_keyboard_user_can_skip_to_content_and_sees_focus(page, live_server):
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Zum Inhalt springen")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("element => getComputedStyle(element).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main$"))


def test_visitor_switches_to_english_and_stays_on_the_page(page, live_server):
    page.goto(live_server + "/events/schulversagen-schulerfolg")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/events/schulversagen-schulerfolg$"))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="Register now")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "05-event-english")

    page.get_by_role("link", name="Register now").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registration")
    page.get_by_role("link", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")


@pytest.mark.parametrize(
    "path",
    [
        "/organisations",
        "/organisations/amon",
        "/events/anerkennung-durch-anerkennung-2011/good-practice",
        "/events/anerkennung-durch-anerkennung-2011/speakers",
        "/gibt-es-nicht",
    ],
)
def test_other_pages_pass_the_accessibility_check(page, live_server, path):
    page.goto(live_server + path)
    assert serious_accessibility_violations(page) == []
    screenshot(page, "06" + path.replace("/", "-"))


PUBLIC_PAGES = [
    "/",
    "/organisations",
    "/organisations/amon",
    "/events/anerkennung-durch-anerkennung-2011",
    "/events/anerkennung-durch-anerkennung-2011/agenda",
    "/events/anerkennung-durch-anerkennung-2011/speakers",
    "/events/anerkennung-durch-anerkennung-2011/good-practice",
    "/events/schulversagen-schulerfolg",
    "/events/schulversagen-schulerfolg/register",
    "/events/schulversagen-schulerfolg/privacy",
    "/events/schulversagen-schulerfolg/lost-link",
    "/certificates/verify",
    "/login",
    "/gibt-es-nicht",
]


def test_every_public_page_fits_a_phone_and_passes_the_accessibility_check(page, live_server):
    page.set_viewport_size({"width": 360, "height": 800})
    too_wide, violations = {}, {}
    for path in PUBLIC_PAGES:
        page.goto(live_server + path)
        if (width := page.evaluate("document.documentElement.scrollWidth")) > 360:
            too_wide[path] = width
        if found := serious_accessibility_violations(page):
            violations[path] = found
    assert too_wide == {} and violations == {}


# Each place where the browser wrapped a line in an element's text: the character before it.
LINE_ENDS = """(element) => {
  const text = element.firstChild, range = document.createRange(), ends = [];
  let top = null;
  for (let index = 0; index < text.length; index++) {
    range.setStart(text, index); range.setEnd(text, index + 1);
    const rects = range.getClientRects(), rect = rects[rects.length - 1];  // a break's first letter: its own line
    if (!rect || rect.width === 0) continue;  // a soft hyphen not used for a break takes no room
    if (top !== null && rect.top > top + 2) ends.push(text.data[index - 1]);
    top = rect.top;
  }
  return ends;
}"""


def test_a_long_word_in_a_heading_breaks_with_a_hyphen_on_a_phone(page, live_server):
    """ "Teilnahmebescheinigung prüfen" broke mid-word at 360 px, without a hyphen."""
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(live_server + "/c/ABCD-EFGH-2345")
    heading = page.get_by_role("heading", name="Teilnahmebescheinigung prüfen", level=1)  # as screen readers say it
    expect(heading).to_be_visible()
    screenshot(page, "62-verify-360")
    ends = heading.evaluate(LINE_ENDS)
    assert ends and set(ends) <= {" ", "\u00ad"}, ends  # it wraps, and only after a space or at a soft hyphen
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
