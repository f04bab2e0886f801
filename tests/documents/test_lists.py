"""Attendee lists and sign-in sheets as organisers and registrants print them."""

import re

from conference.agenda.models import AgendaItemKind
from conference.database import utcnow
from conference.documents import lists
from conference.events.models import ParticipantListMode
from conference.registration import services
from tests.support import applicant, log_in
from tests.support.documents import NAMES, pdf_pages


def sheet(client, event, **arguments):
    response = client.get(f"/manage/events/{event.id}/documents/sign-in-sheet.pdf", query_string=arguments)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return pdf_pages(response.data)


def numbers_on(pages: list[str]) -> list[int]:
    return [int(number) for page in pages for number in re.findall(r"^(\d+)$", page, re.MULTILINE)]


def test_the_sign_in_sheet_lists_every_confirmed_person_with_header_and_page_numbers_on_each_page(
    client, make_event, make_user, register_people
):
    event = make_event(title="Anerkennung durch Anerkennung", capacity=45)
    register_people(event, 45)
    waiting = services.register(event.id, applicant(last_name="Wartelistig"), utcnow(), by=None).registration
    cancelled = services.cancel(
        services.register(event.id, applicant(last_name="Abgemeldet"), utcnow(), by=None).registration.id,
        utcnow(),
        by=None,
    )
    log_in(client, make_user(events=[event]))

    pages = sheet(client, event)

    assert len(pages) == 3  # 20 rows a page
    for number, page in enumerate(pages, start=1):
        assert "Anerkennung durch Anerkennung" in page
        assert "Unterschrift" in page and "Organisation" in page  # the table header on every page
        assert f"Seite {number} von 3" in page
    assert numbers_on(pages) == list(range(1, 46))
    text = "\n".join(pages)
    for first, last in NAMES:
        assert f"{last} 001".split()[0] in text and first in text
    assert waiting.last_name not in text and cancelled.last_name not in text
    assert "Insgesamt: 45 Personen" in pages[-1] and "Insgesamt" not in pages[0]


def test_variants_checked_in_and_one_forum_and_sorting_by_organisation(
    client, make_event, make_user, make_forums, register_people
):
    event = make_event()
    forum_a, forum_b = make_forums(event, None, None)
    present = register_people(event, 3, checked_in=True, forums=[forum_a.id], organisation="Zentrum Süd")
    register_people(event, 4, forums=[forum_b.id], organisation="Amt Nord")
    log_in(client, make_user(events=[event]))

    checked_in = sheet(client, event, variant="checked_in")
    assert numbers_on(checked_in) == [1, 2, 3]
    assert "Insgesamt: 3 Personen" in checked_in[0]
    forum = sheet(client, event, variant="forum", forum=forum_b.id)
    assert numbers_on(forum) == [1, 2, 3, 4] and "Forum: Forum 2" in forum[0] and "Zentrum Süd" not in forum[0]
    by_organisation = sheet(client, event, sort="organisation")[0]
    assert by_organisation.index("Amt Nord") < by_organisation.index("Zentrum Süd")
    assert present[0].last_name in by_organisation
    assert (
        client.get(f"/manage/events/{event.id}/documents/sign-in-sheet.pdf?variant=forum&forum=999999").status_code
        == 404
    )


def test_long_lists_are_rendered_in_chunks_with_continuous_page_numbers_and_metadata(
    client, make_event, make_user, register_people, monkeypatch
):
    monkeypatch.setattr(lists, "PAGES_PER_CHUNK", 1)  # three chunks, rendered by the pool and merged
    event = make_event(title="Fachtagung Größe")
    register_people(event, 41)
    log_in(client, make_user(events=[event]))

    response = client.get(f"/manage/events/{event.id}/documents/sign-in-sheet.pdf")
    pages = pdf_pages(response.data)

    assert [f"Seite {n} von 3" in page for n, page in enumerate(pages, start=1)] == [True, True, True]
    assert numbers_on(pages) == list(range(1, 42))
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(response.data))
    assert reader.metadata.title == "Teilnehmerliste: Fachtagung Größe"
    assert reader.trailer["/Root"]["/Lang"] == "de"
    # Merging keeps pages, not structure trees: the chunks are rendered without one.
    assert "/StructTreeRoot" not in reader.trailer["/Root"]

    monkeypatch.setattr(lists, "PAGES_PER_CHUNK", 8)  # one chunk: a tagged PDF, as screen readers need
    root = PdfReader(io.BytesIO(client.get(f"/manage/events/{event.id}/documents/sign-in-sheet.pdf").data)).trailer[
        "/Root"
    ]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]


def test_the_public_participant_list_as_pdf_shows_only_consenting_people(client, make_event, register_people):
    event = make_event(participant_list_mode=ParticipantListMode.PUBLIC)
    listed = register_people(event, 2, listed_as_participant=True)
    hidden = register_people(event, 1)

    pages = pdf_pages(client.get(f"/events/{event.slug}/participants.pdf").data)

    assert listed[0].last_name in pages[0] and listed[1].last_name in pages[0]
    assert hidden[0].last_name not in pages[0] and "Unterschrift" not in pages[0]
    other = make_event(participant_list_mode=ParticipantListMode.HIDDEN)
    assert client.get(f"/events/{other.slug}/participants.pdf").status_code == 404


def test_badges_and_the_printed_programme(client, make_event, make_user, make_agenda_item, register_people):
    event = make_event()
    make_agenda_item(event, 0, title="Begrüßung und Einführung")
    make_agenda_item(event, 60, kind=AgendaItemKind.BREAK, title="Kaffeepause")
    people = register_people(event, 11)
    log_in(client, make_user(events=[event]))

    badges = pdf_pages(client.get(f"/manage/events/{event.id}/documents/badges.pdf").data)
    assert len(badges) == 2  # ten to a sheet
    assert sorted(code for person in people for code in [person.check_in_code] if code in "".join(badges)) == sorted(
        person.check_in_code for person in people
    )
    assert sum(person.check_in_code in badges[0] for person in people) == 10
    large = pdf_pages(client.get(f"/manage/events/{event.id}/documents/badges.pdf?size=100x70").data)
    assert len(large) == 2
    programme = pdf_pages(client.get(f"/events/{event.slug}/programme.pdf").data)
    assert "Begrüßung und Einführung" in programme[0] and "Kaffeepause" in programme[0]


def test_organisers_see_a_picture_of_each_first_page(client, make_event, make_user, register_people):
    event = make_event()
    register_people(event, 2)
    log_in(client, make_user(events=[event]))
    page = client.get(f"/manage/events/{event.id}/documents/").get_data(as_text=True)
    for name in ("sign-in-sheet", "participants", "badges", "programme", "certificate"):
        assert f"/documents/preview/{name}.png" in page
        response = client.get(f"/manage/events/{event.id}/documents/preview/{name}.png")
        assert response.status_code == 200 and response.data.startswith(b"\x89PNG"), name


GERMAN_ORDER = ["Ahmed", "Çelik", "Mueller", "Müller", "Oberst", "Özdemir", "Schulz", "Schwarz", "Wendt", "Zimmermann"]


def test_names_are_in_the_order_german_readers_expect_in_every_list(client, make_event, make_user):
    """ "Özdemir" came after "Schulz" and "Çelik" after "Wendt" (the database compared bytes)."""
    import csv
    import io

    from openpyxl import load_workbook

    event = make_event(participant_list_mode=ParticipantListMode.PUBLIC)
    for last_name in reversed(GERMAN_ORDER):
        services.register(
            event.id,
            applicant(last_name=last_name, organisation=f"Träger {last_name}", listed_as_participant=True),
            utcnow(),
            by=None,
        )
    log_in(client, make_user(events=[event]))

    def in_order(text: str) -> list[str]:
        return sorted(GERMAN_ORDER, key=text.index)

    assert in_order("\n".join(sheet(client, event))) == GERMAN_ORDER
    assert in_order("\n".join(pdf_pages(client.get(f"/events/{event.slug}/participants.pdf").data))) == GERMAN_ORDER
    assert in_order(client.get(f"/manage/events/{event.id}/registrations/").get_data(as_text=True)) == GERMAN_ORDER
    by_organisation = client.get(f"/manage/events/{event.id}/registrations/?sort=organisation").get_data(as_text=True)
    assert in_order(by_organisation) == GERMAN_ORDER  # "Träger Çelik" before "Träger Mueller"
    table = list(
        csv.reader(
            io.StringIO(client.get(f"/manage/events/{event.id}/registrations/export.csv").data.decode("utf-8-sig")),
            delimiter=";",
        )
    )
    assert [row[0] for row in table[1:]] == GERMAN_ORDER
    sheet_xlsx = load_workbook(
        io.BytesIO(client.get(f"/manage/events/{event.id}/registrations/export.xlsx").data)
    ).active
    assert [row[0].value for row in sheet_xlsx.iter_rows(min_row=2)] == GERMAN_ORDER


def test_a_sign_in_sheet_balances_its_pages_instead_of_leaving_one_row_on_the_last(
    client, make_event, make_user, register_people
):
    event = make_event()
    register_people(event, 21)  # was 17 rows (the last page carries the totals) and a page with 4, or 20 and 1
    log_in(client, make_user(events=[event]))
    pages = sheet(client, event)
    rows_per_page = [len(numbers_on([page])) for page in pages]
    assert rows_per_page == [11, 10] and numbers_on(pages) == list(range(1, 22))
    assert "Insgesamt: 21 Personen" in pages[-1]  # the totals stay on the last page
