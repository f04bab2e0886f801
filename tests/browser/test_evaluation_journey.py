"""The evaluation after an event, as attendees answer it from their mail and the organiser reports it."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from conference.accounts.models import EventAssignment, EventRole, User
from conference.database import utcnow
from conference.demo.data import DEMO_ORGANISER
from conference.evaluation import services as evaluation
from conference.evaluation.models import Evaluation
from conference.events.models import Event, EventKind, EventStatus
from conference.extensions import db
from conference.registration import services as registration
from tests.support import applicant, check_in
from tests.support.browser import log_in_as_demo_organiser, open_workspace, serious_accessibility_violations
from tests.support.documents import pdf_pages
from tests.support.reading import pages_as_images

pytestmark = pytest.mark.browser

TITLE = "Fachtag: Anerkennung im Rückblick"
PEOPLE = ("amal", "bernd", "clara", "dana")


@pytest.fixture
def past_event(live_app):
    """An event of the demo organiser that ended yesterday, four people checked in, the standard evaluation."""
    with live_app.test_request_context():  # the confirmations it mails link to an address (the live app has none)
        start = utcnow() - timedelta(days=1, hours=8)
        event = Event(
            slug="fachtag-rueckblick",
            title=TITLE,
            kind=EventKind.CONFERENCE,
            status=EventStatus.PUBLISHED,
            starts_at=start,
            ends_at=start + timedelta(hours=6),
            city="Schwerin",
            grant_number="FKZ 2026-04",
        )
        db.session.add(event)
        organiser = db.session.scalar(sa.select(User).where(User.email == DEMO_ORGANISER["email"]))
        db.session.add(EventAssignment(user=organiser, event=event, role=EventRole.ORGANISER))
        db.session.commit()
        for name in PEOPLE:
            person = registration.register(
                event.id,
                applicant(first_name=name.title(), email=f"{name}@example.org"),
                utcnow(),
                by_organiser=True,
                by=None,
            ).registration
            check_in(person)
        evaluation.use_standard_set(event.id, by=None)
        db.session.remove()


def evaluation_link(mailbox, name: str, subject_start: str = "Ihre Meinung") -> str:
    [mail] = [mail for mail in mailbox.to(f"{name}@example.org") if mail["Subject"].startswith(subject_start)]
    return re.search(r"http://127\.0\.0\.1:\d+/events/\S+/evaluation/\w+", mail.get_body(("plain",)).get_content())[0]


def send(page, button: str) -> None:
    """Press a sending button on the evaluation page, and say yes when asked."""
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text("Eine gesendete E-Mail lässt sich nicht zurückholen")).to_be_visible()
    page.get_by_role("button", name="Ja, senden").click()


def answer(page, link: str, satisfied: str, wish: str = "") -> None:
    page.goto(link)
    page.get_by_role("group", name="Wie zufrieden waren Sie mit der Veranstaltung insgesamt?").get_by_label(
        satisfied
    ).check()
    if wish:
        page.get_by_label("Was möchten Sie uns noch mitteilen?").fill(wish)
    page.get_by_role("button", name="Antworten absenden").click()
    expect(page.get_by_role("status")).to_contain_text("Danke für Ihre Antworten!")


def test_attendees_answer_from_their_mail_the_one_who_did_not_is_reminded_and_the_organiser_reports_it(
    page, live_server, live_app, mailbox, past_event
):
    log_in_as_demo_organiser(page, live_server)
    open_workspace(page, live_server, TITLE, "Evaluation")
    expect(page.get_by_text("Die Evaluation stellt 6 Fragen.")).to_be_visible()
    send(page, "Jetzt an 4 eingecheckte Personen senden")
    expect(page.get_by_text("An 4 Personen gesendet.")).to_be_visible()
    links = {name: evaluation_link(mailbox, name) for name in PEOPLE}
    organiser = page.context.cookies()
    page.context.clear_cookies()

    # An attendee on a phone: the form fits, is accessible, and says the answers are anonymous.
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(links["amal"])
    expect(page.get_by_text("Ihre Antworten sind anonym")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert serious_accessibility_violations(page) == []
    answer(page, links["amal"], "5 – sehr zufrieden", "Mehr Zeit für die Foren, bitte.")
    page.goto(links["amal"])  # the link answers once
    expect(page.get_by_role("status")).to_contain_text("bereits beantwortet")
    page.set_viewport_size({"width": 1280, "height": 900})
    answer(page, links["clara"], "4")
    answer(page, links["dana"], "5 – sehr zufrieden")

    with live_app.app_context():  # three days later: the reminder may go out
        state = db.session.get(Evaluation, db.session.scalar(sa.select(Event.id).where(Event.title == TITLE)))
        state.invited_at -= timedelta(days=3)
        db.session.commit()
        db.session.remove()
    page.context.add_cookies(organiser)
    mailbox.messages.clear()
    open_workspace(page, live_server, TITLE, "Evaluation")
    send(page, "1 Person erinnern, die nicht geantwortet hat")
    expect(page.get_by_text("An 1 Person gesendet.")).to_be_visible()
    assert [mail["To"] for mail in mailbox.messages] == ["bernd@example.org"]
    assert evaluation_link(mailbox, "bernd", "Erinnerung") == links["bernd"]

    # The results: three answers to the first question show its chart, drawn as an image the page's CSP allows.
    expect(page.get_by_text("3 Antworten").first).to_be_visible()
    expect(page.get_by_text("4 gefragt, Rücklaufquote 75 %")).to_be_visible()
    chart = page.locator("img.chart").first
    expect(chart).to_be_visible()
    assert chart.evaluate("image => image.naturalWidth") > 0
    assert "5 – sehr zufrieden: 2" in chart.get_attribute("alt")
    expect(page.get_by_text("Mehr Zeit für die Foren, bitte.")).to_have_count(0)  # one text only: not shown
    assert serious_accessibility_violations(page) == []
    page.set_viewport_size({"width": 360, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_download() as download:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    pdf = download.value.path().read_bytes()
    text = "\n".join(pdf_pages(pdf))
    for expected in (TITLE, "FKZ 2026-04", "Gefragt 4", "Beantwortet 3", "Mittelwert 4,7", "5 – sehr zufrieden"):
        assert expected in text, expected
    [first, *_] = pages_as_images(pdf, dpi=50)
    colours = dict((colour, count) for count, colour in first.convert("RGB").getcolors(maxcolors=1 << 24))
    assert colours.get((11, 79, 124), 0) > 500  # the chart's bars, in the accent's blue

    with page.expect_download() as download:
        page.get_by_role("link", name="Als Excel-Datei herunterladen").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    assert [cell.value for cell in book["Überblick"]["B"][2:4]] == [4, 3]
    assert sorted(row[1].value for row in book["Antworten"].iter_rows(min_row=2)) == [4, 5, 5]
    assert not any("example.org" in str(cell.value) for sheet in book for row in sheet.iter_rows() for cell in row)
