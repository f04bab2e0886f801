import io
import re

import pytest
import sqlalchemy as sa

from conference.accounts.models import UserRole
from conference.extensions import db
from conference.organisations import logos
from conference.organisations.models import Organisation
from tests.support import form_token, log_in
from tests.support.hostile import entity_bomb, use_bomb

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
HOSTILE_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script>'
    b'<rect width="10" height="10"/></svg>'
)


def upload(client, content: bytes, filename: str, **fields):
    url = "/manage/organisations/new"
    data = {
        "csrf_token": form_token(client, url),
        "name": "MOZAIK gGmbH",
        "kind": "company",
        "parent_id": "0",
        "logo": (io.BytesIO(content), filename),
    } | fields
    return client.post(url, data=data, content_type="multipart/form-data")


@pytest.fixture
def admin(client, make_user):
    log_in(client, make_user(role=UserRole.ADMINISTRATOR))


def test_an_organiser_keeps_name_website_and_logo_of_the_organisations_they_added_or_that_partner_their_events(
    client, make_user, make_event, make_organisation
):
    """/manage/organisations/ was 403 for organisers, though the partner page links to "new organisation"."""
    from conference.events.models import PartnerRole

    funder, elsewhere, unrelated = (
        make_organisation(name=name, kind="public_authority")
        for name in ("Jobcenter Schwerin", "Jobcenter Rostock", "Agentur Nord")
    )
    mine = make_event(partners=[(PartnerRole.FUNDER, funder)])
    make_event(partners=[(PartnerRole.FUNDER, elsewhere)])  # someone else's event
    log_in(client, make_user(events=[mine]))
    upload(client, PNG, "logo.png", name="MOZAIK gGmbH")  # added by this organiser
    added = db.session.scalar(sa.select(Organisation).where(Organisation.name == "MOZAIK gGmbH"))

    listing = client.get("/manage/organisations/").get_data(as_text=True)
    assert "Jobcenter Schwerin" in listing and "MOZAIK gGmbH" in listing
    assert "Jobcenter Rostock" not in listing and "Agentur Nord" not in listing
    for other in (elsewhere, unrelated):
        assert client.get(f"/manage/organisations/{other.id}").status_code == 403
    assert client.get(f"/manage/organisations/{other.id}/merge").status_code == 403

    url = f"/manage/organisations/{funder.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'name="kind"' not in page and 'name="parent_id"' not in page  # kept by the administrators
    response = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "name": "Jobcenter Landeshauptstadt Schwerin",
            "short_name": "JC SN",
            "website": "https://jobcenter.example.org",
            "kind": "company",
            "logo": (io.BytesIO(PNG), "jc.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    db.session.refresh(funder)
    assert (funder.name, funder.short_name, funder.website) == (
        "Jobcenter Landeshauptstadt Schwerin",
        "JC SN",
        "https://jobcenter.example.org",
    )
    assert funder.logo.endswith(".png") and funder.kind == "public_authority"  # the kind as it was
    url = f"/manage/organisations/{added.id}"
    assert (
        client.post(
            url,
            data={
                "csrf_token": form_token(client, url),
                "name": "MOZAIK gemeinnützige GmbH",
                "logo": (io.BytesIO(b""), ""),
            },
            content_type="multipart/form-data",
        ).status_code
        == 303
    )
    assert db.session.get(Organisation, added.id).name == "MOZAIK gemeinnützige GmbH"


def test_a_logo_is_stored_under_a_random_name_and_shown_on_the_site(client, admin, make_event):
    assert upload(client, PNG, "../../etc/passwd.png", website="https://mozaik.example.org").status_code == 303
    organisation = db.session.scalar(sa.select(Organisation))
    assert organisation.logo.endswith(".png") and "passwd" not in organisation.logo
    with client.get(f"/logos/{organisation.logo}") as response:
        assert response.data == PNG and response.mimetype == "image/png"
    assert f'src="/logos/{organisation.logo}"' in client.get("/manage/organisations/").get_data(as_text=True)


def test_an_organisation_with_a_logo_is_renamed_without_choosing_the_logo_again(client, admin):
    upload(client, PNG, "logo.png")
    organisation = db.session.scalar(sa.select(Organisation))
    url, logo = f"/manage/organisations/{organisation.id}", organisation.logo
    data = {
        "csrf_token": form_token(client, url),
        "name": "MOZAIK gemeinnützige GmbH",
        "kind": "company",
        "parent_id": "0",
        "logo": (io.BytesIO(b""), ""),
    }  # a file input left empty, as a browser sends it

    assert client.post(url, data=data, content_type="multipart/form-data").status_code == 303
    db.session.refresh(organisation)
    assert organisation.name == "MOZAIK gemeinnützige GmbH" and organisation.logo == logo


def test_an_svg_with_script_cannot_run_it(client, admin):
    upload(client, HOSTILE_SVG, "logo.svg")
    organisation = db.session.scalar(sa.select(Organisation))
    with client.get(f"/logos/{organisation.logo}") as response:
        assert (
            "sandbox" in response.headers["Content-Security-Policy"]
            and "default-src 'none'" in response.headers["Content-Security-Policy"]
        )
        assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (b"just text", "logo.png", "PNG, JPEG oder SVG"),
        (
            b'<!DOCTYPE svg [<!ENTITY x "y">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>',
            "logo.svg",
            "nicht erlaubt",
        ),
        (b"<html><body>hi</body></html>", "logo.svg", "PNG, JPEG oder SVG"),
        (PNG + b"\x00" * 2048, "big.png", "zu groß"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(client, admin, monkeypatch, content, filename, message):
    # A lowered limit: the test client leaks a temporary file for bodies over 500 KB.
    monkeypatch.setattr(logos, "MAX_BYTES", 1024)
    response = upload(client, content, filename)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def test_logo_names_cannot_walk_the_file_system(client):
    for name in ("..%2F..%2Fconfig.py", "passwd", "0" * 32 + ".exe"):
        assert client.get(f"/logos/{name}").status_code == 404


def test_an_organiser_adds_a_partner_organisation_and_is_warned_of_a_similar_one(
    client, make_user, make_event, make_organisation
):
    event = make_event()
    make_organisation(name="Arbeit und Leben Mecklenburg-Vorpommern", short_name="AuL MV")
    log_in(client, make_user(events=[event]))
    partners = f"/manage/events/{event.id}/partners"
    link = re.search(
        r'href="(/manage/organisations/new\?back=[^"]+)"', client.get(partners).get_data(as_text=True)
    ).group(1)
    page = link.replace("&amp;", "&")
    data = {
        "csrf_token": form_token(client, page),
        "name": "Arbeit und Leben Mecklenburg Vorpommern e.V.",
        "kind": "company",
        "parent_id": "0",
        "back": partners,
    }

    warned = client.post("/manage/organisations/new", data=data)
    assert warned.status_code == 422
    assert "Ist es eine dieser?" in warned.get_data(as_text=True) and "AuL MV" in warned.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 1

    saved = client.post("/manage/organisations/new", data=data | {"different": "y"})
    assert saved.status_code == 303 and saved.location.startswith(f"{partners}?organisation=")
    assert "Arbeit und Leben Mecklenburg Vorpommern e.V." in client.get(partners).get_data(as_text=True)
    unrelated = client.post("/manage/organisations/new", data=data | {"name": "Landesamt für Statistik"})
    assert unrelated.status_code == 303
    # The organiser keeps what they added; the rest of the list stays with administrators.
    new = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Landesamt für Statistik"))
    assert client.get(f"/manage/organisations/{new.id}").status_code == 200
    existing = db.session.scalar(sa.select(Organisation).where(Organisation.short_name == "AuL MV"))
    assert client.get(f"/manage/organisations/{existing.id}").status_code == 403
    assert client.post("/manage/organisations/new", data=data | {"back": "https://evil.example/"}).status_code != 500


def test_an_administrator_merges_a_duplicate_and_everything_that_named_it_names_the_one_kept(
    client, admin, make_organisation, make_event, make_person, make_agenda_item
):
    from conference.agenda.models import AgendaItem
    from conference.audit.models import AuditAction, AuditEntry
    from conference.events.models import Event, EventPartner, PartnerRole
    from conference.people.models import Person

    kept = make_organisation(name="Bildungswerk Vielfalt Rostock e. V.", short_name="BVR")
    (logos.folder() / "dup.png").write_bytes(PNG)
    duplicate = make_organisation(
        name="Bildungswerk Vielfalt Rostock", website="https://bvr.example.org", logo="dup.png"
    )
    project = make_organisation(name="Projekt Brücke", parent_id=duplicate.id)
    both = make_event(
        partners=[(PartnerRole.ORGANISER, kept), (PartnerRole.ORGANISER, duplicate), (PartnerRole.FUNDER, duplicate)],
        network_id=duplicate.id,
    )
    person = make_person(organisation_id=duplicate.id)
    example = make_agenda_item(both, presenting_organisation_id=duplicate.id)
    url = f"/manage/organisations/{duplicate.id}/merge"

    choice = client.get(url).get_data(as_text=True)
    assert choice.index("Bildungswerk Vielfalt Rostock e. V. (BVR)") < choice.index(
        "Projekt Brücke"
    )  # the similar one first
    confirm = client.post(url, data={"csrf_token": form_token(client, url), "kept_id": kept.id}).get_data(as_text=True)
    assert "kann nicht rückgängig gemacht werden" in confirm
    assert db.session.get(Organisation, duplicate.id) is not None  # nothing happens before the second yes
    response = client.post(url, data={"csrf_token": form_token(client, url), "kept_id": kept.id, "confirm": "1"})

    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(Organisation, duplicate.id) is None
    kept = db.session.get(Organisation, kept.id)
    assert (kept.website, kept.logo, kept.short_name) == ("https://bvr.example.org", "dup.png", "BVR")
    assert (logos.folder() / "dup.png").exists()
    roles = sorted(
        (p.role.value, p.organisation_id)
        for p in db.session.scalars(sa.select(EventPartner).where(EventPartner.event_id == both.id))
    )
    assert roles == sorted([(PartnerRole.ORGANISER.value, kept.id), (PartnerRole.FUNDER.value, kept.id)])  # not twice
    assert db.session.get(Event, both.id).network_id == kept.id
    assert db.session.get(Person, person.id).organisation_id == kept.id
    assert db.session.get(AgendaItem, example.id).presenting_organisation_id == kept.id
    assert db.session.get(Organisation, project.id).parent_id == kept.id
    assert (
        db.session.scalar(sa.select(AuditEntry.subject).where(AuditEntry.action == AuditAction.ORGANISATION_MERGED))
        == "Bildungswerk Vielfalt Rostock → Bildungswerk Vielfalt Rostock e. V."
    )


def test_an_organisation_is_not_merged_into_itself_and_organisers_merge_nothing(client, make_user, make_organisation):
    organisation = make_organisation()
    url = f"/manage/organisations/{organisation.id}/merge"
    log_in(client, make_user())
    assert client.get(url).status_code == 403
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    log_in(client, make_user(role=UserRole.ADMINISTRATOR))
    response = client.post(
        url, data={"csrf_token": form_token(client, url), "kept_id": organisation.id, "confirm": "1"}
    )
    assert response.status_code == 422 and db.session.get(Organisation, organisation.id) is not None


def test_an_organiser_adding_a_partner_is_asked_for_the_logo_again_after_the_warning_and_finds_it_chosen(
    client, make_user, make_event, make_organisation
):
    event = make_event()
    make_organisation(name="Bildungszentrum Greifswald e. V.")
    log_in(client, make_user(events=[event]))
    back = f"/manage/events/{event.id}/partners"
    url = f"/manage/organisations/new?back={back}"
    data = {
        "csrf_token": form_token(client, url),
        "name": "Bildungszentrum Greifswald",
        "kind": "association",
        "parent_id": "0",
        "back": back,
        "logo": (io.BytesIO(PNG), "logo.png"),
    }
    warned = client.post(url, data=data, content_type="multipart/form-data").get_data(as_text=True)
    assert "Bitte wählen Sie die Logo-Datei noch einmal aus." in warned

    data |= {"different": "y", "logo": (io.BytesIO(PNG), "logo.png")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    new = db.session.scalar(sa.select(Organisation).where(Organisation.name == "Bildungszentrum Greifswald"))
    assert new.logo and response.headers["Location"] == f"{back}?organisation={new.id}"
    assert f'<option selected value="{new.id}">' in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize(
    "content, message",
    [
        (entity_bomb("utf-16"), "nicht erlaubt"),  # the old filter searched the raw bytes, which UTF-16 hides
        # A DOCTYPE was looked for in the first 2,048 bytes only.
        (
            (
                "<!--"
                + "x" * 3000
                + '--><!DOCTYPE svg SYSTEM "http://evil.example/svg.dtd"><svg xmlns="http://www.w3.org/2000/svg">'
                '<rect width="1" height="1"/></svg>'
            ).encode(),
            "nicht erlaubt",
        ),
        (entity_bomb("utf-8"), "nicht erlaubt"),
        (use_bomb(), "zu viele Formen oder zu viel Text"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg">' + b"<rect/>" * 5000 + b"</svg>",
            "zu viele Formen oder zu viel Text",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><g id="a"><use href="#a"/></g></svg>',
            "zu viele Formen oder zu viel Text",
        ),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><text>' + b"Anerkennung " * 9000 + b"</text></svg>",
            "zu viele Formen oder zu viel Text",
        ),  # 100 KB of text in one element took the programme 14 s
    ],
    ids=[
        "utf-16 entities",
        "doctype after a comment",
        "utf-8 entities",
        "nested use",
        "5000 shapes",
        "use of itself",
        "100 KB of text",
    ],
)
def test_an_svg_logo_that_would_take_long_to_draw_is_refused_whatever_its_encoding(client, admin, content, message):
    response = upload(client, content, "logo.svg")
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Organisation)) is None and list(logos.folder().iterdir()) == []


def test_an_ordinary_svg_logo_with_symbols_is_taken(client, admin):
    symbols = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 40 20">'
        b'<defs><symbol id="star"><path d="M0 0h4v4z"/></symbol></defs>'
        + b'<use xlink:href="#star" x="5"/>' * 40
        + b"</svg>"
    )
    assert upload(client, symbols.decode().encode("utf-16"), "logo.svg").status_code == 303
    assert db.session.scalar(sa.select(Organisation.logo)).endswith(".svg")


def test_an_organiser_cannot_take_over_an_organisation_other_events_show_by_making_it_a_partner_too(
    client, make_user, make_event, make_organisation, make_agenda_item, make_person
):
    """Adding someone else's funder as a partner of one's own event opened it for renaming and a new logo, which
    then showed on the other organiser's public pages."""
    from conference.events.models import EventPartner, PartnerRole

    esf = make_organisation(name="Europäischer Sozialfonds")
    theirs = make_event(partners=[(PartnerRole.FUNDER, esf)])
    mine = make_event(partners=[(PartnerRole.FUNDER, esf)])
    project = make_organisation(name="amoN", parent=make_organisation(name="Schweriner Ausbildungszentrum e.V."))
    make_event(partners=[(PartnerRole.NETWORK_PROJECT, project)])  # someone else's event shows its parent
    speakers_org = make_organisation(name="IFDM")
    make_agenda_item(make_event(), speakers=[make_person(name="Leitung IFDM", organisation=speakers_org)])
    owner = make_user(events=[mine])
    log_in(client, owner)
    for organisation in (esf, project.parent, speakers_org):
        assert client.get(f"/manage/organisations/{organisation.id}").status_code == 403, organisation.name
    url = f"/manage/organisations/{esf.id}"
    assert (
        client.post(
            url,
            data={
                "csrf_token": form_token(client, "/manage/"),
                "name": "ESF – geändert",
                "website": "https://evil.example/",
            },
        ).status_code
        == 403
    )
    assert db.session.get(Organisation, esf.id).name == "Europäischer Sozialfonds"
    assert "Europäischer Sozialfonds" not in client.get("/manage/organisations/").get_data(as_text=True)

    theirs.partners.clear()  # once only this organiser's event shows it, it is theirs to keep
    db.session.commit()
    assert client.get(url).status_code == 200

    # One that another organiser added, in no event yet: choosing it as a partner does not make it this one's.
    added = make_organisation(name="Özdemir Consulting", created_by_id=make_user().id)
    mine.partners.append(EventPartner(role=PartnerRole.STRATEGIC_PARTNER, organisation=added, position=1))
    db.session.commit()
    assert client.get(f"/manage/organisations/{added.id}").status_code == 403


def test_organisations_are_listed_and_offered_in_the_order_german_readers_expect(
    client, admin, make_event, make_organisation
):
    for name in ["Zentrum für Integration", "Öffentliche Akademie", "amoN Netzwerk", "Bildungswerk"]:
        make_organisation(name=name)
    event = make_event()

    def names(html: str) -> list[str]:
        wanted = ("Zentrum", "Öffentliche", "amoN", "Bildungswerk")
        return [name for name in re.findall(r"<(?:td|option)[^>]*>([^<>]+)<", html) if name.startswith(wanted)]

    order = ["amoN Netzwerk", "Bildungswerk", "Öffentliche Akademie", "Zentrum für Integration"]  # Ö with the O
    assert names(client.get("/manage/organisations/").get_data(as_text=True)) == order
    assert names(client.get(f"/manage/events/{event.id}/partners").get_data(as_text=True)) == order
