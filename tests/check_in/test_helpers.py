"""Organisers give the check-in of their event to helpers from its check-in page, and take it away again."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.accounts.models import EventAssignment, EventRole, User, UserRole
from conference.audit.models import AuditEntry
from conference.database import utcnow
from conference.extensions import db
from tests.support import form_as_sent, form_token, log_in


@pytest.fixture
def today(make_event):
    now = utcnow()
    return make_event(title="Fachtag Rostock", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5))


def door(event) -> str:
    return f"/manage/events/{event.id}/check-in/"


def invite(client, event, name: str, email: str):
    """The organiser fills in "Invite a helper" on the check-in page and sends it."""
    html = client.get(door(event)).get_data(as_text=True)
    form = re.search(r'<form class="form" method="post" action="[^"]*/helpers".*?</form>', html, re.S).group(0)
    return client.post(door(event) + "helpers", data=form_as_sent(form) | {"helper_name": name, "helper_email": email})


def log_out(client) -> None:
    client.post("/logout", data={"csrf_token": form_token(client, "/")})


def test_an_invited_helper_chooses_a_password_and_opens_the_door_of_that_event_only(
    client, today, make_event, make_user, mailbox
):
    other = make_event()
    log_in(client, make_user(events=[today, other]))
    mailbox.messages.clear()

    response = invite(client, today, "Lena Brandt", "Lena.Brandt@example.org")
    assert response.status_code == 303 and response.location.endswith(f"{door(today)}#helpers")
    html = client.get(response.location).get_data(as_text=True)
    assert (
        "lena.brandt@example.org hat einen Link erhalten, um ein Passwort zu wählen; das Konto kann nur bei "
        "dieser Veranstaltung einchecken."
    ) in html
    assert "Lena Brandt<span class=\"door-list__detail\">lena.brandt@example.org</span>" in html
    helper = db.session.scalar(sa.select(User).where(User.email == "lena.brandt@example.org"))
    assert (helper.role, helper.name, helper.two_factor_required) == (UserRole.CHECK_IN, "Lena Brandt", False)
    assert [(a.event_id, a.role) for a in helper.assignments] == [(today.id, EventRole.CHECK_IN)]
    assert db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.event_id == today.id).order_by(AuditEntry.id)
    ).all() == ["account.invited", "account.assigned"]

    [welcome] = mailbox.to("lena.brandt@example.org")
    text = welcome.get_content()
    assert welcome["Subject"] == "Ihr Konto für den Check-in"
    organiser_name = db.session.scalar(sa.select(User.name).where(User.role == UserRole.ORGANISER))
    assert f"{organiser_name} hat Sie eingeladen, bei „Fachtag Rostock“ am" in text  # who invites, for what
    assert f"http://localhost{door(today)}" in text and "Zwei-Faktor" not in text
    assert welcome["From"].startswith("Fachtag Rostock <")  # in the event's name
    link = re.search(r"http://localhost(/login/reset/\S+)", text).group(1)
    log_out(client)
    chosen = client.post(
        link,
        data={
            "password": "mein-eigenes-passwort",
            "confirm": "mein-eigenes-passwort",
            "csrf_token": form_token(client, link),
        },
        follow_redirects=True,
    )
    assert "Ihr Passwort ist gesetzt" in chosen.get_data(as_text=True)  # a first password is no change
    log_in(client, helper, password="mein-eigenes-passwort")
    page = client.get(door(today))
    assert page.status_code == 200 and "Check-in-Hilfe einladen" not in page.get_data(as_text=True)
    assert client.get(door(other)).status_code == 403
    assert client.get(f"/manage/events/{today.id}/registrations/").status_code == 403
    sent = {"csrf_token": form_token(client, door(today)), "helper_name": "Jemand", "helper_email": "j@example.org"}
    assert client.post(door(today) + "helpers", data=sent).status_code == 403  # helpers invite nobody


def test_where_the_administrators_require_it_a_new_helper_sets_up_two_factor_log_in(
    app, client, today, make_user, mailbox
):
    app.config["HELPERS_NEED_TWO_FACTOR"] = True
    log_in(client, make_user(events=[today]))
    invite(client, today, "Paul Wendt", "wendt@example.org")
    helper = db.session.scalar(sa.select(User).where(User.email == "wendt@example.org"))
    assert helper.two_factor_required
    text = mailbox.to("wendt@example.org")[0].get_content()
    assert "Bei der ersten Anmeldung richten Sie die Zwei-Faktor-Anmeldung mit einer Authenticator-App" in text
    link = re.search(r"http://localhost(/login/reset/\S+)", text).group(1)
    log_out(client)
    client.post(
        link,
        data={
            "password": "mein-eigenes-passwort",
            "confirm": "mein-eigenes-passwort",
            "csrf_token": form_token(client, link),
        },
    )
    log_in(client, helper, password="mein-eigenes-passwort")
    assert client.get(door(today)).location == "/manage/accounts/me/two-factor"


def test_a_helper_of_other_events_is_given_this_one_and_told_by_mail(client, today, make_event, make_user, mailbox):
    helper = make_user(role=UserRole.CHECK_IN, email="einlass@example.org")
    db.session.add(EventAssignment(user=helper, event=make_event(), role=EventRole.CHECK_IN))
    db.session.commit()
    log_in(client, make_user(events=[today]))
    mailbox.messages.clear()

    html = client.get(invite(client, today, "Wird ignoriert", "einlass@example.org").location).get_data(as_text=True)
    assert "einlass@example.org kann nun auch bei dieser Veranstaltung einchecken" in html
    assert {a.event_id for a in db.session.get(User, helper.id).assignments} >= {today.id}
    [told] = mailbox.to("einlass@example.org")
    assert told["Subject"] == "Check-in: Fachtag Rostock" and f"http://localhost{door(today)}" in told.get_content()
    assert "/login/reset/" not in told.get_content()  # the password stays theirs

    again = invite(client, today, "Noch einmal", "einlass@example.org")
    assert again.status_code == 422
    assert "kann bei dieser Veranstaltung bereits einchecken" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    "role, refusal",
    [
        (UserRole.ORGANISER, "gehört zu einem Veranstalter-Konto"),
        (UserRole.ADMINISTRATOR, "gehört einer Administratorin"),
    ],
)
def test_organisers_and_administrators_are_not_invited_as_helpers(client, today, make_user, mailbox, role, refusal):
    existing = make_user(role=role, email="kollegin@example.org")
    log_in(client, make_user(events=[today]))
    mailbox.messages.clear()
    response = invite(client, today, "Kollegin", "kollegin@example.org")
    assert response.status_code == 422 and refusal in response.get_data(as_text=True)
    assert db.session.get(User, existing.id).assignments == [] and mailbox.messages == []


def test_taking_the_door_away_asks_first_and_deactivates_an_account_left_with_no_event(
    app, client, today, make_event, make_user
):
    last = make_user(role=UserRole.CHECK_IN, email="letzte@example.org")
    keeps = make_user(role=UserRole.CHECK_IN, email="behaelt@example.org")
    other = make_event()
    db.session.add_all(
        [
            EventAssignment(user=last, event=today, role=EventRole.CHECK_IN),
            EventAssignment(user=keeps, event=today, role=EventRole.CHECK_IN),
            EventAssignment(user=keeps, event=other, role=EventRole.CHECK_IN),
        ]
    )
    db.session.commit()
    helper_client = app.test_client()
    log_in(helper_client, last)
    assert helper_client.get(door(today)).status_code == 200
    log_in(client, make_user(events=[today]))
    html = client.get(door(today)).get_data(as_text=True)
    remove = re.search(
        rf'<form class="door-list__action js-confirm" method="post" '
        rf'action="([^"]*/helpers/{last.id}/remove)"\s+data-confirm="([^"]+)">(.*?)</form>',
        html,
        re.S,
    )
    assert remove.group(2) == (
        f"{last.name} den Check-in entziehen? Die Person kann bei dieser Veranstaltung nicht mehr einchecken. Ihr "
        "Konto hat keine andere Veranstaltung und wird deshalb deaktiviert; eine neue Einladung als Check-in-Hilfe "
        "aktiviert es wieder."
    )

    question = client.post(remove.group(1), data=form_as_sent(remove.group(3))).get_data(as_text=True)  # no script
    assert f"<h1>{last.name} den Check-in entziehen?</h1>" in question and "Ja, entziehen" in question
    assert db.session.get(User, last.id).assignments != []  # asking changed nothing
    done = client.post(remove.group(1), data=form_as_sent(question.split("<main", 1)[1]))
    assert f"{last.name} kann hier nicht mehr einchecken; das Konto ist deaktiviert." in client.get(
        done.location
    ).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, last.id).assignments == [] and not db.session.get(User, last.id).is_active
    assert helper_client.get(door(today)).location.startswith("/login")  # its session has ended

    token = form_token(client, door(today))
    client.post(f"{door(today)}helpers/{keeps.id}/remove", data={"csrf_token": token, "confirmed": "1"})
    db.session.expire_all()
    assert db.session.get(User, keeps.id).is_active and len(db.session.get(User, keeps.id).assignments) == 1
    assert (
        client.post(f"{door(today)}helpers/{keeps.id}/remove", data={"csrf_token": token, "confirmed": "1"}).status_code
        == 404
    )


def test_inviting_a_deactivated_helper_again_activates_the_account_with_a_new_password(
    client, today, make_user, mailbox
):
    former = make_user(role=UserRole.CHECK_IN, email="frueher@example.org", is_active=False)
    log_in(client, make_user(events=[today]))
    mailbox.messages.clear()
    invite(client, today, "Früher", "frueher@example.org")
    db.session.expire_all()
    assert db.session.get(User, former.id).is_active
    assert not db.session.get(User, former.id).check_password("ein-langes-passwort")
    [welcome] = mailbox.to("frueher@example.org")
    assert "/login/reset/" in welcome.get_content()


def test_the_same_address_invited_twice_at_the_same_moment_makes_one_account_and_no_error(app, today):
    """Two clicks, or two organisers at once: PostgreSQL let both look for the address before either wrote it."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from conference.accounts import services

    both_there = threading.Barrier(2)

    def invite_once(_number) -> str:
        with app.app_context():
            both_there.wait()
            try:
                services.give_the_door(today.id, "jana.einlass@example.org", "Jana Einlass", by=None)
                return "invited"
            except services.AccountError as refused:
                return refused.message
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(invite_once, range(2)))
    [refusal] = [answer for answer in answers if answer != "invited"]  # the other one is refused with a message
    assert refusal in (
        "jana.einlass@example.org kann bei dieser Veranstaltung bereits einchecken.",
        "Für diese Adresse gibt es schon ein Konto.",
    )  # whichever looked last (SQLite: one at a time)
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "jana.einlass@example.org"))
        == 1
    )
