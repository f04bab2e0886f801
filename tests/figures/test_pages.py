"""The figures pages, the workbook and the printed report: who sees them, what they say, and that no one is named."""

import io
import os
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from openpyxl import load_workbook

from conference.accounts.models import EventAssignment, EventRole, UserRole
from conference.database import utcnow
from conference.events.models import PartnerRole
from conference.extensions import db
from conference.figures import services as figures
from conference.organisations.models import OrganisationKind
from conference.privacy import services as privacy
from conference.registration import services
from conference.registration.models import QuestionKind
from tests.support import applicant, check_in, form_token, log_in
from tests.support.documents import pdf_pages
from tests.support.reading import pages_as_images

KINDS = ["Bildungsträger", "Beratungsstelle", "Kammer"]
FOLDED = "Weitere Antworten, je weniger als 3 Personen"  # the lines of fewer than three people, summed


@pytest.fixture
def event_with_figures(make_event, make_organisation, make_question, make_forums):
    """An event over (yesterday), with a funder, a grant number, forums, and answers to both statistics questions."""
    network = make_organisation(kind=OrganisationKind.NETWORK, name="NQ-Netz-MV")
    funder = make_organisation(name="Bundesministerium für Bildung", short_name="BMBF")
    starts = utcnow() - timedelta(days=1)
    event = make_event(
        partners=[(PartnerRole.FUNDER, funder)],
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        network=network,
        grant_number="01 NQ 1107",
    )
    kind = make_question(event, label="Art der Einrichtung", kind=QuestionKind.SINGLE_CHOICE, options=KINDS)
    postcode = make_question(event, label="Postleitzahl")
    forum, other = make_forums(event, 20, 20)
    people = []
    for number, (k, p) in enumerate([("Kammer", "19053"), ("Kammer", "19061"), ("Bildungsträger", "23966")]):
        people.append(
            services.register(
                event.id,
                applicant(
                    first_name="Ayşe",
                    last_name=f"Geheim{number}",
                    email=f"geheim{number}@example.org",
                    answers={kind.id: k, postcode.id: p},
                    forums=[forum.id if number < 2 else other.id],
                ),
                starts - timedelta(days=7 - number),
                by_organiser=True,
                by=None,
            ).registration
        )
    check_in(people[0])
    check_in(people[1])
    figures.choose_questions(event.id, postcode.id, kind.id, by=None)
    return event, people


def test_the_organiser_sees_every_breakdown_with_its_chart(client, event_with_figures, make_user):
    event, people = event_with_figures
    log_in(client, make_user(events=[event]))

    page = client.get(f"/manage/events/{event.id}/figures/").get_data(as_text=True)

    assert page.count('<img class="chart" src="data:image/svg+xml;base64,') == 4  # kind, region, forum, day
    for text in ("Nach Art der Einrichtung", "Nach Region", "Nach Forum", "Nach Anmeldetag", FOLDED):
        assert text in page
    assert "PLZ 19…" not in page and "Kammer" not in page  # one or two people each: not told apart
    assert re.search(r"<dt>Nicht erschienen</dt><dd>1</dd>", page)
    assert "Geheim" not in page and "geheim0@example.org" not in page
    assert f'href="/manage/events/{event.id}/figures/"' in client.get(
        f"/manage/events/{event.id}/registrations/dashboard"
    ).get_data(as_text=True)  # in the event's navigation


def test_the_organiser_chooses_the_questions_on_the_page(client, make_event, make_question, make_user):
    event = make_event()
    postcode = make_question(event, label="PLZ")
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/figures/"
    token = form_token(client, url)

    response = client.post(
        url + "questions", data={"csrf_token": token, "region_question_id": postcode.id, "kind_question_id": 0}
    )
    refused = client.post(
        url + "questions", data={"csrf_token": token, "region_question_id": 999999, "kind_question_id": 0}
    )

    assert response.status_code == 303 and refused.status_code == 303
    assert figures.settings_of(event).region_question_id == postcode.id
    assert figures.settings_of(event).kind_question_id is None


def test_an_organiser_of_another_event_sees_none_of_its_figures(client, event_with_figures, make_event, make_user):
    event, _people = event_with_figures
    log_in(client, make_user(events=[make_event()]))
    for path in ("/", "/figures.xlsx", "/figures.pdf"):
        assert client.get(f"/manage/events/{event.id}/figures{path}").status_code == 403


def test_the_workbook_holds_the_counts_as_numbers_and_no_one_s_data(client, event_with_figures, make_user):
    event, people = event_with_figures
    log_in(client, make_user(events=[event]))

    response = client.get(f"/manage/events/{event.id}/figures/figures.xlsx")
    book = load_workbook(io.BytesIO(response.data))

    assert response.headers["Content-Disposition"].endswith(".xlsx") and "no-store" in response.headers["Cache-Control"]
    assert book.sheetnames == [
        "Kennzahlen",
        "Nach Art der Einrichtung",
        "Nach Region",
        "Nach Forum",
        "Nach Anmeldetag",
    ]
    key = {row[0]: row[1] for row in book["Kennzahlen"].iter_rows(values_only=True) if row and row[0]}
    assert key["Anmeldungen (alle)"] == 3 and key["Bestätigt"] == 3 and key["Eingecheckt"] == 2
    assert key["Nicht erschienen"] == 1 and key["Stornierungen"] == 0 and key["Förderkennzeichen"] == "01 NQ 1107"
    kinds = list(book["Nach Art der Einrichtung"].iter_rows(values_only=True))
    assert kinds[0] == ("Frage", "Art der Einrichtung", None)
    assert kinds[2:] == [("Beratungsstelle", 0, 0), (FOLDED, 3, 2)]
    regions = list(book["Nach Region"].iter_rows(values_only=True))[2:]
    assert regions == [(FOLDED, 3, 2)]
    days = list(book["Nach Anmeldetag"].iter_rows(values_only=True))[1:]
    assert [count for _day, count in days] == [1, 1, 1] and all(isinstance(day, datetime) for day, _count in days)
    everything = " ".join(
        str(value) for sheet in book for row in sheet.iter_rows(values_only=True) for value in row if value is not None
    )
    assert "Geheim" not in everything and "@" not in everything and "Ayşe" not in everything


def test_the_printed_report_names_the_event_grant_and_figures(client, event_with_figures, make_user):
    event, _people = event_with_figures
    log_in(client, make_user(events=[event]))

    response = client.get(f"/manage/events/{event.id}/figures/figures.pdf")
    text = " ".join(" ".join(pdf_pages(response.data)).split())

    assert response.mimetype == "application/pdf"
    for expected in (
        "Zahlen für den Bericht an den Fördermittelgeber",
        event.title,
        "Förderkennzeichen: 01 NQ 1107",
        "Nach Art der Einrichtung",
        FOLDED,
        "Nicht erschienen",
        "BMBF",  # the funder (its short name where it has no logo)
    ):
        assert expected in text, expected
    assert "Geheim" not in text
    images = pages_as_images(response.data, dpi=60)
    assert images and images[0].size[0] < images[0].size[1]  # A4 upright
    if folder := os.environ.get("FIGURES_PICTURES"):  # for people to look at
        for number, image in enumerate(pages_as_images(response.data, dpi=80), start=1):
            image.save(Path(folder) / f"figures-{number}.png")


def test_after_the_deletion_the_page_shows_the_kept_figures(client, event_with_figures, make_user):
    event, _people = event_with_figures
    event.retention_days = 0
    db.session.commit()
    privacy.purge(utcnow())
    log_in(client, make_user(events=[event]))

    page = client.get(f"/manage/events/{event.id}/figures/").get_data(as_text=True)
    text = " ".join(pdf_pages(client.get(f"/manage/events/{event.id}/figures/figures.pdf").data))

    assert "beim Löschen der personenbezogenen Daten am" in page and FOLDED in page
    assert "beim Löschen der personenbezogenen Daten am" in text and FOLDED in text


@pytest.fixture
def network_events(make_organisation, make_event):
    network = make_organisation(kind=OrganisationKind.NETWORK, name="BQN Emscher-Lippe")
    day = datetime(2025, 5, 6, 7, 30, tzinfo=UTC)
    early = make_event(network=network, starts_at=day, ends_at=day + timedelta(hours=6), grant_number="A-1")
    later = day + timedelta(days=200)
    late = make_event(network=network, starts_at=later, ends_at=later + timedelta(hours=6), grant_number="A-2")
    for event, count in ((early, 2), (late, 3)):
        for _ in range(count):
            services.register(event.id, applicant(), event.starts_at - timedelta(days=3), by_organiser=True, by=None)
    return network, early, late


def test_a_network_s_figures_need_every_event_in_the_period_or_an_administrator(
    app, network_events, make_user, make_event, make_organisation
):
    network, early, late = network_events
    url = f"/manage/networks/{network.id}/figures/"
    helper = make_user(role=UserRole.CHECK_IN)
    db.session.add(EventAssignment(user=helper, event=early, role=EventRole.CHECK_IN))
    db.session.commit()
    administrator = make_user(role=UserRole.ADMINISTRATOR)
    cases = [
        (make_user(events=[early]), "", 403),
        (make_user(events=[early]), "?from=2025-01-01&to=2025-06-30", 200),  # only the event they organise
        (make_user(events=[early, late]), "", 200),
        (administrator, "", 200),
        (make_user(events=[make_event()]), "", 403),
        (helper, "?from=2025-01-01&to=2025-06-30", 403),
    ]
    for user, query, status in cases:
        client = app.test_client()
        log_in(client, user)
        assert client.get(url + query).status_code == status, (user.email, query)
        assert client.get(url + "figures.xlsx" + query).status_code == status
    client = app.test_client()
    log_in(client, administrator)
    assert client.get(f"/manage/networks/{network.id + 10_000}/figures/").status_code == 404
    assert client.get(f"/manage/networks/{make_organisation().id}/figures/").status_code == 404  # not a network


def test_a_network_page_shows_each_event_and_the_totals(client, network_events, make_user):
    network, early, late = network_events
    log_in(client, make_user(events=[early, late]))

    page = client.get(f"/manage/networks/{network.id}/figures/").get_data(as_text=True)
    book = load_workbook(
        io.BytesIO(client.get(f"/manage/networks/{network.id}/figures/figures.xlsx?from=2025-01-01").data)
    )

    assert early.title in page and late.title in page and "06.05.2025 – 22.11.2025" in page
    rows = list(book["Kennzahlen"].iter_rows(values_only=True))
    events = {row[0]: row[2] for row in rows if row and row[0] in (early.title, late.title, "Summe")}
    assert events == {early.title: 2, late.title: 3, "Summe": 5}
    assert ("Förderkennzeichen", "A-1, A-2") in [row[:2] for row in rows if row]
    assert date(2025, 5, 3) in [row[0].date() for row in book["Nach Anmeldetag"].iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize(
    "query, message",
    [
        ("?from=gestern", "Bitte geben Sie ein Datum wie 2011-09-29 ein."),
        ("?from=2025-13-40", "Bitte geben Sie ein Datum wie 2011-09-29 ein."),
        ("?from=2025-06-01&to=2025-05-01", "Der Zeitraum darf nicht enden, bevor er beginnt."),
        ("?to=99999-01-01", "Bitte geben Sie ein Datum wie 2011-09-29 ein."),
        ("?from=0001-01-01", "Bitte geben Sie ein Datum zwischen 1990 und 2999 ein."),
    ],
)
def test_a_bad_period_is_told_not_an_error(client, network_events, make_user, query, message):
    network, early, late = network_events
    log_in(client, make_user(events=[early, late]))
    response = client.get(f"/manage/networks/{network.id}/figures/{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    download = client.get(f"/manage/networks/{network.id}/figures/figures.pdf{query}")
    assert download.status_code == 302 and download.headers["Location"].startswith(
        f"/manage/networks/{network.id}/figures/"
    )
