"""The attendee list with signatures as a funder asks for it: answers to the event's questions as extra columns in
the organisers' order, and the funder layout in landscape."""

import io
import os
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from conference.audit.models import AuditAction, AuditEntry
from conference.database import utcnow
from conference.events import services as event_services
from conference.events.models import ParticipantListMode
from conference.extensions import db
from conference.registration import questions, services
from conference.registration.models import QuestionKind
from tests.support import applicant, form_token, log_in
from tests.support.browser import SCREENSHOTS
from tests.support.documents import pdf_pages
from tests.support.reading import pages_as_images

CATEGORIES = ["Fachkraft Beratung", "Arbeitgeber", "Behörde"]


@pytest.fixture
def funded(make_event, make_question):
    """An event asking a funder's participant category, a yes/no, a multiple choice and a long text; two people."""
    event = make_event(title="Fachtag Förderung", participant_list_mode=ParticipantListMode.PUBLIC)
    category = make_question(event, label="Teilnehmendenkategorie", kind=QuestionKind.SINGLE_CHOICE, options=CATEGORIES)
    employed = make_question(event, label="Sozialversicherungspflichtig beschäftigt", kind=QuestionKind.YES_NO)
    topics = make_question(event, label="Themen", kind=QuestionKind.MULTIPLE_CHOICE, options=["Recht", "Praxis"])
    comment = make_question(event, label="Anmerkungen", kind=QuestionKind.LONG_TEXT)
    for last, answers in (
        ("Nowak", {category.id: "Arbeitgeber", employed.id: True, topics.id: ["Recht", "Praxis"]}),
        ("Yılmaz", {category.id: "Behörde", employed.id: False, comment.id: "Rollstuhl, bitte Platz am Gang"}),
    ):
        services.register(
            event.id,
            applicant(last_name=last, listed_as_participant=True, answers=answers),
            utcnow(),
            by_organiser=True,
            by=None,
        )
    return event, category, employed, topics, comment


def choose(client, event, path: str, **data):
    """An organiser's change on the documents page; what the page then says."""
    token = form_token(client, f"/manage/events/{event.id}/documents/")
    response = client.post(
        f"/manage/events/{event.id}/documents/sign-in-sheet/{path}",
        data={"csrf_token": token, **data},
        follow_redirects=True,
    )
    assert response.status_code == 200
    return " ".join(re.findall(r'role="status">([^<]*)<', response.get_data(as_text=True)))


def unhyphenated(pages: list[str]) -> list[str]:
    """The text as typed: words the narrow columns hyphenate put back together."""
    return [page.replace("\u2010\n", "").replace("\u2010", "") for page in pages]


def sheet_pdf(client, event) -> bytes:
    response = client.get(f"/manage/events/{event.id}/documents/sign-in-sheet.pdf")
    assert response.status_code == 200
    return response.data


def test_chosen_answers_are_columns_in_the_chosen_order_and_the_public_list_shows_none(
    client, funded, make_user, make_event, make_question
):
    event, category, employed, topics, comment = funded
    log_in(client, make_user(events=[event]))

    page = client.get(f"/manage/events/{event.id}/documents/").get_data(as_text=True)
    assert "Teilnehmendenkategorie" in page and "Anmerkungen</option>" not in page  # long text: no column
    choose(client, event, "columns", question=category.id)
    choose(client, event, "columns", question=employed.id, position="1")  # before the category
    choose(client, event, "layout", layout="funder")
    choose(client, event, "columns", question=topics.id)
    choose(client, event, f"columns/{topics.id}/up")  # between the two

    [text] = unhyphenated(pdf_pages(sheet_pdf(client, event)))
    order = ["Name", "Organisation", "Funktion", "Sozialversicherungspflichtig", "Themen", "Teilnehmendenkategorie"]
    positions = [text.index(heading) for heading in order]
    assert positions == sorted(positions) and "Teilnehmendenkategorie Unterschrift" in text
    nowak, yilmaz = (line for line in text.splitlines() if "Nowak" in line or "Yılmaz" in line)
    assert "Ja" in nowak and "Recht, Praxis" in nowak and "Arbeitgeber" in nowak
    assert "Nein" in yilmaz and "Behörde" in yilmaz
    assert "Rollstuhl" not in text  # nobody chose the long text

    public = pdf_pages(client.get(f"/events/{event.slug}/participants.pdf").data)[0]
    organisers_copy = pdf_pages(client.get(f"/manage/events/{event.id}/documents/participants.pdf").data)[0]
    for listed in (public, organisers_copy):
        assert "Nowak" in listed and "Yılmaz" in listed
        for answer in ("Arbeitgeber", "Behörde", "Recht", "Kategorie", "Themen", "Ja", "Nein"):
            assert not re.search(rf"\b{answer}\b", listed)  # a word: the date may say "Januar"

    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.SIGN_IN_SHEET_CHANGED)
    ).all()
    assert len(entries) == 5 and entries[-1].changed_fields == ["Zusätzliche Spalten"]


@pytest.mark.parametrize(
    "layout, column_count, people, page_count",
    [("funder", 6, 30, 3), ("standard", 2, 35, 2)],  # 12 rows a page, 7 on the last; 19 and 16
)
def test_either_layout_keeps_page_numbers_totals_and_the_confirmation_line_with_long_questions_and_answers(
    client, make_event, make_question, make_user, register_people, layout, column_count, people, page_count
):
    event = make_event(title="Fachtag quer", grant_number="ESF-2026-0815")
    chosen = [
        make_question(event, label=f"Sehr lange Frage des Förderers Nummer {number} nach einer Kategorie der Person")
        for number in range(column_count)
    ]
    long_answer = "Wohnhaft im Fördergebiet Mecklenburg-Vorpommern, Landkreis Ludwigslust-Parchim, seit 2009"
    category = "Fachkraft öffentlicher Träger"  # a funder's category, which a column of either layout holds whole
    answers = {question.id: long_answer if index % 2 else category for index, question in enumerate(chosen)}
    register_people(event, people, answers=answers)
    log_in(client, make_user(events=[event]))
    choose(client, event, "layout", layout=layout)
    for question in chosen:
        choose(client, event, "columns", question=question.id)

    pdf = sheet_pdf(client, event)
    reader = PdfReader(io.BytesIO(pdf))
    pages = unhyphenated(pdf_pages(pdf))
    if os.environ.get("SCREENSHOTS"):  # pictures to look at when changing the layout
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        for index, image in enumerate(pages_as_images(pdf, dpi=70)):
            image.save(SCREENSHOTS / f"sign-in-sheet-{layout}-{index + 1}.png")

    assert len(pages) == page_count  # the rows fit: no page runs over
    for number, page in enumerate(reader.pages, start=1):
        assert (page.mediabox.width > page.mediabox.height) == (layout == "funder")
        assert f"Seite {number} von {page_count}" in pages[number - 1] and "Unterschrift" in pages[number - 1]
        assert "Nummer 0" in pages[number - 1]  # the questions head every page
    assert f"Insgesamt: {people} Personen" in pages[-1]
    assert "Ort, Datum" in pages[-1] and "Unterschrift des Veranstalters" in pages[-1]
    first, last = (" ".join(page.split()) for page in (pages[0], pages[-1]))  # as read, whatever the line breaks
    assert category in first
    assert "…" in first and "seit 2009" not in first  # a longer answer shortened to what a cell holds
    assert "sind hier gekürzt; der Export der Anmeldungen enthält sie vollständig" in last  # where to read them whole


def test_mistakes_and_tricks_get_a_message_and_change_nothing(client, funded, make_user, make_event, make_question):
    event, category, employed, topics, comment = funded
    elsewhere = make_question(make_event(), label="Fremde Frage")
    log_in(client, make_user(events=[event]))
    choose(client, event, "columns", question=category.id)

    cannot = "Diese Frage kann nicht hinzugefügt werden"
    assert cannot in choose(client, event, "columns", question=elsewhere.id)
    assert cannot in choose(client, event, "columns", question=comment.id)  # long text
    assert cannot in choose(client, event, "columns", question=category.id)  # a column already
    assert "Bitte geben Sie eine Stelle von 1 bis 2 an." in choose(
        client, event, "columns", question=employed.id, position="99999999999999999999"
    )
    assert "Stelle: Keine gültige, ganze Zahl" in choose(
        client, event, "columns", question=employed.id, position="zwei"
    )
    assert "Frage: Keine gültige, ganze Zahl" in choose(client, event, "columns", question="1 OR 1=1")
    assert "Layout: Keine gültige Auswahl" in choose(client, event, "layout", layout="gigantisch")
    assert "Diese Spalte ist nicht mehr auf der Liste." in choose(client, event, f"columns/{topics.id}/remove")
    assert "Diese Spalte ist nicht mehr auf der Liste." in choose(client, event, f"columns/{elsewhere.id}/down")

    choose(client, event, "columns", question=employed.id)
    assert "höchstens 2 zusätzliche Spalten" in choose(client, event, "columns", question=topics.id)
    choose(client, event, "layout", layout="funder")
    choose(client, event, "columns", question=topics.id)
    assert "höchstens 2 zusätzliche Spalten" in choose(client, event, "layout", layout="standard")

    # The page that removes a question says its column goes with it; a question in no column says nothing of it.
    asking = client.get(f"/manage/events/{event.id}/registrations/form/{topics.id}/remove").get_data(as_text=True)
    assert "auch eine Spalte der Teilnehmerliste mit Unterschriften, die mit ihr wegfällt" in asking
    editing = client.get(f"/manage/events/{event.id}/registrations/form/{topics.id}").get_data(as_text=True)
    assert "als langer Text wären sie es nicht mehr" in editing  # the kind that would drop the column
    elsewhere = client.get(f"/manage/events/{event.id}/registrations/form/{comment.id}/remove")
    assert "Spalte" not in elsewhere.get_data(as_text=True)
    questions.remove(event.id, topics.id, by=None)  # answered: kept for the export, off the form and the sheet
    choose(client, event, "layout", layout="standard")
    [text] = unhyphenated(pdf_pages(sheet_pdf(client, event)))
    assert "Teilnehmendenkategorie" in text and "Themen" not in text and "Recht, Praxis" not in text


def test_a_duplicated_event_prints_its_list_as_the_original(client, funded, make_user):
    event, category, employed, _topics, _comment = funded
    log_in(client, make_user(events=[event]))
    choose(client, event, "layout", layout="funder")
    choose(client, event, "columns", question=category.id)
    choose(client, event, "columns", question=employed.id, position="1")

    copy = event_services.duplicate(
        event.id, "Fachtag Förderung 2", "fachtag-2", event.starts_at + timedelta(days=365), by=None
    )

    from conference.documents import services as sheets

    assert sheets.sheet_of(copy).layout == "funder"
    assert [question.label for question in sheets.extra_columns(copy)] == [employed.label, category.label]
    assert {question.event_id for question in sheets.extra_columns(copy)} == {copy.id}
