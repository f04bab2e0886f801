from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.database import write_transaction
from conference.events.models import ParticipantListMode
from conference.extensions import db
from conference.limits import services
from conference.limits.models import RateLimitCounter
from conference.limits.services import Limit
from tests.support import form_token


@pytest.fixture
def tight(app):
    app.config["RATE_LIMITS"] = {name: Limit(2, timedelta(minutes=10)) for name in services.DEFAULT_LIMITS}
    return app


def test_the_lost_link_form_is_refused_after_the_limit_with_a_page_saying_when_to_retry(client, tight, make_event):
    event = make_event()
    token = form_token(client, f"/events/{event.slug}/lost-link")
    statuses = [
        client.post(f"/events/{event.slug}/lost-link", data={"csrf_token": token, "email": "a@example.org"}).status_code
        for _ in range(3)
    ]
    assert statuses == [200, 200, 429]
    refused = client.post(f"/events/{event.slug}/lost-link", data={"csrf_token": token, "email": "a@example.org"})
    assert "Zu viele Anfragen" in refused.get_data(as_text=True)
    assert 0 < int(refused.headers["Retry-After"]) <= 600
    assert client.get(f"/events/{event.slug}/lost-link").status_code == 200  # reading the form is not limited


def test_addresses_are_counted_apart_and_limits_apart(tight, client, make_event):
    event = make_event()
    token = form_token(client, f"/events/{event.slug}/lost-link")
    for address in ("198.51.100.1", "198.51.100.1", "198.51.100.2"):
        response = client.post(
            f"/events/{event.slug}/lost-link",
            data={"csrf_token": token, "email": "a@example.org"},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 200
    assert client.get("/c/NOSUCHNUMBER", environ_base={"REMOTE_ADDR": "198.51.100.1"}).status_code == 404


def test_verification_pages_and_registrations_are_limited(tight, client, make_event):
    assert [client.get("/c/NOSUCHNUMBER").status_code for _ in range(3)] == [404, 404, 429]
    event = make_event()
    token = form_token(client, f"/events/{event.slug}/register")
    statuses = [client.post(f"/events/{event.slug}/register", data={"csrf_token": token}).status_code for _ in range(3)]
    assert statuses[2] == 429 and statuses[:2] != [429, 429]


def test_expired_windows_are_removed(app):
    with write_transaction():
        services.count("lost-link", "192.0.2.1")
    counter = db.session.scalars(sa.select(RateLimitCounter)).one()
    counter.expires_at -= timedelta(hours=1)
    db.session.commit()
    assert services.remove_expired() == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RateLimitCounter)) == 0


def test_a_burst_from_many_threads_gets_exactly_the_limit(tight):
    def attempt(_number) -> bool:
        with tight.app_context():
            try:
                services.count("lost-link", "203.0.113.7")
                return True
            except services.TooManyRequests:
                return False
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        admitted = list(pool.map(attempt, range(24)))
    assert admitted.count(True) == 2


def test_a_registration_the_rules_refuse_still_counts(tight, client, make_event, make_forums):
    from tests.support.registration import submit

    event = make_event()
    full, _other = make_forums(event, 0, 5)
    statuses = [submit(client, event, forum_0=str(full.id)).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


def test_twice_the_limit_does_not_fit_around_the_edge_of_a_window(app, monkeypatch):
    """Counted in fixed windows, five guesses in the last minute of one window and five in the first minute of
    the next all passed: ten in two minutes against a limit of five in fifteen."""
    app.config["RATE_LIMITS"] = {"login-email": Limit(5, timedelta(minutes=15))}
    window_start = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # 09:00 begins a window of fifteen minutes
    clock = [window_start - timedelta(seconds=50)]
    monkeypatch.setattr(services, "utcnow", lambda: clock[0])

    def attempt() -> bool:
        try:
            services.count("login-email", "orga@example.org")
            return True
        except services.TooManyRequests as refused:
            attempt.retry_after = refused.retry_after
            return False

    assert [attempt() for _ in range(5)] == [True] * 5  # the last minute of one window
    clock[0] = window_start + timedelta(seconds=10)
    assert attempt() is False  # the first minute of the next: still five within the last fifteen minutes
    assert 13 * 60 < attempt.retry_after <= 15 * 60  # until the first of them has slid out (to the minute)
    clock[0] = window_start + timedelta(minutes=13, seconds=55)
    assert attempt() is False
    clock[0] += timedelta(seconds=attempt.retry_after)
    assert attempt() is True


def test_the_public_participant_list_as_pdf_is_limited(app, client, make_event):
    app.config["RATE_LIMITS"] = {"participant-list-pdf": Limit(2, timedelta(minutes=10))}
    event = make_event(participant_list_mode=ParticipantListMode.PUBLIC)
    assert [client.get(f"/events/{event.slug}/participants.pdf").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(f"/events/{event.slug}/participants").status_code == 200  # the page itself is not limited
