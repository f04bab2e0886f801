import re

import pytest
import sqlalchemy as sa

from conference.accounts.models import EventAssignment, EventRole, User, UserRole
from conference.extensions import db
from tests.support import form_token, log_in


def test_an_organiser_logs_in_sees_their_events_and_logs_out(client, make_user, make_event):
    mine = make_event(title="Meine Tagung")
    make_event(title="Fremde Tagung")
    user = make_user(events=[mine])

    response = log_in(client, user)

    assert response.status_code == 303 and response.headers["Location"] == "/manage/"
    html = client.get("/manage/").get_data(as_text=True)
    assert "Meine Tagung" in html and "Fremde Tagung" not in html
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    assert client.get("/manage/").status_code == 302


def test_wrong_passwords_get_one_message_and_are_throttled(client, make_user):
    user = make_user()
    for _ in range(5):
        html = log_in(client, user, password="falsch").get_data(as_text=True)
        assert "E-Mail-Adresse oder Passwort ist falsch." in html
    unknown = log_in(client, User(email="niemand@example.org"), password="falsch").get_data(as_text=True)
    assert "E-Mail-Adresse oder Passwort ist falsch." in unknown  # the same answer for unknown addresses

    throttled = log_in(client, user)  # even the right password, for a while
    assert throttled.status_code == 422 and "Zu viele fehlgeschlagene Versuche" in throttled.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_a_deactivated_account_cannot_log_in(client, make_user):
    user = make_user(is_active=False)
    assert log_in(client, user).status_code == 422


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example", "////evil.example", "/\\evil.example", "/\n/evil.example"]
)
def test_after_login_only_local_pages(client, make_user, target):
    user = make_user()
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": "ein-langes-passwort",
            "next": target,
            "csrf_token": form_token(client, "/login"),
        },
    )
    assert response.headers["Location"] == "/"


def test_a_protected_page_sends_to_login_and_back(client, make_user, make_event):
    event = make_event()
    user = make_user(events=[event])
    response = client.get(f"/manage/events/{event.id}/registrations/")
    assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    login_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<p class="notice" role="status">Bitte melden Sie sich an' in login_page  # a hint, not a success
    next_url = f"/manage/events/{event.id}/registrations/"
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": "ein-langes-passwort",
            "next": next_url,
            "csrf_token": form_token(client, "/login"),
        },
    )
    assert response.headers["Location"] == next_url


def test_accounts_commands_create_and_assign(runner, make_event):
    event = make_event()
    result = runner.invoke(
        args=["accounts", "create", "--admin", "Chefin@Example.org"],
        input="ein-sicheres-passwort\nein-sicheres-passwort\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(sa.select(User).where(User.email == "chefin@example.org"))
    assert user.is_administrator and user.check_password("ein-sicheres-passwort")

    assert (
        runner.invoke(
            args=["accounts", "create", "chefin@example.org"], input="x" * 12 + "\n" + "x" * 12 + "\n"
        ).exit_code
        != 0
    )
    assert "at least 10" in runner.invoke(args=["accounts", "create", "kurz@example.org"], input="kurz\nkurz\n").output

    assert runner.invoke(args=["accounts", "assign", "chefin@example.org", event.slug, "--check-in"]).exit_code == 0
    assert db.session.scalar(sa.select(EventAssignment.role)) == EventRole.CHECK_IN


def test_a_forgotten_password_is_reset_through_a_link_that_works_once(client, make_user, mailbox):
    user = make_user(email="vergessen@example.org")
    for address in ("vergessen@example.org", "niemand@example.org"):
        html = client.post(
            "/login/forgot", data={"email": address, "csrf_token": form_token(client, "/login/forgot")}
        ).get_data(as_text=True)
        assert "Falls diese Adresse ein Konto hat" in html
    assert mailbox.to("niemand@example.org") == []
    link = re.search(r"http://localhost(/login/reset/\S+)", mailbox.to(user.email)[0].get_content()).group(1)

    short = client.post(link, data={"password": "kurz", "confirm": "kurz", "csrf_token": form_token(client, link)})
    assert short.status_code == 422 and "mindestens 10 Zeichen" in short.get_data(as_text=True)
    client.post(
        link,
        data={
            "password": "ganz-neues-passwort",
            "confirm": "ganz-neues-passwort",
            "csrf_token": form_token(client, link),
        },
    )

    assert log_in(client, user, password="ganz-neues-passwort").status_code == 303
    assert client.get(link).status_code == 404  # used up
    assert client.get("/login/reset/forged-token").status_code == 404


def test_guesses_sent_at_once_are_throttled_like_guesses_one_after_the_other(app, make_user):
    from concurrent.futures import ThreadPoolExecutor

    from conference.accounts import services

    user = make_user()

    def guess(_number) -> str:
        with app.app_context():
            try:
                services.authenticate(user.email, "falsch", "203.0.113.9")
            except services.LoginRefused as refused:
                return refused.message
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(guess, range(20)))
    assert answers.count("E-Mail-Adresse oder Passwort ist falsch.") == 5


def test_every_refusal_checks_a_password_hash_so_none_answers_faster(make_user, monkeypatch):
    from conference.accounts import services
    from conference.accounts.models import User as Account

    checked = []
    real_check = Account.check_password
    monkeypatch.setattr(
        Account, "check_password", lambda self, password: checked.append(password) or real_check(self, password)
    )
    inactive = make_user(is_active=False)
    for email in (inactive.email, "niemand@example.org"):
        with pytest.raises(services.LoginRefused):
            services.authenticate(email, "ein-langes-passwort", "198.51.100.7")
    assert checked == ["ein-langes-passwort"] * 2  # the hash is what takes the time (tens of milliseconds)


def test_a_forgotten_password_request_does_the_same_work_for_known_and_unknown_addresses(client, make_user, mailbox):
    from conference.tasks.models import Task

    user = make_user()
    url = "/login/forgot"
    for address in (user.email, "niemand@example.org"):
        client.post(url, data={"csrf_token": form_token(client, url), "email": address})
    assert (
        db.session.scalar(sa.select(sa.func.count()).select_from(Task).where(Task.name == "accounts.reset_link")) == 2
    )
    assert [message["To"] for message in mailbox.messages] == [user.email]


def copy_of_cookie(client, app):
    """A second browser holding a copy of the first one's session cookie (as a thief would)."""
    thief = app.test_client()
    cookie = client.get_cookie("session")
    thief.set_cookie("session", cookie.value)
    return thief


def test_a_copied_session_cookie_dies_at_log_out(app, client, make_user):
    log_in(client, make_user())
    thief = copy_of_cookie(client, app)
    assert thief.get("/manage/").status_code == 200
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    assert thief.get("/manage/").status_code == 302


def test_a_new_password_or_a_deactivation_ends_every_session(app, client, make_user):
    from conference.accounts import services

    user = make_user()
    log_in(client, user)
    services.set_password(db.session.get(User, user.id), "ein-neues-langes-passwort")
    assert client.get("/manage/").status_code == 302
    log_in(client, user, password="ein-neues-langes-passwort")
    admin = make_user(role=UserRole.ADMINISTRATOR)
    other = app.test_client()
    log_in(other, admin)
    url = f"/manage/accounts/{user.id}"
    other.post(
        url, data={"csrf_token": form_token(other, url), "name": user.name, "role": "organiser"}
    )  # is_active unticked
    assert client.get("/manage/").status_code == 302


def test_a_session_left_alone_right_after_log_in_ends_too(app, client, make_user, monkeypatch):
    import time

    log_in(client, make_user())
    later = time.time() + app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    monkeypatch.setattr(time, "time", lambda: later)
    assert client.get("/manage/").status_code == 302


def test_a_session_left_alone_ends(app, client, make_user, monkeypatch):
    import time

    log_in(client, make_user())
    assert client.get("/manage/").status_code == 200
    later = time.time() + app.config["SESSION_IDLE_MINUTES"] * 60 + 5
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get("/manage/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
