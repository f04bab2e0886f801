"""The renderer loads only the app's own files: typed text cannot make it read the disk or the network."""

import logging
from concurrent.futures import ThreadPoolExecutor

import pytest

from conference.database import utcnow
from conference.documents import engine, render
from conference.documents.pdf import Metadata
from conference.events.models import ParticipantListMode
from conference.registration import services
from tests.support import applicant, log_in
from tests.support.documents import pdf_pages

HOSTILE = '<img src="file:///etc/passwd"><link rel="stylesheet" href="http://127.0.0.1:9/x.css">'


def test_a_hostile_name_is_printed_as_text_and_nothing_is_fetched(client, make_event, make_user, caplog):
    event = make_event(participant_list_mode=ParticipantListMode.PUBLIC)
    services.register(
        event.id, applicant(first_name=HOSTILE, last_name="Böse", listed_as_participant=True), utcnow(), by=None
    )
    log_in(client, make_user(events=[event]))

    with caplog.at_level(logging.WARNING, logger="conference.documents.engine"):
        for url in (
            f"/manage/events/{event.id}/documents/sign-in-sheet.pdf",
            f"/manage/events/{event.id}/documents/badges.pdf",
            f"/events/{event.slug}/participants.pdf",
        ):
            # (a line break in a narrow column may hyphenate it)
            text = "".join(pdf_pages(client.get(url).data)).replace("\n", "").replace("\u2010", "")
            assert 'file:///etc/passwd' in text, url  # shown as typed, not loaded
            assert "root:" not in text
    assert not [
        r for r in caplog.records if r.name == "conference.documents.engine"
    ]  # escaped: the renderer never even tried to load it


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/logo.png",
        "https://example.org/x.png",
        "app://conference/static/../../../../etc/passwd",
        "app://conference/uploads/../config.py",
        "ftp://example.org/x",
    ],
)
def test_the_fetcher_refuses_everything_but_our_own_files(tmp_path, url):
    fetcher = engine.OwnFilesOnlyFetcher({"static": str(tmp_path / "static"), "uploads": str(tmp_path / "uploads")})
    with pytest.raises(ValueError):
        fetcher.fetch(url)


def test_the_fetcher_serves_static_files_and_uploaded_logos(tmp_path):
    (tmp_path / "uploads" / "logos").mkdir(parents=True)
    (tmp_path / "uploads" / "logos" / "a.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    fetcher = engine.OwnFilesOnlyFetcher({"uploads": str(tmp_path / "uploads")})
    assert fetcher.fetch("app://conference/uploads/logos/a.png").headers["Content-Type"] == "image/png"


def test_an_injected_local_image_in_a_template_is_refused_and_the_pdf_still_renders(caplog):
    with caplog.at_level(logging.WARNING, logger="conference.documents.engine"):
        pdf = engine.html_to_pdf('<p>Ayşe</p><img src="file:///etc/passwd">', {})
    assert "Ayşe" in pdf_pages(pdf)[0]
    assert "refused to load file:///etc/passwd" in caplog.text


def test_file_names_write_latin_letters_in_ascii_and_keep_every_other_script_whole():
    from conference.documents.render import file_name

    assert (
        file_name("Teilnehmerliste", "Fachtagung: Größe – Ngọc Nguyễn")
        == "teilnehmerliste-fachtagung-groesse-ngoc-nguyen.pdf"
    )
    assert (
        file_name("Петров", "Алексей", "BSJK-2L25", extension="zip") == "петров-алексей-bsjk-2l25.zip"
    )  # й keeps its breve
    assert file_name("العلي", "Yıldız", "Łukasz") == "العلي-yildiz-lukasz.pdf" and file_name("***") == "document.pdf"


def test_the_public_programme_is_rendered_once_for_requests_at_once_and_answers_304_when_unchanged(
    app, client, make_event, monkeypatch
):
    renders, real = [], render.render_chunks
    monkeypatch.setattr(render, "render_chunks", lambda *args: renders.append(1) or real(*args))

    def fetch(_number):
        with app.app_context():
            return render.shared_pdf("<p>Programm</p>", Metadata("Programm", "Orga", "de"))[1]

    with ThreadPoolExecutor(max_workers=6) as pool:
        etags = set(pool.map(fetch, range(12)))
    assert len(renders) == 1 and len(etags) == 1

    event = make_event()
    first = client.get(f"/events/{event.slug}/programme.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF") and first.headers["ETag"]
    again = client.get(f"/events/{event.slug}/programme.pdf", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and len(renders) == 2  # the event's programme once, the 304 renders nothing
