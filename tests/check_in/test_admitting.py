"""Letting in at the door whom the list does not: people on the waiting list or awaiting approval, out of turn."""

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.accounts import access
from conference.audit.models import AuditEntry
from conference.check_in import services as door
from conference.check_in.services import DoorClosed, Scan
from conference.database import utcnow
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration
from conference.registration.models import RegistrationStatus as S
from tests.support import form_as_sent, form_token, log_in
from tests.support.registration import register


def logged(event) -> list[tuple[str, int]]:
    return db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.registration_id).where(
            AuditEntry.event_id == event.id, AuditEntry.action == "registration.admitted"
        )
    ).all()


def test_someone_waiting_is_confirmed_and_checked_in_beyond_the_capacity_without_a_mail(today, mailbox):
    seated = [register(today) for _ in range(2)]
    for person in seated:
        door.check_in(today, Scan(person.check_in_code), utcnow(), by=None)
    waiting = register(today, first_name="Johanna", last_name="Vogt")
    mailbox.messages.clear()

    outcome = door.admit(today, waiting.id, utcnow(), by=None)

    assert outcome.admitted and outcome.message == "Außer der Reihe eingelassen: willkommen!"
    db.session.expire_all()
    admitted = db.session.get(Registration, waiting.id)
    assert admitted.status == S.CONFIRMED and admitted.checked_in_at is not None
    assert services.seats_taken(today.id) == 3 and door.counts(today, None) == (0, 3)
    assert logged(today) == [("registration.admitted", waiting.id)]
    assert mailbox.messages == []  # told at the door; the link they have shows the confirmed place

    again = door.admit(today, waiting.id, utcnow(), by=None)  # a second phone a moment later
    assert not again.admitted and again.message.startswith("Bereits eingecheckt um")
    assert len(logged(today)) == 1


def test_someone_awaiting_approval_is_admitted_and_a_confirmed_person_is_not_admitted_this_way(make_event):
    now = utcnow()
    event = make_event(starts_at=now + timedelta(hours=2), ends_at=now + timedelta(hours=8), requires_approval=True)
    pending = register(event)
    assert pending.status == S.PENDING
    assert door.admit(event, pending.id, now, by=None).admitted  # the door is open two hours before the start
    services.decide(register(event).id, approve=True, by=None)
    confirmed = db.session.scalar(
        sa.select(Registration).where(Registration.status == S.CONFIRMED, Registration.checked_in_at.is_(None))
    )
    refused = door.admit(event, confirmed.id, now, by=None)
    assert not refused.admitted and "So werden nur Personen von der Warteliste" in refused.message
    assert db.session.get(Registration, confirmed.id).checked_in_at is None


def test_the_door_admits_only_while_it_is_open_and_helpers_not_after_the_end(today, make_event):
    waiting = register(make_event(capacity=0))
    with pytest.raises(DoorClosed, match="öffnet am"):  # four weeks ahead
        door.admit(waiting.event, waiting.id, utcnow(), by=None)
    with pytest.raises(services.RegistrationError, match="erst am Tag"):  # also from the list of registrations
        services.admit(waiting.id, utcnow(), by=None)
    over = today.ends_at + timedelta(minutes=5)
    late = register(today), register(today), register(today)
    with pytest.raises(DoorClosed, match="vorbei"):
        door.admit(today, late[2].id, over, by=None)
    assert door.admit(today, late[2].id, over, may_correct=True, by=None).admitted
    with pytest.raises(DoorClosed, match="Unbekannte Anmeldung"):
        door.admit(make_event(starts_at=today.starts_at, ends_at=today.ends_at), late[2].id, utcnow(), by=None)


def test_an_organiser_scans_someone_waiting_is_asked_and_lets_them_in(client, today, make_user):
    for _ in range(2):
        door.check_in(today, Scan(register(today).check_in_code), utcnow(), by=None)
    waiting = register(today, first_name="Johanna", last_name="Vogt", organisation="Landkreis Rostock")
    organiser = make_user(events=[today])
    log_in(client, organiser)
    page = f"/manage/events/{today.id}/check-in/"

    html = client.post(page, data={"code": waiting.check_in_code, "csrf_token": form_token(client, page)}).get_data(
        as_text=True
    )
    assert "Kein Einlass: Auf der Warteliste." in html
    admit = re.search(
        r'<form class="check-in-result__action js-confirm" id="admit-form" method="post" '
        r'action="([^"]+)"\s+data-confirm="([^"]+)">(.*?)</form>',
        html,
        re.S,
    )
    assert admit.group(1) == f"/manage/events/{today.id}/check-in/{waiting.id}/admit"
    assert admit.group(2).startswith(
        "Johanna Vogt trotzdem einlassen? Auf der Warteliste. Die Anmeldung wird außer der Reihe bestätigt"
    )
    assert "Der Raum fasst 2; eingecheckt sind 2." in admit.group(2)

    question = client.post(admit.group(1), data=form_as_sent(admit.group(3))).get_data(as_text=True)  # no script
    assert "<h1>Johanna Vogt trotzdem einlassen?</h1>" in question and "Ja, einlassen" in question
    assert db.session.get(Registration, waiting.id).status == S.WAITLISTED  # asking changed nothing
    answer = client.post(admit.group(1), data=form_as_sent(question.split("<main", 1)[1]))
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Außer der Reihe eingelassen: willkommen!" in html
    assert "Landkreis Rostock" in html and re.search(r'id="count-in">3<', html)
    assert (
        re.search(
            r'<p class="notice notice--warning" id="room-note" role="status">Über der Kapazität: Der Raum '
            r'fasst 2, eingecheckt sind 3.</p>',
            html,
        )
        and html.count("Über der Kapazität") == 1
    )  # said once
    assert db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.user_id).where(AuditEntry.action == "registration.admitted")
    ).all() == [("registration.admitted", organiser.id)]
    overview = client.get(f"/manage/events/{today.id}/registrations/dashboard").get_data(as_text=True)
    assert "Über der Kapazität: Der Raum fasst 2, eingecheckt sind 3." in overview


def test_a_code_of_another_event_offers_nothing_to_admit_or_check_in(client, today, make_event, make_user):
    elsewhere = make_event(starts_at=today.starts_at, ends_at=today.ends_at, capacity=0)
    waiting, seated = register(elsewhere), register(make_event(starts_at=today.starts_at, ends_at=today.ends_at))
    log_in(client, make_user(events=[today, elsewhere]))
    page = f"/manage/events/{today.id}/check-in/"
    for person in (waiting, seated):
        html = client.post(page, data={"code": person.check_in_code, "csrf_token": form_token(client, page)}).get_data(
            as_text=True
        )
        assert "Dieser Code gehört zu einer anderen Veranstaltung." in html
        assert 'id="admit-form"' in html and f"{person.id}/admit" not in html and person.check_in_code not in html


def test_a_search_at_the_door_finds_who_waits_and_offers_to_admit_them(client, today, make_user):
    register(today), register(today)
    waiting = register(today, first_name="Emre", last_name="Çelik", organisation="Hochschule Wismar")
    log_in(client, make_user(events=[today]))
    html = client.get(f"/manage/events/{today.id}/check-in/?q=wismar").get_data(as_text=True)
    assert "Warteliste und unbestätigte Anmeldungen (1)" in html
    assert 'Emre Çelik<span class="door-list__detail">Kein Einlass: Auf der Warteliste. · Hochschule Wismar' in html
    assert f'action="/manage/events/{today.id}/check-in/{waiting.id}/admit"' in html
    without_search = client.get(f"/manage/events/{today.id}/check-in/").get_data(as_text=True)
    assert "Warteliste und unbestätigte" not in without_search


def test_a_helper_admits_only_where_the_organisers_allow_it(client, today, make_user, helper_for):
    register(today), register(today)
    waiting = register(today)
    helper = helper_for(today)
    log_in(client, helper)
    page = f"/manage/events/{today.id}/check-in/"
    token = form_token(client, page)
    scanned = {"scans": [{"code": waiting.check_in_code, "forum": None}]}

    def scan():
        response = client.post(
            page + "scans", data=json.dumps(scanned), content_type="application/json", headers={"X-CSRFToken": token}
        )
        return response.json["results"][0]

    assert scan()["message"] == "Kein Einlass: Auf der Warteliste." and scan()["admit"] is None
    assert "Trotzdem einlassen" not in client.get(page + "?q=" + waiting.last_name).get_data(as_text=True)
    assert client.post(f"{page}{waiting.id}/admit", data={"csrf_token": token, "confirmed": "1"}).status_code == 403
    assert not access.may(helper, access.Action.ADMIT, today)

    today.helpers_may_admit = True
    db.session.commit()
    assert scan()["admit"]["url"] == f"{page}{waiting.id}/admit"
    html = client.post(f"{page}{waiting.id}/admit", data={"csrf_token": token, "confirmed": "1"}).get_data(as_text=True)
    assert "Außer der Reihe eingelassen: willkommen!" in html
    assert db.session.get(Registration, waiting.id).checked_in_at is not None


def test_organisers_allow_it_in_the_event_settings(client, today, make_user):
    log_in(client, make_user(events=[today]))
    settings = f"/manage/events/{today.id}/edit"
    html = client.get(settings).get_data(as_text=True)
    assert "Check-in-Hilfen dürfen Personen von der Warteliste und ohne Anmeldung einlassen" in html
    sent = form_as_sent(html.split('<form class="form"', 1)[1]) | {"helpers_may_admit": "y"}
    assert client.post(settings, data=sent).status_code == 303
    db.session.expire_all()
    assert today.helpers_may_admit


def test_the_list_of_registrations_admits_during_the_event_after_asking(client, today, make_user, make_event):
    register(today), register(today)
    waiting = register(today, first_name="Emre", last_name="Çelik")
    log_in(client, make_user(events=[today]))
    listing = f"/manage/events/{today.id}/registrations/"

    link = (
        re.search(
            rf'href="(/manage/events/{today.id}/registrations/{waiting.id}/admit[^"]*)"',
            client.get(listing).get_data(as_text=True),
        )
        .group(1)
        .replace("&amp;", "&")
    )
    question = client.get(link).get_data(as_text=True)
    assert "Emre Çelik trotzdem einlassen? Auf der Warteliste. Die Anmeldung wird außer der Reihe" in question
    assert "Der Raum fasst 2; eingecheckt sind 0." in question
    response = client.post(
        f"/manage/events/{today.id}/registrations/{waiting.id}/admit",
        data={"csrf_token": form_token(client, listing), "back": listing},
        follow_redirects=True,
    )
    assert "Emre Çelik ist bestätigt und eingecheckt." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Registration, waiting.id).status == S.CONFIRMED

    ahead = make_event(capacity=0)
    later = register(ahead)
    log_in(client, make_user(events=[ahead]))
    assert f"{later.id}/admit" not in client.get(f"/manage/events/{ahead.id}/registrations/").get_data(as_text=True)
