import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.audit.models import AuditEntry
from conference.check_in import services as door
from conference.check_in.services import DoorClosed, Scan
from conference.database import utcnow
from conference.extensions import db
from conference.registration import services
from conference.registration.models import ForumChoice, Registration
from tests.support import form_token, log_in
from tests.support.registration import register


def test_the_door_admits_confirmed_people_once_and_says_why_it_refuses(today, make_event):
    seated, other_seated = register(today), register(today)
    waiting = register(today)
    now = utcnow()
    spaced = " " + seated.check_in_code.lower()[:5] + " " + seated.check_in_code.lower()[5:]

    first = door.check_in(today, Scan(spaced), now, by=None)
    assert first.admitted and first.registration.id == seated.id and first.registration.checked_in_at == now
    again = door.check_in(today, Scan(seated.check_in_code), now, by=None)
    assert not again.admitted and "Bereits eingecheckt" in again.message
    assert "Warteliste" in door.check_in(today, Scan(waiting.check_in_code), now, by=None).message
    services.cancel(other_seated.id, today.starts_at - timedelta(minutes=1), by=None)
    assert "Storniert" in door.check_in(today, Scan(other_seated.check_in_code), now, by=None).message
    assert "Unbekannter Code" in door.check_in(today, Scan("ABCDEFGHJK"), now, by=None).message
    assert "kein Check-in-Code" in door.check_in(today, Scan("https://example.org/c/ABCD"), now, by=None).message
    elsewhere = make_event(starts_at=today.starts_at, ends_at=today.ends_at)
    assert "anderen Veranstaltung" in door.check_in(elsewhere, Scan(seated.check_in_code), now, by=None).message
    assert services.attendance(today.id) == {
        "confirmed": 2,
        "checked_in": 1,
        "in_the_room": 1,
        "waiting": 0,
    }  # the waiting one moved up


def test_check_in_opens_hours_before_the_start_and_only_organisers_correct_after_the_end(today):
    person = register(today)
    with pytest.raises(DoorClosed, match="Der Check-in öffnet am"):
        door.check_in(
            today, Scan(person.check_in_code), today.starts_at - door.OPENS_BEFORE - timedelta(minutes=1), by=None
        )
    after = today.ends_at + timedelta(hours=1)
    with pytest.raises(DoorClosed, match="vorbei"):
        door.check_in(today, Scan(person.check_in_code), after, by=None)
    assert door.check_in(today, Scan(person.check_in_code), after, may_correct=True, by=None).admitted
    with pytest.raises(DoorClosed):
        door.undo(today, person.id, None, after, by=None)
    assert door.undo(today, person.id, None, after, may_correct=True, by=None).checked_in_at is None
    assert door.check_in(today, Scan(person.check_in_code), today.starts_at - door.OPENS_BEFORE, by=None).admitted


def test_a_scan_sent_again_counts_once_and_keeps_the_time_it_was_made(today):
    person = register(today)
    made = utcnow() - timedelta(minutes=20)
    first = door.check_in(today, Scan(person.check_in_code, at=made), utcnow(), by=None)
    replay = door.check_in(today, Scan(person.check_in_code, at=made), utcnow(), by=None)
    assert first.admitted and not first.repeated
    assert replay.admitted and replay.repeated
    assert db.session.get(Registration, person.id).checked_in_at == made
    stale = door.check_in(
        today, Scan(register(today).check_in_code, at=utcnow() - timedelta(days=2)), utcnow(), by=None
    )
    assert stale.admitted and stale.registration.checked_in_at > utcnow() - timedelta(minutes=1)  # dated on arrival


def test_a_forum_door_admits_only_who_chose_that_forum(today, make_forums):
    forum_a, forum_b = make_forums(today, 5, 5)
    chose_a = register(today, forums=[forum_a.id])
    chose_b = register(today, forums=[forum_b.id])

    admitted = door.check_in(today, Scan(chose_a.check_in_code, forum_id=forum_a.id), utcnow(), by=None)
    assert admitted.admitted and admitted.registration.checked_in_at is not None  # in at the entrance too
    refused = door.check_in(today, Scan(chose_b.check_in_code, forum_id=forum_a.id), utcnow(), by=None)
    assert not refused.admitted and refused.message == "Angemeldet für ein anderes Forum: Forum 2."
    assert door.counts(today, forum_a.id) == (0, 1)
    assert door.counts(today, None) == (1, 1)

    door.undo(today, chose_a.id, forum_a.id, utcnow(), by=None)
    assert (
        db.session.scalar(sa.select(ForumChoice.checked_in_at).where(ForumChoice.registration_id == chose_a.id)) is None
    )
    assert db.session.get(Registration, chose_a.id).checked_in_at is not None  # still in the building


def test_a_check_in_helper_uses_the_door_page_but_sees_no_registration_list(client, today, make_user, helper_for):
    person = register(today, first_name="Amina", last_name="Said")
    register(today, first_name="Jonas", last_name="Berg", organisation="IHK Schwerin")
    log_in(client, helper_for(today))
    page = f"/manage/events/{today.id}/check-in/"

    assert client.get(f"/manage/events/{today.id}/registrations/").status_code == 403
    found = client.get(page + "?q=ihk").get_data(as_text=True)
    assert "Jonas Berg" in found and "Amina Said" not in found

    html = client.post(page, data={"code": person.check_in_code, "csrf_token": form_token(client, page)}).get_data(
        as_text=True
    )
    assert "Eingecheckt: willkommen!" in html and "Amina Said" in html
    assert re.search(r'id="count-in">1<', html) and re.search(r'id="count-expected">1<', html)
    assert db.session.scalar(sa.select(Registration.checked_in_at).where(Registration.id == person.id)) is not None
    assert "worker-src blob:" in client.get(page).headers["Content-Security-Policy"]
    assert "worker-src" not in client.get("/").headers["Content-Security-Policy"]


def test_undo_is_logged_and_the_person_is_expected_again(client, today, make_user, helper_for):
    person = register(today, first_name="Amina", last_name="Said")
    door.check_in(today, Scan(person.check_in_code), utcnow(), by=None)
    helper = helper_for(today)
    log_in(client, helper)
    page = f"/manage/events/{today.id}/check-in/"

    response = client.post(
        f"/manage/events/{today.id}/check-in/{person.id}/undo", data={"csrf_token": form_token(client, page)}
    )
    assert response.status_code == 303
    html = client.get(response.location).get_data(as_text=True)
    assert "Check-in von Amina Said rückgängig gemacht." in html
    assert db.session.get(Registration, person.id).checked_in_at is None
    log = db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.registration_id, AuditEntry.user_id)
        .where(AuditEntry.event_id == today.id)
        .order_by(AuditEntry.id)
    ).all()
    assert log == [
        ("registration.added", person.id, None),
        ("registration.checked_in", person.id, None),
        ("registration.check_in_undone", person.id, helper.id),
    ]


def test_scans_kept_offline_arrive_in_one_request_and_a_replay_changes_nothing(client, today, make_user, helper_for):
    people = [register(today) for _ in range(2)]
    log_in(client, helper_for(today))
    page = f"/manage/events/{today.id}/check-in/"
    token = form_token(client, page)
    made = (utcnow() - timedelta(minutes=5)).isoformat()
    queue = {
        "scans": [{"code": person.check_in_code, "at": made, "forum": None} for person in people]
        + [{"code": "NOPE", "at": made, "forum": None}]
    }

    def send():
        response = client.post(
            page + "scans", data=json.dumps(queue), content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 200
        return [(result["admitted"], result["message"]) for result in response.json["results"]]

    expected = [(True, "Eingecheckt: willkommen!")] * 2 + [
        (False, "Das ist kein Check-in-Code. Bitte noch einmal scannen oder nach dem Namen suchen.")
    ]
    assert send() == expected
    assert send() == expected  # the answer was lost, the phone sends the queue again
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "registration.checked_in")) == 2
    assert client.get(page + "scans").json["checked_in"] == 2


@pytest.mark.parametrize(
    "body",
    [
        '{"scans": []}',
        '{"scans": [{"code": 5}]}',
        '[1, 2]',
        "nonsense",
        '{"scans": [{"code": "X", "forum": "a"}]}',
        json.dumps({"scans": [{"code": "A"}] * 101}),
    ],
)
def test_malformed_scans_are_refused_and_change_nothing(client, today, make_user, body, helper_for):
    log_in(client, helper_for(today))
    page = f"/manage/events/{today.id}/check-in/"
    response = client.post(
        page + "scans", data=body, content_type="application/json", headers={"X-CSRFToken": form_token(client, page)}
    )
    assert response.status_code == 400


def test_scans_need_the_form_token_and_a_door_role(client, today, make_user, helper_for):
    person = register(today)
    log_in(client, helper_for(today))
    body = json.dumps({"scans": [{"code": person.check_in_code, "forum": None}]})
    assert (
        client.post(f"/manage/events/{today.id}/check-in/scans", data=body, content_type="application/json").status_code
        == 400
    )
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    log_in(client, make_user())  # an organiser of other events
    page = f"/manage/events/{today.id}/check-in/"
    assert client.get(page).status_code == 403
    assert db.session.get(Registration, person.id).checked_in_at is None


def test_a_helper_s_phone_clock_cannot_reopen_the_door_after_the_end(client, make_event, make_user, helper_for):
    now = utcnow()
    event = make_event(starts_at=now - timedelta(hours=6), ends_at=now - timedelta(minutes=1))
    person = register(event)
    log_in(client, helper_for(event))
    page = f"/manage/events/{event.id}/check-in/"
    backdated = {
        "scans": [{"code": person.check_in_code, "at": (now - timedelta(minutes=5)).isoformat(), "forum": None}]
    }
    response = client.post(
        page + "scans",
        data=json.dumps(backdated),
        content_type="application/json",
        headers={"X-CSRFToken": form_token(client, page)},
    )
    assert "vorbei" in response.json["results"][0]["message"]
    assert db.session.get(Registration, person.id).checked_in_at is None


def test_a_scan_cannot_be_dated_before_the_door_opened(today):
    person = register(today)
    outcome = door.check_in(
        today, Scan(person.check_in_code, at=door.opens_at(today) - timedelta(minutes=1)), utcnow(), by=None
    )
    assert outcome.admitted and outcome.registration.checked_in_at > utcnow() - timedelta(minutes=1)


def test_a_scan_body_nested_too_deep_is_refused_not_a_server_error(client, today, make_user, helper_for):
    log_in(client, helper_for(today))
    page = f"/manage/events/{today.id}/check-in/"
    body = '{"scans": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(
        page + "scans", data=body, content_type="application/json", headers={"X-CSRFToken": form_token(client, page)}
    )
    assert response.status_code == 400


def test_search_takes_percent_and_underscore_as_typed(client, today, make_user):
    register(today, first_name="Anna", last_name="Berg")
    register(today, first_name="Jo_rg", last_name="Klein")
    log_in(client, make_user(events=[today]))
    door_page = client.get(f"/manage/events/{today.id}/check-in/?q=_").get_data(as_text=True)
    assert "Jo_rg Klein" in door_page and "Anna Berg" not in door_page
    registrations = client.get(f"/manage/events/{today.id}/registrations/?q=%25").get_data(as_text=True)
    assert "Anna Berg" not in registrations and "Jo_rg Klein" not in registrations


def test_undoing_someone_not_checked_in_says_so_and_logs_nothing(client, today, make_user, helper_for):
    person = register(today, first_name="Emre", last_name="Çelik")
    log_in(client, helper_for(today))
    page = f"/manage/events/{today.id}/check-in/"

    response = client.post(
        f"{page}{person.id}/undo", data={"csrf_token": form_token(client, page)}, follow_redirects=True
    )

    assert "Emre Çelik ist hier nicht eingecheckt." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "registration.check_in_undone")) == 0
