"""Internal downloads: who may fetch what, uploads that are refused, downloads as browsers expect them."""

import io
import tracemalloc
import zipfile
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conference.database import utcnow
from conference.extensions import db
from conference.materials import services, storage
from conference.materials.models import Material, Visibility
from conference.registration import services as registration
from tests.support import applicant, check_in, form_token, log_in

PDF = b"%PDF-1.7\n" + b"x" * 5000 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


def docx() -> bytes:
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return content.getvalue()


@pytest.fixture
def upload(client, make_user):
    """Upload through the back office as an organiser of ``event``; returns the response."""

    def send(
        event, content: bytes, filename: str, visibility: str = "registered", title: str = "Folien", material_id=None
    ):
        log_in(client, make_user(events=[event]))
        url = f"/manage/events/{event.id}/materials/" + (str(material_id) if material_id else "new")
        data = {
            "csrf_token": form_token(client, url),
            "title": title,
            "visibility": visibility,
            "agenda_item_id": "0",
            "file": (io.BytesIO(content), filename),
        }
        return client.post(url, data=data, content_type="multipart/form-data")

    return send


def stored_files(app) -> list:
    return sorted(path.name for path in storage.folder().iterdir())


def test_an_upload_is_stored_by_a_random_name_and_downloaded_by_its_own(app, client, make_event, upload):
    event = make_event()
    response = upload(event, PDF, "../../Präsentation Größe.pdf", visibility="public")
    assert response.status_code == 303
    material = db.session.scalar(db.select(Material))
    assert material.original_name == "Präsentation Größe.pdf" or material.original_name.endswith(
        "Präsentation Größe.pdf"
    )
    assert stored_files(app) == [material.stored_name] and ".." not in material.stored_name

    download = client.get(f"/events/{event.slug}/materials/{material.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.mimetype == "application/pdf" and download.content_length == len(PDF)
    assert quote("Präsentation Größe.pdf") in download.headers["Content-Disposition"]
    download.close()
    partial = client.get(f"/events/{event.slug}/materials/{material.id}", headers={"Range": "bytes=100-199"})
    assert partial.status_code == 206 and partial.data == PDF[100:200]
    partial.close()
    again = client.get(
        f"/events/{event.slug}/materials/{material.id}", headers={"If-None-Match": download.headers["ETag"]}
    )
    assert again.status_code == 304
    again.close()
    db.session.refresh(material)
    assert material.downloads == 2  # the resumed range is no new download


@pytest.mark.parametrize(
    "content, filename",
    [
        (PNG, "folien.pdf"),
        (PDF, "folien.png"),
        (b"MZ\x90\0binary", "tool.exe"),
        (b"<script>alert(1)</script>", "folien.html"),
        (b"PK\x03\x04broken", "x.zip"),
    ],
)
def test_files_that_lie_about_their_type_are_refused_and_nothing_is_kept(
    app, client, make_event, upload, content, filename
):
    response = upload(make_event(), content, filename)
    assert response.status_code == 422
    assert "field--error" in response.get_data(as_text=True)
    assert stored_files(app) == [] and db.session.scalar(db.select(Material)) is None


def test_office_documents_are_recognised_by_their_content(app, client, make_event, upload):
    assert upload(make_event(), docx(), "Dokumentation.docx").status_code == 303
    assert db.session.scalar(db.select(Material)).content_type.endswith("wordprocessingml.document")


def odf(declared: str, filler_mb: int = 0) -> bytes:
    """An OpenDocument file whose "mimetype" entry says ``declared``, then ``filler_mb`` MB that compress to almost
    nothing."""
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("mimetype", "w") as entry:
            entry.write(declared.encode())
            for _ in range(filler_mb):
                entry.write(b" " * 2**20)
        archive.writestr("content.xml", "<office:document-content/>")
    return content.getvalue()


def test_an_opendocument_whose_type_entry_inflates_to_a_flood_is_read_only_at_its_start(app):
    bomb = odf("application/vnd.oasis.opendocument.text", filler_mb=200)
    assert len(bomb) < 500_000
    tracemalloc.start()
    try:
        stream = io.BytesIO(bomb)
        mimetype = storage.content_type(stream, "protokoll.odt")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert mimetype == "application/vnd.oasis.opendocument.text"
    assert peak < 5 * 2**20, f"{peak / 2**20:.0f} MB read to judge the type"


@pytest.mark.parametrize(
    "declared, filename",
    [
        ("application/vnd.oasis.opendocument.text\r\nX-Evil: 1", "a.odt"),
        ("application/vnd.oasis.opendocument.text; charset=utf-7, text/html", "a.odt"),
        ("application/vnd.oasis.opendocument.spreadsheet", "a.odt"),
        ("text/html", "a.odt"),
    ],
)
def test_an_opendocument_must_declare_the_type_its_name_says(app, client, make_event, upload, declared, filename):
    assert upload(make_event(), odf(declared), filename).status_code == 422
    assert stored_files(app) == []


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("../../etc/Folien.pdf", "Folien.pdf"),
        ("Rechnung\u202egpj.pdf", "Rechnunggpj.pdf"),
        ("Fo|li<en>.pdf", "Fo_li_en_.pdf"),
    ],
)
def test_upload_names_lose_folders_control_and_direction_characters_and_quotes(
    app, client, make_event, upload, typed, kept
):
    event = make_event()
    assert upload(event, PDF, typed, visibility="public").status_code == 303
    material = db.session.scalar(db.select(Material))
    assert material.original_name == kept
    with client.get(f"/events/{event.slug}/materials.zip") as archive:
        assert zipfile.ZipFile(io.BytesIO(archive.data)).namelist() == [kept]


def test_a_windows_path_quotes_and_line_breaks_are_not_kept_in_a_name():
    # (Test uploads lose backslashes and quotes on the way; browsers send neither in a name.)
    assert storage.clean_name("C:\\Users\\x\\Folien.pdf") == "Folien.pdf"
    assert storage.clean_name('"Folien".pdf') == "_Folien_.pdf"
    assert storage.clean_name("Zeile\r\nX-Header: 1.pdf") == "ZeileX-Header_ 1.pdf"


def test_a_stored_row_with_a_hostile_type_or_name_is_still_served_safely(app, client, make_event):
    event = make_event()
    (storage.folder() / "old").write_bytes(PDF)
    material = Material(
        event_id=event.id,
        title="Alt",
        stored_name="old",
        original_name="../../x\u202e.pdf",
        size=len(PDF),
        content_type="application/pdf\r\nX-Evil: 1",
        visibility=Visibility.PUBLIC,
    )
    db.session.add(material)
    db.session.commit()
    with client.get(f"/events/{event.slug}/materials/{material.id}") as download:
        assert download.status_code == 200 and download.mimetype == "application/octet-stream"
        assert "X-Evil" not in download.headers and "x.pdf" in download.headers["Content-Disposition"]
    with client.get(f"/events/{event.slug}/materials.zip") as archive:
        assert zipfile.ZipFile(io.BytesIO(archive.data)).namelist() == ["x.pdf"]


def test_an_oversize_upload_gets_a_clear_message_and_leaves_nothing(app, client, make_event, upload):
    app.config["MATERIALS_MAX_BYTES"] = 2000
    response = upload(make_event(), PDF + b"y" * 70000, "gross.pdf")
    assert response.status_code == 413
    assert "höchstens 2 kB sind erlaubt" in response.get_data(as_text=True)  # as the upload page counts (file_size)
    assert stored_files(app) == []
    # Just over the limit, but within the form's allowance: refused while copying, no part file left.
    assert upload(make_event(), PDF, "etwas-zu-gross.pdf").status_code == 422
    assert stored_files(app) == []


def test_only_an_organiser_of_the_event_may_send_a_body_larger_than_a_form(app, client, make_event, make_user):
    """Anyone could make the server read 50 MB per request: the limit was raised before the log-in was checked."""
    event = make_event()
    url = f"/manage/events/{event.id}/materials/new"

    def send(csrf_token: str = ""):
        boundary, body = encode_multipart(
            {
                "csrf_token": csrf_token,
                "title": "Folien",
                "visibility": "registered",
                "agenda_item_id": "0",
                "file": FileStorage(io.BytesIO(PDF + b"y" * 2**21), "gross.pdf"),
            }
        )
        return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")

    assert send().status_code == 413  # nobody logged in: refused like any other oversized form, before it is read
    log_in(client, make_user(events=[make_event()]))
    assert send(form_token(client, "/manage/")).status_code == 413  # an organiser of another event
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    log_in(client, make_user(events=[event]))
    assert send(form_token(client, url)).status_code == 303
    assert db.session.scalar(sa.select(Material.size)) > 2**21


# Werkzeug's parser leaves the spooled file of a broken body to the garbage collector.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_an_interrupted_upload_stores_nothing(app, client, make_event, make_user):
    event = make_event()
    log_in(client, make_user(events=[event]))
    token = form_token(client, f"/manage/events/{event.id}/materials/new")
    boundary = "grenze"
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nFolien\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF[:3000]  # the connection broke here
    response = client.post(
        f"/manage/events/{event.id}/materials/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code in (400, 422)
    assert stored_files(app) == [] and db.session.scalar(db.select(Material)) is None


def test_replacing_keeps_the_link_and_deleting_removes_the_file(app, client, make_event, upload):
    event = make_event()
    upload(event, PDF, "alt.pdf", visibility="public")
    material = db.session.scalar(db.select(Material))
    old_file = material.stored_name
    assert upload(event, PNG, "neu.png", visibility="public", material_id=material.id).status_code == 303
    db.session.refresh(material)
    assert stored_files(app) == [material.stored_name] != [old_file]
    fetched = client.get(f"/events/{event.slug}/materials/{material.id}")
    assert fetched.data == PNG
    fetched.close()

    url = f"/manage/events/{event.id}/materials/{material.id}/delete"
    assert "wirklich" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"csrf_token": form_token(client, url)}).status_code == 303
    assert stored_files(app) == [] and client.get(f"/events/{event.slug}/materials/{material.id}").status_code == 404


def test_a_file_lost_from_the_disk_is_not_found_for_organisers_either(app, client, make_event, upload):
    event = make_event()
    upload(event, PDF, "folien.pdf")
    material = db.session.scalar(db.select(Material))
    (storage.path_of(material.stored_name)).unlink()

    assert client.get(f"/manage/events/{event.id}/materials/{material.id}/file").status_code == 404


VISITORS = ["anonymous", "waiting", "cancelled", "confirmed", "checked_in", "partner", "organiser", "other_organiser"]
# Which visitor may fetch which level.
ALLOWED = {
    Visibility.PUBLIC: {
        "anonymous",
        "waiting",
        "cancelled",
        "confirmed",
        "checked_in",
        "partner",
        "organiser",
        "other_organiser",
    },
    Visibility.REGISTERED: {"confirmed", "checked_in", "partner", "organiser"},
    Visibility.CHECKED_IN: {"checked_in", "partner", "organiser"},
    Visibility.SPEAKERS_PARTNERS: {"partner", "organiser"},
    Visibility.ORGANISERS: {"organiser"},
}


@pytest.fixture
def world(app, client, make_event, make_user):
    event = make_event(capacity=3)
    materials = {}
    for visibility in Visibility:
        path = storage.folder() / f"{visibility.value}.pdf"
        path.write_bytes(PDF)
        material = Material(
            event_id=event.id,
            title=f"Titel {visibility.value}",
            visibility=visibility,
            stored_name=path.name,
            original_name="a.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )
        db.session.add(material)
        materials[visibility] = material
    db.session.commit()
    register = lambda: registration.register(event.id, applicant(), utcnow(), by=None).registration
    confirmed, checked_in, cancelled = register(), register(), register()
    check_in(checked_in)
    registration.cancel(cancelled.id, utcnow(), by=None)
    waiting = register(), register()
    return (
        event,
        materials,
        {
            "anonymous": f"/events/{event.slug}/materials",
            "waiting": f"/registrations/{registration.link_token(waiting[1])}/materials",
            "cancelled": f"/registrations/{registration.link_token(cancelled)}/materials",
            "confirmed": f"/registrations/{registration.link_token(confirmed)}/materials",
            "checked_in": f"/registrations/{registration.link_token(checked_in)}/materials",
            "partner": f"/events/{event.slug}/partners/{services.renew_partner_link(event.id, by=None)}/materials",
            "organiser": f"/events/{event.slug}/materials",
            "other_organiser": f"/events/{event.slug}/materials",
        },
    )


@pytest.mark.parametrize("visitor", VISITORS)
def test_every_visibility_level_against_every_kind_of_visitor(client, world, make_user, make_event, visitor):
    event, materials, bases = world
    if visitor == "organiser":
        log_in(client, make_user(events=[event]))
    if visitor == "other_organiser":
        log_in(client, make_user(events=[make_event()]))
    page = client.get(bases[visitor]).get_data(as_text=True)
    for visibility, material in materials.items():
        response = client.get(f"{bases[visitor]}/{material.id}")
        allowed = visitor in ALLOWED[visibility]
        assert response.status_code == (200 if allowed else 403), (visitor, visibility)
        response.close()
        link = f'{bases[visitor]}/{material.id}"'
        assert (link in page) == allowed, (visitor, visibility)
    # Protected titles show with a lock; organisers-only ones are not even named to others.
    assert ("Titel organisers" in page) == (visitor == "organiser")
    assert "Titel checked_in" in page
    archive = client.get(f"{bases[visitor]}.zip")
    names_allowed = [v for v in Visibility if visitor in ALLOWED[v]]
    assert len(zipfile.ZipFile(io.BytesIO(archive.data)).namelist()) == len(names_allowed)


def test_forged_links_and_foreign_or_traversing_ids_are_not_found(client, world, make_event):
    event, materials, bases = world
    material = materials[Visibility.PUBLIC]
    assert client.get(f"/registrations/{'0' * 64}/materials").status_code == 404
    assert client.get(f"/events/{event.slug}/partners/{'0' * 64}/materials/{material.id}").status_code == 404
    other = make_event()
    assert client.get(f"/events/{other.slug}/materials/{material.id}").status_code == 404
    for path in (
        f"/events/{event.slug}/materials/..%2f..%2fconfig.py",
        f"/events/{event.slug}/materials/../../instance",
        f"/events/{event.slug}/materials/%2e%2e%2fconference.sqlite3",
    ):
        assert client.get(path).status_code == 404, path


def test_a_renewed_partner_link_revokes_the_old_one(client, world):
    event, materials, bases = world
    old = bases["partner"]
    services.renew_partner_link(event.id, by=None)
    assert client.get(old).status_code == 404


def test_the_event_page_offers_the_internal_downloads(client, world):
    event, _materials, _bases = world
    assert f"/events/{event.slug}/materials" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_hidden_materials_are_for_organisers_only(client, world, make_user):
    event, materials, bases = world
    material = materials[Visibility.PUBLIC]
    material.hidden = True
    db.session.commit()
    assert client.get(f"{bases['anonymous']}/{material.id}").status_code == 403
    assert "Titel public" not in client.get(bases["anonymous"]).get_data(as_text=True)


def test_the_first_link_is_made_at_once_and_a_new_one_asks_first(client, make_event, make_user):
    """Making a new link ends the old one: asked first, and only when there was one."""
    event = make_event()
    log_in(client, make_user(events=[event]))
    url, page = f"/manage/events/{event.id}/materials/partner-link", f"/manage/events/{event.id}/materials/"
    assert "Link erstellen" in client.get(page).get_data(as_text=True)
    first = client.post(url, data={"csrf_token": form_token(client, page)}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Der Link für Referierende und Partner wurde erstellt." in first  # no word of an old link
    token = services.partner_token(event.id)

    question = client.post(url, data={"csrf_token": form_token(client, page)}).get_data(as_text=True)
    assert (
        "Neuen Link für Referierende und Partner erstellen?" in question and services.partner_token(event.id) == token
    )
    client.post(url, data={"csrf_token": form_token(client, page), "confirmed": "1"})
    assert services.partner_token(event.id) != token


def test_a_new_material_is_for_registered_participants_and_the_locks_say_whose_link_opens_them(
    client, make_event, make_user
):
    """A new material defaulted to "everyone" in a section called "Downloads intern"; the page told visitors that
    every locked item was for participants, also those for speakers."""
    event = make_event()
    log_in(client, make_user(events=[event]))
    form = client.get(f"/manage/events/{event.id}/materials/new").get_data(as_text=True)
    assert '<option selected value="registered">' in form
    for title, visibility in (("Folien der Referentin", Visibility.SPEAKERS_PARTNERS),):
        db.session.add(
            Material(
                event_id=event.id,
                title=title,
                visibility=visibility,
                stored_name="x",
                original_name="x.pdf",
                content_type="application/pdf",
                size=1,
            )
        )
    db.session.commit()
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    page = client.get(f"/events/{event.slug}/materials").get_data(as_text=True)
    assert "Referierende und Partner öffnen sich mit dem Link" in page and "Anmeldebestätigung" not in page
