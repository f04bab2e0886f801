import re
from datetime import timedelta

import pytest

from conference.agenda import services
from conference.agenda.models import AgendaItem, AgendaItemKind
from conference.extensions import db
from tests.support import form_token, log_in


def details(event, minutes=0, length=30, **fields) -> services.ItemDetails:
    starts_at = event.starts_at + timedelta(minutes=minutes)
    return services.ItemDetails(
        **(
            {
                "starts_at": starts_at,
                "ends_at": starts_at + timedelta(minutes=length),
                "kind": AgendaItemKind.TALK,
                "title": "Vortrag",
            }
            | fields
        )
    )


def test_an_item_with_speakers_and_a_new_room_is_saved(make_event, make_person, make_organisation):
    event = make_event()
    speaker, moderator = make_person(name="Projektleitung amoN"), make_person(name="Moderation")
    project = make_organisation(name="amoN")

    item = services.save_item(
        event.id,
        details(
            event,
            kind=AgendaItemKind.GOOD_PRACTICE,
            title="Praxisbeispiel",
            room_name="Saal",
            presenting_organisation_id=project.id,
            speaker_ids=[speaker.id],
            moderator_ids=[moderator.id],
        ),
        by=None,
    )

    assert item.speakers == [speaker] and item.moderators == [moderator]
    assert item.room.name == "Saal" and item.presenting_organisation == project and item.version == 1
    again = services.save_item(event.id, details(event, 60, room_name="saal"), by=None)
    assert again.room is item.room  # the same room, whatever the case


def test_a_stale_edit_is_refused_and_loses_nothing(make_event):
    event = make_event()
    item = services.save_item(event.id, details(event, title="Erste Fassung"), by=None)
    services.save_item(event.id, details(event, title="Von Kollegin geändert"), item.id, version=1, by=None)

    with pytest.raises(services.AgendaError, match="in der Zwischenzeit"):
        services.save_item(event.id, details(event, title="Meine späte Änderung"), item.id, version=1, by=None)
    assert db.session.get(AgendaItem, item.id).title == "Von Kollegin geändert"


def test_forged_ids_and_impossible_times_are_refused(make_event):
    event, other = make_event(), make_event()
    foreign = services.save_item(other.id, details(other), by=None)
    for bad in (
        details(event, presenting_organisation_id=999999),
        details(event, speaker_ids=[999999]),
        details(event, length=-10),
    ):
        with pytest.raises(services.AgendaError):
            services.save_item(event.id, bad, by=None)
    with pytest.raises(services.AgendaError):
        services.save_item(event.id, details(event), foreign.id, version=foreign.version, by=None)
    with pytest.raises(services.AgendaError):
        services.delete_item(event.id, foreign.id, by=None)
    assert event.agenda_items == [] and db.session.get(AgendaItem, foreign.id) is not None


def test_warnings_for_overlaps_double_bookings_hours_and_room_size(make_event, make_person):
    event = make_event()
    person = make_person(name="Leitung IFDM")
    services.save_item(
        event.id,
        details(event, 0, 60, title="Forum 1", room_name="Raum A", capacity=50, speaker_ids=[person.id]),
        by=None,
    )
    services.save_item(
        event.id, details(event, 30, 60, title="Forum 2", room_name="Raum A", moderator_ids=[person.id]), by=None
    )
    services.save_item(event.id, details(event, -60, 30, title="Frühstück"), by=None)
    event.rooms[0].capacity = 30

    found = services.warnings(event)

    assert "„Forum 1“ und „Forum 2“ überschneiden sich im selben Raum: Raum A." in found
    assert "Leitung IFDM ist zur selben Zeit in „Forum 1“ und „Forum 2“ eingeplant." in found
    assert "„Frühstück“ liegt außerhalb der Zeiten der Veranstaltung." in found
    assert "„Forum 1“ hat 50 Plätze, Raum Raum A aber nur 30." in found


def test_organisers_add_an_item_that_the_public_agenda_shows(client, make_event, make_user, make_person):
    event = make_event()
    speaker = make_person(name="Projektleitung moNa")
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/agenda/new"
    day = event.starts_at.strftime("%Y-%m-%d")

    response = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "day": day,
            "start": "11:45",
            "end": "12:15",
            "kind": "good_practice",
            "title": "Betriebe als Partner",
            "speaker_ids": str(speaker.id),
            "presenting_organisation_id": "0",
        },
    )

    assert response.status_code == 303
    public = client.get(f"/events/{event.slug}/agenda").get_data(as_text=True)
    assert "Betriebe als Partner" in public and "11.45 – 12.15 Uhr" in public and "Projektleitung moNa" in public

    bad = client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "day": day,
            "start": "13:00",
            "end": "12:00",
            "kind": "talk",
            "title": "Rückwärts",
            "presenting_organisation_id": "0",
        },
    )
    assert bad.status_code == 422 and "Das Ende muss nach dem Beginn liegen." in bad.get_data(as_text=True)


def test_deleting_asks_first(client, make_event, make_user, make_agenda_item):
    event = make_event()
    item = make_agenda_item(event, title="Kaffeepause")
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/agenda/{item.id}/delete"

    assert "wirklich" in client.get(url).get_data(as_text=True)
    assert db.session.get(AgendaItem, item.id) is not None
    client.post(url, data={"csrf_token": form_token(client, url)})
    db.session.expire_all()
    assert db.session.get(AgendaItem, item.id) is None


def test_room_seats_are_set_and_feed_the_warnings(client, make_event, make_user, make_agenda_item):
    event = make_event()
    make_agenda_item(event, 0, 60, room="Werkstatt", kind=AgendaItemKind.FORUM, capacity=40)
    room = event.rooms[0]
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/agenda/"
    token = form_token(client, url)

    client.post(
        f"{url}rooms/{room.id}",
        data={
            f"room-{room.id}-csrf_token": token,
            "csrf_token": token,
            f"room-{room.id}-name": "Werkstatt",
            f"room-{room.id}-capacity": "30",
        },
    )

    db.session.expire_all()
    assert db.session.get(type(room), room.id).capacity == 30
    assert "hat 40 Plätze, Raum Werkstatt aber nur 30" in client.get(url).get_data(as_text=True)


def test_the_agenda_list_shows_forum_seats_and_moderators_and_labels_the_rooms_inputs(
    client, make_event, make_user, make_agenda_item, make_person
):
    """The list showed no forum seat limits or moderators; the inputs of "Räume und Stränge" were tiny and
    unlabelled."""
    event = make_event()
    speaker, moderator = make_person(name="Projektleitung amoN"), make_person(name="Dr. Jana Beispiel")
    make_agenda_item(event, 0, 60, title="Podium", speakers=[speaker], moderators=[moderator])
    make_agenda_item(event, 60, 60, room="Werkstatt", kind=AgendaItemKind.FORUM, title="Forum Anerkennung", capacity=40)
    room = event.rooms[0]
    log_in(client, make_user(events=[event]))
    page = client.get(f"/manage/events/{event.id}/agenda/").get_data(as_text=True)
    assert "höchstens 40 Plätze" in page and "Moderation" in page and "Dr. Jana Beispiel" in page
    for name, label in (("name", "Name"), ("capacity", "Plätze")):
        assert re.search(rf'<label for="room-{room.id}-{name}">{label}</label>', page), name  # a visible label each
    assert 'class="sr-only" for="room-' not in page
