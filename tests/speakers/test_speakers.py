"""Speakers who look after themselves: invited by e-mail, they answer, correct their details and photo, and send
slides through their own link; organisers see who did what."""

import io
import re

import pytest
import sqlalchemy as sa
from PIL import Image
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from conference.agenda.models import AgendaItemPerson
from conference.database import utcnow
from conference.extensions import db
from conference.materials.models import Material, Visibility
from conference.people import photos
from conference.registration import services as registration
from conference.speakers.models import SpeakerInvitation
from tests.support import applicant, form_token, log_in

PDF = b"%PDF-1.7\n" + b"x" * 1_500_000 + b"\n%%EOF\n"  # larger than an ordinary request may be (1 MB)
LINK = re.compile(r"http://localhost(/speaker/[0-9a-f]{64})/")


def photo_with_location(width: int = 2000, height: int = 1500) -> bytes:
    """A camera's photo: EXIF with the camera and the place it was taken."""
    image = Image.new("RGB", (width, height), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "Kamera GmbH"  # Make
    exif[0x8825] = {1: "N", 2: (53.0, 38.0, 0.0)}  # GPS: Schwerin
    content = io.BytesIO()
    image.save(content, "JPEG", exif=exif)
    return content.getvalue()


def send(client, url: str, **fields):
    """The slides form with a PDF larger than an ordinary request may be, as a browser sends it."""
    boundary, body = encode_multipart(
        {name: str(value) for name, value in fields.items()} | {"file": FileStorage(io.BytesIO(PDF), "folien.pdf")}
    )
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def invited(client, make_event, make_person, make_agenda_item, make_user, mailbox):
    """An event whose talk has a speaker, invited by an organiser; yields (event, speaker, talk, their link)."""
    event = make_event(contact_email="tagung@example.org")
    speaker = make_person(name="Ewa Nowak", biography="Von den Organisatoren eingetragen.")
    talk = make_agenda_item(event, 60, 45, speakers=[speaker], title="Anerkennung in der Praxis")
    make_agenda_item(event, 120, 45, title="Ein anderer Vortrag")
    log_in(client, make_user(events=[event]))
    page = f"/manage/events/{event.id}/speakers/{speaker.id}/invite"
    response = client.post(
        page,
        data={"csrf_token": form_token(client, page), "email": "Ewa@Example.org", "slides_visibility": "registered"},
    )
    assert response.status_code == 303
    [mail] = mailbox.to("ewa@example.org")
    assert mail["Subject"] == f"Einladung: Ihr Beitrag zu {event.title}"
    text = mail.get_body(("plain",)).get_content()
    assert "Anerkennung in der Praxis" in text and "Ein anderer Vortrag" not in text
    client.post("/logout", data={"csrf_token": form_token(client, f"/manage/events/{event.id}/speakers/")})
    return event, speaker, talk, LINK.search(text).group(1)


def test_the_speaker_accepts_through_their_link_and_the_organisers_see_it(client, invited, make_user):
    event, speaker, _talk, link = invited

    page = client.get(link + "/").get_data(as_text=True)
    assert "Anerkennung in der Praxis" in page and "Ein anderer Vortrag" not in page
    client.post(link + "/answer", data={"csrf_token": form_token(client, link + "/"), "answer": "accepted"})

    assert "Zugesagt" in client.get(link + "/").get_data(as_text=True)
    log_in(client, make_user(events=[event]))
    overview = client.get(f"/manage/events/{event.id}/speakers/").get_data(as_text=True)
    assert "Ewa Nowak" in overview and "Zugesagt" in overview and "0 Dateien" in overview

    client.post(link + "/answer", data={"csrf_token": form_token(client, link + "/"), "answer": "declined"})
    reminded = client.post(
        f"/manage/events/{event.id}/speakers/{speaker.id}/remind",
        data={"csrf_token": form_token(client, f"/manage/events/{event.id}/speakers/")},
    )
    assert "hat abgesagt; es gibt nichts, woran zu erinnern wäre" in client.get(reminded.location).text


def test_a_photo_is_scaled_stripped_of_its_metadata_and_shown_only_with_consent(client, invited, app):
    event, speaker, talk, link = invited
    form = link + "/profile"
    data = {
        "csrf_token": form_token(client, form),
        "name": "Ewa Nowak-Schmidt",
        "academic_title": "Dr.",
        "organisation_id": "0",
        "biography": "Beraterin im Netzwerk.",
        "photo": (io.BytesIO(photo_with_location()), "urlaub.jpg"),
    }
    not_asked = client.get(link + "/").get_data(as_text=True)
    assert "wird die Kurzbiografie oben so gezeigt, wie die Veranstalter sie eingetragen haben" in not_asked

    unanswered = client.post(form, data=data, content_type="multipart/form-data")
    assert unanswered.status_code == 422 and "ob Ihr Foto und Ihre Kurzbiografie gezeigt werden" in unanswered.text
    data |= {"csrf_token": form_token(client, form), "shows_profile": "no"}
    data["photo"] = (io.BytesIO(photo_with_location()), "urlaub.jpg")
    assert client.post(form, data=data, content_type="multipart/form-data").status_code == 303

    db.session.refresh(speaker)
    with Image.open(photos.folder() / speaker.photo) as stored:
        assert stored.format == "JPEG" and max(stored.size) == 800 and not stored.getexif()
    assert (speaker.full_name, speaker.shows_profile) == ("Dr. Ewa Nowak-Schmidt", False)
    public = client.get(f"/speakers/{speaker.id}").get_data(as_text=True)
    assert "Dr. Ewa Nowak-Schmidt" in public and "Beraterin" not in public and "/photo" not in public
    assert client.get(f"/speakers/{speaker.id}/photo").status_code == 404
    with client.get(link + "/photo") as own:
        assert own.status_code == 200  # the speaker sees their own

    data |= {"csrf_token": form_token(client, form), "shows_profile": "yes", "photo": (io.BytesIO(b""), "")}
    client.post(form, data=data, content_type="multipart/form-data")

    public = client.get(f"/speakers/{speaker.id}").get_data(as_text=True)
    assert "Beraterin im Netzwerk." in public and f"/speakers/{speaker.id}/photo" in public
    with client.get(f"/speakers/{speaker.id}/photo") as shown:
        assert shown.mimetype == "image/jpeg" and Image.open(io.BytesIO(shown.data)).size == (800, 600)


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "ich.svg"),
        (b"%PDF-1.7 not a photo", "ich.jpg"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "kaputt.png"),
    ],
)
def test_what_is_not_a_photo_is_refused_and_nothing_is_kept(client, invited, content, filename):
    _event, speaker, _talk, link = invited
    form = link + "/profile"

    response = client.post(
        form,
        data={
            "csrf_token": form_token(client, form),
            "name": "Ewa",
            "organisation_id": "0",
            "shows_profile": "no",
            "photo": (io.BytesIO(content), filename),
        },
        content_type="multipart/form-data",
    )

    assert response.status_code == 422 and "als JPEG-, PNG- oder WebP-Bild" in response.get_data(as_text=True)
    db.session.refresh(speaker)
    assert speaker.photo is None and speaker.name == "Ewa Nowak" and list(photos.folder().iterdir()) == []


def test_slides_for_their_own_item_reach_registered_participants_at_the_level_set(client, invited):
    event, speaker, talk, link = invited
    other_item = next(item for item in event.agenda_items if item.id != talk.id)
    token = form_token(client, link + "/")

    foreign = send(client, link + "/slides", csrf_token=token, agenda_item_id=other_item.id)
    assert foreign.status_code == 422 and db.session.scalars(sa.select(Material)).all() == []

    sent = send(client, link + "/slides", csrf_token=token, agenda_item_id=talk.id)

    assert sent.status_code == 303
    [material] = db.session.scalars(sa.select(Material)).all()
    assert (material.agenda_item_id, material.visibility, material.sent_by_id) == (
        talk.id,
        Visibility.REGISTERED,
        speaker.id,
    )
    assert client.get(f"/events/{event.slug}/materials/{material.id}").status_code in (403, 404)  # not for anyone
    participant = registration.register(event.id, applicant(), utcnow(), by=None).registration
    own_link = f"/registrations/{registration.link_token(participant)}/materials"
    assert "Folien: Anerkennung in der Praxis" in client.get(own_link).get_data(as_text=True)

    asked = client.post(link + f"/slides/{material.id}/delete", data={"csrf_token": token})
    assert "„folien.pdf“ löschen?" in asked.get_data(as_text=True) and db.session.get(Material, material.id) is not None
    client.post(link + f"/slides/{material.id}/delete", data={"csrf_token": token, "confirmed": "1"})
    assert db.session.scalars(sa.select(Material)).all() == []


def test_a_revoked_link_shows_a_clear_page_and_inviting_again_sends_a_new_one(client, invited, make_user, mailbox):
    event, speaker, _talk, link = invited
    log_in(client, make_user(events=[event]))
    base = f"/manage/events/{event.id}/speakers/{speaker.id}"
    token = form_token(client, f"/manage/events/{event.id}/speakers/")

    asked = client.post(base + "/revoke", data={"csrf_token": token})
    assert "Der Link funktioniert sofort nicht mehr" in asked.get_data(as_text=True)
    client.post(base + "/revoke", data={"csrf_token": token, "confirmed": "1"})

    gone = client.get(link + "/")
    assert gone.status_code == 410 and "Dieser Link gilt nicht mehr" in gone.get_data(as_text=True)
    assert client.post(link + "/answer", data={"csrf_token": token, "answer": "accepted"}).status_code == 410

    client.post(
        base + "/invite", data={"csrf_token": token, "email": "ewa.neu@example.org", "slides_visibility": "checked_in"}
    )
    [mail] = mailbox.to("ewa.neu@example.org")
    new_link = LINK.search(mail.get_body(("plain",)).get_content()).group(1)
    assert new_link != link and client.get(link + "/").status_code == 404
    assert client.get(new_link + "/").status_code == 200

    client.post(base + "/remind", data={"csrf_token": token})
    assert mailbox.to("ewa.neu@example.org")[-1]["Subject"].startswith("Erinnerung:")


def test_only_people_on_the_events_agenda_can_be_invited(client, invited, make_person, make_user):
    event, _speaker, _talk, _link = invited
    stranger = make_person(name="Nicht im Programm")
    log_in(client, make_user(events=[event]))

    assert client.get(f"/manage/events/{event.id}/speakers/{stranger.id}/invite").status_code == 404
    assert client.get("/speaker/" + "0" * 64 + "/").status_code == 404


def test_a_speaker_who_also_appears_at_other_events_is_invited_only_by_whoever_may_change_their_details(
    client, invited, make_event, make_agenda_item, make_user
):
    event, speaker, _talk, _link = invited
    make_agenda_item(make_event(title="Eine andere Tagung"), 60, 30, speakers=[speaker])
    db.session.expire(speaker)  # the tests share the requests' session, which does not expire on commit
    log_in(client, make_user(events=[event]))
    page = f"/manage/events/{event.id}/speakers/{speaker.id}/invite"
    token = form_token(client, f"/manage/events/{event.id}/speakers/")

    refused = client.post(page, data={"csrf_token": token, "email": "ich@example.org", "slides_visibility": "public"})

    assert refused.status_code == 303
    assert "Veranstaltungen mit, die Sie nicht organisieren" in client.get(refused.location).text
    [invitation] = db.session.scalars(sa.select(SpeakerInvitation)).all()
    assert invitation.email == "ewa@example.org"  # the link still goes to the speaker, not to the organiser


def test_a_speaker_taken_off_the_programme_finds_their_link_closed_and_the_organisers_see_them_apart(
    client, invited, make_user
):
    event, speaker, talk, link = invited
    client.post(link + "/answer", data={"csrf_token": form_token(client, link + "/"), "answer": "maybe"})
    assert "Ihre Antwort ist gespeichert" not in client.get(link + "/").text  # a forged answer is not thanked for
    client.post(link + "/answer", data={"csrf_token": form_token(client, link + "/"), "answer": "accepted"})
    db.session.execute(sa.delete(AgendaItemPerson).where(AgendaItemPerson.agenda_item_id == talk.id))
    db.session.commit()

    closed = client.get(link + "/")
    assert closed.status_code == 410 and "nicht mehr im Programm" in closed.text

    log_in(client, make_user(events=[event]))
    overview = client.get(f"/manage/events/{event.id}/speakers/").text
    assert "Eingeladen, nicht mehr im Programm" in overview and "Ewa Nowak" in overview
    reminded = client.post(
        f"/manage/events/{event.id}/speakers/{speaker.id}/remind",
        data={"csrf_token": form_token(client, f"/manage/events/{event.id}/speakers/")},
    )
    assert "nicht mehr im Programm" in client.get(reminded.location).text
    log = client.get(f"/manage/events/{event.id}/log").text
    assert "Referent/in hat geantwortet" in log
