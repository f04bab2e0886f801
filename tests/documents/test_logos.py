"""Funders' and organisers' logos appear in the documents funders ask for; nothing else of the uploads does."""

import io
import logging
from datetime import timedelta

import pytest
from PIL import Image
from pypdf import PdfReader

from conference.database import utcnow
from conference.demo.commands import logo as demo_logo
from conference.documents import certificates, engine
from conference.documents.render import folders
from conference.events.models import PartnerRole
from conference.materials import storage
from conference.organisations import logos
from tests.support import log_in
from tests.support.hostile import entity_bomb
from tests.support.reading import pages_as_images

# Colours no stylesheet uses, so finding them on a page means the logo is there.
ORGANISER_GREEN, FUNDER_MAGENTA = (20, 160, 90), (200, 40, 170)


def png(colour) -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (240, 120), colour).save(image, "PNG")
    return image.getvalue()


@pytest.fixture
def event_with_logos(make_event, make_organisation, register_people):
    organiser = make_organisation(name="AFZ Rostock", logo=logos.store(png(ORGANISER_GREEN)))
    funder = make_organisation(name="Bundesministerium", short_name="BM", logo=logos.store(png(FUNDER_MAGENTA)))
    start = utcnow() - timedelta(days=1)
    event = make_event(
        partners=[(PartnerRole.ORGANISER, organiser), (PartnerRole.FUNDER, funder)],
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        funding_notice="Gefördert vom Bundesministerium.",
    )
    register_people(event, 3, checked_in=True)
    return event


def has_colour(image, colour, box=None) -> bool:
    """Whether some pixel (in ``box``) has about this colour (rendering may shift it by a step or two)."""
    pixels = (image.crop(box) if box else image).convert("RGB").getcolors(1_000_000)
    return any(all(abs(a - b) <= 3 for a, b in zip(found, colour, strict=True)) for _count, found in pixels)


def images_per_page(pdf: bytes) -> list[set[tuple[int, int]]]:
    """The sizes of the pictures on each page: our test logos are 240 × 120 pixels."""
    return [{image.image.size for image in page.images} for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.mark.parametrize("document", ["sign-in-sheet", "programme", "badges"])
def test_lists_programme_and_badges_carry_the_logos(client, make_user, event_with_logos, document):
    log_in(client, make_user(events=[event_with_logos]))
    pdf = client.get(f"/manage/events/{event_with_logos.id}/documents/{document}.pdf").data
    pages = pages_as_images(pdf, dpi=50)
    assert all((240, 120) in sizes for sizes in images_per_page(pdf))
    for page in pages:
        assert has_colour(page, ORGANISER_GREEN), document
        if document != "badges":  # badges name the organiser only
            assert has_colour(page, FUNDER_MAGENTA), document


def test_certificates_show_the_organiser_at_the_top_and_the_funders_below(event_with_logos):
    people = certificates.attendees(event_with_logos.id)
    [page] = pages_as_images(certificates.pdf_of(people[0], utcnow()), dpi=50)
    top, bottom = (0, 0, page.width, page.height // 5), (0, page.height * 4 // 5, page.width, page.height)
    assert has_colour(page, ORGANISER_GREEN, top) and not has_colour(page, ORGANISER_GREEN, bottom)
    assert has_colour(page, FUNDER_MAGENTA, bottom) and not has_colour(page, FUNDER_MAGENTA, top)


def test_drawn_svg_logos_render_too(app, make_event, make_organisation, make_user, client):
    funder = make_organisation(
        name="Europäischer Sozialfonds", short_name="ESF", logo=logos.store(demo_logo("ESF", "#7a1fa2"))
    )
    event = make_event(partners=[(PartnerRole.FUNDER, funder)])
    log_in(client, make_user(events=[event]))
    [page] = pages_as_images(client.get(f"/manage/events/{event.id}/documents/sign-in-sheet.pdf").data, dpi=50)
    assert has_colour(page, (122, 31, 162))


def test_a_document_cannot_load_a_restricted_material_only_logos(app, caplog):
    stored, _size = storage.save(io.BytesIO(png(FUNDER_MAGENTA)), 10_000)
    logo = logos.store(png(ORGANISER_GREEN))
    urls = [
        f"app://conference/logos/../materials/{stored}",
        f"app://conference/uploads/materials/{stored}",
        f"/uploads/materials/{stored}",
        f"app://conference/materials/{stored}",
    ]
    with caplog.at_level(logging.WARNING, logger="conference.documents.engine"):
        pdf = engine.html_to_pdf(
            "".join(f'<img src="{url}">' for url in urls) + f'<img src="app://conference/logos/{logo}">', folders()
        )
    assert images_per_page(pdf) == [{(240, 120)}]  # the logo alone
    [page] = pages_as_images(pdf, dpi=50)
    assert not has_colour(page, FUNDER_MAGENTA)
    assert caplog.text.count("refused to load") == len(urls)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_a_hostile_svg_logo_stored_before_the_checks_is_not_drawn(app, client, make_event, make_organisation, encoding):
    """A 1 KB logo of nested entities took the public programme 131 s to render (6 MB); one stored before the
    upload refused such files is left out of every document, which renders at once."""
    app.config["RENDER_SECONDS"] = 5  # the four-level bomb alone took 8 s to draw here
    name = f"{'b' * 32}.svg"
    (logos.folder() / name).write_bytes(entity_bomb(encoding))
    funder = make_organisation(name="Gefährlicher Fördergeber", logo=name)
    event = make_event(partners=[(PartnerRole.FUNDER, funder)])  # funders' logos are in every document's footer

    response = client.get(f"/events/{event.slug}/programme.pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert event.title in text and "Anerkennung Anerkennung" not in text


def test_a_document_that_takes_too_long_is_stopped_with_a_message_and_the_next_one_renders(
    app, client, make_event, make_user, monkeypatch
):
    from conference.documents import printouts

    app.config["RENDER_SECONDS"] = 1
    event = make_event()
    log_in(client, make_user(events=[event]))
    real = printouts.programme_html
    monkeypatch.setattr("conference.documents.manage.programme_html", lambda event: "<p>Anerkennung</p>" * 100_000)

    response = client.get(f"/manage/events/{event.id}/documents/programme.pdf")
    assert response.status_code == 503
    assert "konnte nicht rechtzeitig erstellt werden" in response.get_data(as_text=True)

    monkeypatch.setattr("conference.documents.manage.programme_html", real)
    again = client.get(f"/manage/events/{event.id}/documents/programme.pdf")
    assert again.status_code == 200 and event.title in pdf_text(again.data)


def pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_a_public_document_that_took_too_long_is_refused_at_once_for_a_while_with_a_visitors_message(
    app, client, make_event, monkeypatch
):
    """Every visitor's request of a programme that could not be made in time kept a process busy up to the limit."""
    from conference.documents import printouts, render

    app.config["RENDER_SECONDS"] = 1
    event = make_event()
    monkeypatch.setattr(printouts, "programme_html", lambda event: "<p>Anerkennung</p>" * 100_000)
    renders, real = [], render.render_chunks
    monkeypatch.setattr(render, "render_chunks", lambda *args: renders.append(1) or real(*args))

    first = client.get(f"/events/{event.slug}/programme.pdf")
    again = client.get(f"/events/{event.slug}/programme.pdf")
    assert first.status_code == again.status_code == 503 and len(renders) == 1  # not tried again
    page = again.get_data(as_text=True)
    assert "später noch einmal" in page and "PNG" not in page  # what organisers read is not for visitors
