"""Hybrid events: on site, online or both; online places with their own capacity and waiting list; the online link
only for those confirmed online; their attendance marked from the video platform's list; certificates saying how."""

import io
import re
from dataclasses import fields
from datetime import timedelta

import icalendar
import pytest

from conference.check_in import services as door
from conference.database import utcnow
from conference.documents import certificates
from conference.events import services as events
from conference.events.models import AttendanceMode
from conference.extensions import db
from conference.registration import notifications, services
from conference.registration.models import RegistrationStatus
from tests.support import applicant, form_token, log_in
from tests.support.documents import pdf_pages
from tests.support.registration import submit

LINK = "https://video.example.org/j/8812?pwd=fachtag"
CODE = "4711-Anerkennung"


@pytest.fixture
def hybrid(make_event):
    return make_event(
        attendance_mode=AttendanceMode.HYBRID,
        capacity=1,
        online_capacity=1,
        online_url=LINK,
        online_access_code=CODE,
        contact_email="tagung@example.org",
    )


def register(event, online: bool, **fields):
    return services.register(event.id, applicant(online=online, **fields), utcnow(), by=None).registration


def test_online_places_have_their_own_capacity_and_waiting_list(hybrid):
    in_the_room, online = register(hybrid, False), register(hybrid, True)
    waiting_online, waiting_in_the_room = register(hybrid, True), register(hybrid, False)
    assert [r.status for r in (in_the_room, online, waiting_online, waiting_in_the_room)] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
        RegistrationStatus.WAITLISTED,
    ]
    assert services.place_on_waiting_list(waiting_in_the_room) == 1  # first on the list of the room

    services.cancel(online.id, utcnow(), by=None)

    db.session.refresh(waiting_online), db.session.refresh(waiting_in_the_room)
    assert waiting_online.status == RegistrationStatus.CONFIRMED and waiting_online.online
    assert waiting_in_the_room.status == RegistrationStatus.WAITLISTED  # an online place is no seat in the room


def test_the_online_link_reaches_only_those_confirmed_online(client, hybrid, mailbox):
    page = client.get(f"/events/{hybrid.slug}/register").text
    assert "Wie nehmen Sie teil?" in page and LINK not in page
    assert submit(client, hybrid, email="ohne.wahl@example.org").status_code == 422  # the way must be chosen
    submit(client, hybrid, online="online", email="online@example.org")
    submit(client, hybrid, online="on_site", email="vor.ort@example.org")
    submit(client, hybrid, online="online", email="wartet@example.org")

    [confirmation] = mailbox.to("online@example.org")
    text = confirmation.get_body(("plain",)).get_content()
    assert LINK in text and CODE in text and "Check-in-Code" not in text
    [entry] = [part for part in confirmation.walk() if part.get_content_type() == "text/calendar"]
    event = icalendar.Calendar.from_ical(entry.get_content()).walk("VEVENT")[0]
    assert (str(event["LOCATION"]), str(event["URL"])) == (LINK, LINK) and CODE in str(event["DESCRIPTION"])
    own = re.search(r"http://localhost(/registrations/[0-9a-f]{64})", text).group(1)
    assert LINK in client.get(own).text and CODE in client.get(own).text
    assert LINK in client.get(own + "/event.ics").text

    for address in ("vor.ort@example.org", "wartet@example.org"):
        [mail] = mailbox.to(address)
        body = mail.as_string()
        assert LINK not in body and CODE not in body
        their_page = re.search(r"/registrations/[0-9a-f]{64}", mail.get_body(("plain",)).get_content()).group(0)
        assert LINK not in client.get(their_page).text and LINK not in client.get(their_page + "/event.ics").text
    for public in (
        f"/events/{hybrid.slug}",
        f"/events/{hybrid.slug}/agenda",
        f"/events/{hybrid.slug}/event.ics",
        "/events.ics",
        "/events.atom",
        f"/api/v1/events/{hybrid.slug}",
        "/api/v1/events",
    ):
        response = client.get(public)
        assert response.status_code == 200 and LINK not in response.text and CODE not in response.text, public
    assert "Vor Ort und online" in client.get(f"/events/{hybrid.slug}").text


def test_a_new_link_is_mailed_to_those_confirmed_online_and_a_bad_one_refused(client, hybrid, make_user, mailbox):
    online, _waiting = register(hybrid, True), register(hybrid, True)
    register(hybrid, False)
    mailbox.messages.clear()
    log_in(client, make_user(events=[hybrid]))
    page = f"/manage/events/{hybrid.id}/edit"
    form = dict(re.findall(r'<(?:input|textarea)[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', client.get(page).text))
    form |= {"kind": "conference", "language": "de", "attendance_mode": "hybrid", "participant_list_mode": "hidden"}
    form |= {"certificate_extent_unit": "hours", "network_id": "0", "csrf_token": form_token(client, page)}

    refused = client.post(page, data=form | {"online_url": "javascript:alert(1)"})
    assert refused.status_code == 422 and "mit https:// beginnt" in refused.text

    asked = client.post(page, data=form | {"online_url": LINK + "-neu"})  # asked first, nothing sent yet
    assert asked.status_code == 200 and "Alle, die online teilnehmen, erhalten eine E-Mail" in asked.text
    assert mailbox.messages == []
    saved = client.post(page, data=form | {"online_url": LINK + "-neu", "confirmed": "1"}, follow_redirects=True)
    assert "Alle, die online teilnehmen, erhalten den neuen Link" in saved.text
    [mail] = mailbox.messages
    assert mail["To"] == online.email and mail["Subject"] == f"Online-Link: {hybrid.title}"
    assert LINK + "-neu" in mail.get_body(("plain",)).get_content()


def test_who_takes_part_online_is_not_expected_at_the_door_and_is_marked_from_the_platforms_list(
    client, make_event, make_user
):
    start = utcnow() - timedelta(hours=1)
    event = make_event(
        attendance_mode=AttendanceMode.HYBRID,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        registration_opens_at=start - timedelta(days=9),
        registration_closes_at=start,
        online_url=LINK,
    )
    on_site = services.register(event.id, applicant(), utcnow(), by_organiser=True, by=None).registration
    attended, absent = (
        services.register(event.id, applicant(online=True, email=email), utcnow(), by_organiser=True, by=None)
        for email in ("Nadia.Haddad@example.org", "absent@example.org")
    )
    attended, absent = attended.registration, absent.registration

    refused = door.check_in(event, door.Scan(attended.check_in_code), utcnow(), by=None)
    assert not refused.admitted and "Online-Teilnahme angemeldet" in refused.message
    log_in(client, make_user(events=[event]))
    at_the_door = client.post(
        f"/manage/events/{event.id}/check-in/",
        data={"csrf_token": form_token(client, f"/manage/events/{event.id}/check-in/"), "code": attended.check_in_code},
    ).text
    assert "Online-Teilnahme angemeldet" in at_the_door
    assert f'value="{attended.check_in_code}"' not in at_the_door  # no button that would only be refused again
    assert client.get(f"/manage/events/{event.id}/documents/tickets/{attended.id}.pdf").status_code == 404
    assert door.counts(event, None) == (1, 0)  # only the one on site is expected at the door
    assert [person.id for person in door.people_at(event, None).expected] == [on_site.id]

    page = f"/manage/events/{event.id}/registrations/online-attendance"
    token = form_token(client, page)
    # No address column; a blob pasted by mistake (read at once: an address pattern tried
    # from every position of it took hours).
    for no_addresses in (io_of("Name;Beitritt\r\nNadia Haddad;09:31\r\n"), io.BytesIO(b"a" * 400_000)):
        read = client.post(
            page,
            data={"csrf_token": token, "action": "read", "attendance_list": (no_addresses, "Teilnahme.csv")},
            content_type="multipart/form-data",
        )
        assert "Die Datei enthält keine E-Mail-Adressen" in read.text
    teams_export = (
        "Name\tE-Mail\tBeitritt\r\nNadia Haddad\tnadia.haddad@example.org\t09:31\r\nGast\tgast@example.net\t09:40\r\n"
    )
    read = client.post(
        page,
        data={"csrf_token": token, "action": "read", "attendance_list": (io_of(teams_export), "Teilnahme.csv")},
        content_type="multipart/form-data",
    )
    assert "1 Person in der Liste gefunden" in read.text and "gast@example.net" in read.text
    assert re.search(rf'value="{attended.id}" checked', read.text) and not re.search(
        rf'value="{absent.id}" checked', read.text
    )
    db.session.refresh(attended)
    assert attended.checked_in_at is None  # nothing saved before the organiser saves

    client.post(page, data={"csrf_token": token, "action": "save", "attended": [str(attended.id), "99999", "x"]})

    db.session.refresh(attended), db.session.refresh(absent)
    assert attended.checked_in_at is not None and absent.checked_in_at is None
    event.ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert certificates.attendees(event.id) == [attended]
    [text] = pdf_pages(certificates.pdf_of(attended, utcnow()))
    assert "Teilnahme Online" in " ".join(text.split())


def io_of(text: str) -> io.BytesIO:
    return io.BytesIO(text.encode("utf-16"))  # as Teams exports it


def test_a_registrant_changes_to_online_only_where_a_place_is_free(hybrid):
    first, second = register(hybrid, False), register(hybrid, True)
    change = applicant(online=True, first_name=first.first_name, last_name=first.last_name, email=first.email)

    with pytest.raises(services.RegistrationError, match="Online ist kein Platz mehr frei"):
        services.update(first.id, change, utcnow(), by=None)

    services.cancel(second.id, utcnow(), by=None)
    services.update(first.id, change, utcnow(), by=None)
    db.session.refresh(first)
    assert first.online and first.status == RegistrationStatus.CONFIRMED
    assert services.online_access(first) == (LINK, CODE)


def test_an_event_moved_online_takes_everyone_online_and_tells_them(hybrid, mailbox):
    in_the_room = register(hybrid, False)
    mailbox.messages.clear()
    details = events.EventDetails(**{field.name: getattr(hybrid, field.name) for field in fields(events.EventDetails)})
    details.attendance_mode = AttendanceMode.ONLINE

    events.update_event(hybrid.id, details, events.version(hybrid), by=None)

    db.session.refresh(in_the_room)
    assert in_the_room.online and in_the_room.status == RegistrationStatus.CONFIRMED
    [mail] = mailbox.to(in_the_room.email)
    assert mail["Subject"].startswith("Neue Zeit oder neuer Ort") and LINK in mail.get_body(("plain",)).get_content()


def test_the_reminder_brings_the_link_to_those_confirmed_online_and_the_code_to_those_on_site(make_event, mailbox):
    soon = make_event(
        attendance_mode=AttendanceMode.HYBRID,
        starts_at=utcnow() + timedelta(days=1),
        ends_at=utcnow() + timedelta(days=1, hours=6),
        registration_closes_at=utcnow() + timedelta(hours=12),
        online_url=LINK,
        online_access_code=CODE,
    )
    online, on_site = register(soon, True), register(soon, False)
    mailbox.messages.clear()

    assert notifications.send_reminders() == 1

    [to_online] = mailbox.to(online.email)
    [to_on_site] = mailbox.to(on_site.email)
    for part in ("plain", "html"):
        assert LINK in to_online.get_body((part,)).get_content() and CODE in to_online.get_body((part,)).get_content()
        assert LINK not in to_on_site.get_body((part,)).get_content()
    assert online.check_in_code not in to_online.as_string() and on_site.check_in_code in to_on_site.as_string()
