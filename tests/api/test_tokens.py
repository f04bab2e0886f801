"""Organisers' API tokens: made and shown once, stored hashed, limited to their scopes and events, revoked, expired."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.api import services
from conference.api.models import ApiToken, TokenScope
from conference.audit.models import AuditAction, AuditEntry
from conference.database import utcnow
from conference.extensions import db
from conference.limits.services import Limit
from tests.api.test_api import checked
from tests.support import form_token, log_in
from tests.support.registration import register


@pytest.fixture
def door_open_event(make_event, make_question):
    """An event under way (the door is open), with a question and two confirmed registrations."""
    start = utcnow() - timedelta(minutes=30)
    event = make_event(
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        registration_opens_at=start - timedelta(days=9),
        registration_closes_at=start,
    )
    question = make_question(event, label="Essenswunsch")
    people = [register(event, answers={question.id: "vegan"}), register(event)]
    return event, people


def token_for(user, *scopes: TokenScope, days: int = 30) -> str:
    return services.create(user.id, "Scanner Foyer 7", list(scopes), days, utcnow(), by=None).secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_a_token_checks_someone_in_by_the_doors_rules_and_is_refused_at_another_event(
    client, door_open_event, make_event, make_user
):
    event, (amal, _bernd) = door_open_event
    other = make_event()
    stranger = register(other)
    organiser = make_user(events=[event])
    secret = token_for(organiser, TokenScope.CHECK_IN)

    def scan(slug: str, code: str):
        return client.post(f"/api/v1/events/{slug}/check-in", json={"code": code}, headers=bearer(secret))

    admitted = scan(event.slug, amal.check_in_code)
    assert admitted.status_code == 200 and admitted.get_json()["admitted"] is True
    assert db.session.get(type(amal), amal.id).checked_in_at is not None
    again = scan(event.slug, amal.check_in_code).get_json()
    assert not again["admitted"] and "bereits" in again["message"].lower()  # as at the door: in once
    foreign = scan(event.slug, stranger.check_in_code).get_json()
    assert not foreign["admitted"] and "anderen Veranstaltung" in foreign["message"] and foreign["registration"] is None
    assert scan(other.slug, stranger.check_in_code).status_code == 404  # not an event of the token's owner
    assert client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer(secret)).status_code == 403  # scope
    used = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.API_TOKEN_USED)).all()
    assert len(used) == 3 and all(entry.user_id == organiser.id for entry in used)


def test_a_closed_door_says_so_through_the_api_too(client, make_event, make_user):
    later = make_event()  # in four weeks: the door is not open yet
    person = register(later)
    secret = token_for(make_user(events=[later]), TokenScope.CHECK_IN)
    response = client.post(
        f"/api/v1/events/{later.slug}/check-in", json={"code": person.check_in_code}, headers=bearer(secret)
    )
    assert response.status_code == 409 and response.get_json()["message"]
    assert person.checked_in_at is None


def test_a_token_reads_the_registrations_of_its_events_with_their_answers(client, door_open_event, make_user):
    event, (amal, bernd) = door_open_event
    secret = token_for(make_user(events=[event]), TokenScope.READ_REGISTRATIONS)

    page = checked(client, f"/api/v1/events/{event.slug}/registrations", headers=bearer(secret)).get_json()
    assert page["total"] == 2 and {r["email"] for r in page["registrations"]} == {amal.email, bernd.email}
    one = checked(client, f"/api/v1/events/{event.slug}/registrations/{amal.id}", headers=bearer(secret)).get_json()
    assert one["answers"] == [{"question": "Essenswunsch", "answer": "vegan"}]
    assert client.get(f"/api/v1/events/{event.slug}/registrations/999999", headers=bearer(secret)).status_code == 404


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic abc", "Bearer cft_falsch", "Bearer " + "cft_" + "x" * 500, "bearer\x00cft_"],
)
def test_without_a_valid_token_nothing_is_read(client, door_open_event, header):
    event, _people = door_open_event
    response = client.get(
        f"/api/v1/events/{event.slug}/registrations?page=0",  # the token is checked first, before the parameters
        headers={"Authorization": header} if header else {},
    )
    assert response.status_code == 401 and response.mimetype == "application/json"
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert "@" not in response.get_data(as_text=True)


def test_public_traffic_from_the_same_address_does_not_hold_up_a_door_and_guesses_are_limited(
    app, client, door_open_event, make_user
):
    event, (amal, _bernd) = door_open_event
    secret = token_for(make_user(events=[event]), TokenScope.CHECK_IN)
    app.config["RATE_LIMITS"] = {
        "api": Limit(2, timedelta(minutes=10)),
        "api-token-refused": Limit(2, timedelta(minutes=10)),
    }
    assert [client.get("/api/v1/networks").status_code for _ in range(3)] == [200, 200, 429]
    scanned = client.post(
        f"/api/v1/events/{event.slug}/check-in", json={"code": amal.check_in_code}, headers=bearer(secret)
    )
    assert scanned.status_code == 200 and scanned.get_json()["admitted"]
    guesses = [
        client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer(f"cft_{n}")).status_code
        for n in range(3)
    ]
    assert guesses == [401, 401, 429]


def test_an_expired_or_revoked_token_gets_401_and_a_deactivated_owner_ends_it(client, door_open_event, make_user):
    event, _people = door_open_event
    organiser = make_user(events=[event])
    secret = token_for(organiser, TokenScope.READ_REGISTRATIONS)
    url = f"/api/v1/events/{event.slug}/registrations"
    assert client.get(url, headers=bearer(secret)).status_code == 200

    token = db.session.scalar(sa.select(ApiToken))
    token.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    expired = client.get(url, headers=bearer(secret))
    assert expired.status_code == 401 and "abgelaufen" in expired.get_json()["message"]

    token.expires_at = utcnow() + timedelta(days=1)
    db.session.commit()
    services.revoke(token.id, organiser.id, utcnow(), by=None)
    assert client.get(url, headers=bearer(secret)).status_code == 401

    other = token_for(organiser, TokenScope.READ_REGISTRATIONS)
    organiser.is_active = False
    db.session.commit()
    assert client.get(url, headers=bearer(other)).status_code == 401


def test_the_organiser_makes_a_token_sees_it_once_and_revokes_it_after_being_asked(client, door_open_event, make_user):
    event, _people = door_open_event
    organiser = make_user(events=[event])
    log_in(client, organiser)
    token = form_token(client, "/manage/api-tokens/")

    made = client.post(
        "/manage/api-tokens/",
        data={"csrf_token": token, "name": "CRM", "scopes": ["registrations:read"], "valid_for_days": "90"},
    )
    page = made.get_data(as_text=True)
    secret = re.search(r'<code class="secret">(cft_[\w-]+)</code>', page)[1]
    assert made.headers["Cache-Control"] == "no-store"
    key = re.search(
        r'name="submission_key"[^>]*value="(\w+)"', client.get("/manage/api-tokens/").get_data(as_text=True)
    )
    form = {"csrf_token": token, "name": "CRM", "scopes": ["registrations:read"], "valid_for_days": "90"}
    assert key and client.post("/manage/api-tokens/", data=form | {"submission_key": "k" * 32}).status_code == 200
    twice = client.post("/manage/api-tokens/", data=form | {"submission_key": "k" * 32})  # sent again (a reload)
    assert "bereits erstellt" in twice.get_data(as_text=True) and len(services.tokens_of(organiser.id)) == 2
    assert (
        client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer(secret)).headers["Cache-Control"]
        == "no-store"
    )
    stored = db.session.scalar(sa.select(ApiToken).order_by(ApiToken.id))
    assert secret not in str(vars(stored)) and stored.shown_start == secret[:8]  # only its hash is kept
    assert secret not in client.get("/manage/api-tokens/").get_data(as_text=True)  # shown once
    assert client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer(secret)).status_code == 200

    asked = client.post(f"/manage/api-tokens/{stored.id}/revoke", data={"csrf_token": token})
    assert "funktioniert sofort nicht mehr" in asked.get_data(as_text=True)  # asked first, saying what follows
    client.post(f"/manage/api-tokens/{stored.id}/revoke", data={"csrf_token": token, "confirmed": "1"})
    assert client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer(secret)).status_code == 401


def test_nobody_revokes_or_sees_another_persons_tokens(client, door_open_event, make_user):
    event, _people = door_open_event
    owner, other = make_user(events=[event]), make_user(events=[event])
    secret = token_for(owner, TokenScope.READ_REGISTRATIONS)
    stored = db.session.scalar(sa.select(ApiToken))
    log_in(client, other)
    token = form_token(client, "/manage/api-tokens/")
    assert "Scanner Foyer 7" not in client.get("/manage/api-tokens/").get_data(as_text=True)
    client.post(f"/manage/api-tokens/{stored.id}/revoke", data={"csrf_token": token, "confirmed": "1"})
    assert client.get(f"/api/v1/events/{event.slug}/registrations", headers=bearer(secret)).status_code == 200


def test_a_check_in_helper_makes_no_tokens(client, make_user):
    from conference.accounts.models import UserRole

    log_in(client, make_user(role=UserRole.CHECK_IN))
    assert client.get("/manage/api-tokens/").status_code == 403


def test_tokens_are_named_scoped_and_of_a_validity_offered(make_user):
    user = make_user()
    for name, scopes, days in (("", [TokenScope.CHECK_IN], 30), ("x", [], 30), ("x", [TokenScope.CHECK_IN], 7)):
        with pytest.raises(services.Refusal):
            services.create(user.id, name, scopes, days, utcnow(), by=None)
