"""Two-factor log-in: set up by scanning the page's QR code, then a code after the password; recovery codes."""

import html
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pyotp
import sqlalchemy as sa

from conference.accounts import two_factor
from conference.accounts.models import User, UserRole
from conference.extensions import db
from tests.support import form_token, log_in
from tests.support.reading import codes_in_image_uri

SETUP = "/manage/accounts/me/two-factor"


def set_up(client, user) -> tuple[pyotp.TOTP, list[str]]:
    """Log in, scan the page's QR code as a phone would, confirm with the app's code; returns the app and the recovery
    codes."""
    log_in(client, user)
    page = client.get(SETUP).get_data(as_text=True)
    [scanned] = codes_in_image_uri(html.unescape(re.search(r'<img class="qr-code" src="([^"]+)"', page).group(1)))
    assert scanned.standard_qr and scanned.text.startswith("otpauth://totp/Tagungen:")
    app = pyotp.parse_uri(scanned.text)
    done = client.post(SETUP, data={"csrf_token": form_token(client, SETUP), "code": app.now()}).get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done)
    assert len(codes) == 10
    return app, codes


def next_code(authenticator: pyotp.TOTP) -> str:
    """The code of the next time step (accepted: clocks drift); the current one was taken to set it up."""
    return authenticator.at(time.time() + 30)


def password_step(client, user):
    return client.post(
        "/login",
        data={"email": user.email, "password": "ein-langes-passwort", "csrf_token": form_token(client, "/login")},
    )


def code_step(client, code: str):
    return client.post("/login/code", data={"code": code, "csrf_token": form_token(client, "/login/code")})


def test_after_setting_it_up_the_password_alone_opens_nothing(app, client, make_user):
    user = make_user()
    authenticator, _codes = set_up(client, user)
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})

    assert password_step(client, user).headers["Location"] == "/login/code"
    assert client.get("/manage/").status_code == 302  # not logged in yet
    wrong = code_step(client, "000000" if authenticator.now() != "000000" else "111111")
    assert wrong.status_code == 422 and "Dieser Code stimmt nicht" in wrong.get_data(as_text=True)
    assert code_step(client, next_code(authenticator)).status_code == 303
    assert client.get("/manage/").status_code == 200
    stored = db.session.get(User, user.id)
    assert authenticator.secret not in stored.totp_secret  # kept encrypted


def test_a_code_works_once_also_when_sent_twice_at_once(app, make_user):
    user = make_user()
    sealed = two_factor.new_secret()
    secret = two_factor.unseal(sealed)
    two_factor.enable(user, sealed, pyotp.TOTP(secret).now())
    later = next_code(pyotp.TOTP(secret))

    def attempt(_number) -> bool:
        with app.app_context():
            try:
                return two_factor.verify(user.id, later)
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=6) as pool:
        assert list(pool.map(attempt, range(6))).count(True) == 1


def test_the_secret_waiting_for_its_first_code_cannot_be_read_from_the_cookie(client, make_user):
    log_in(client, make_user())
    page = client.get(SETUP).get_data(as_text=True)
    shown = re.search(r'<code class="code">([A-Z2-7]+)</code>', page).group(1)
    with client.session_transaction() as session:
        assert shown not in str(dict(session))


def test_codes_that_worked_do_not_count_against_the_owner(client, make_user):
    user = make_user()
    _authenticator, codes = set_up(client, user)
    for code in codes[:6]:  # more log-ins than the five wrong guesses allowed
        client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
        password_step(client, user)
        assert code_step(client, code).status_code == 303


def test_a_recovery_code_logs_in_once(client, make_user):
    user = make_user()
    _authenticator, codes = set_up(client, user)
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    password_step(client, user)
    assert code_step(client, codes[0].upper()).status_code == 303
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    password_step(client, user)
    assert code_step(client, codes[0]).status_code == 422
    assert len(db.session.get(User, user.id).recovery_codes) == 9


def test_guessing_codes_is_throttled(client, make_user):
    user = make_user()
    authenticator, _codes = set_up(client, user)
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    password_step(client, user)
    for _ in range(5):
        code_step(client, "123456" if authenticator.now() != "123456" else "654321")
    refused = code_step(client, next_code(authenticator))
    assert "Zu viele fehlgeschlagene Versuche" in refused.get_data(as_text=True)
    assert client.get("/manage/").status_code == 302


def test_an_administrator_requires_it_and_resets_it_for_a_lost_phone(app, client, make_user):
    user = make_user()
    admin = make_user(role=UserRole.ADMINISTRATOR)
    other = app.test_client()
    log_in(other, admin)
    url = f"/manage/accounts/{user.id}"
    other.post(
        url,
        data={
            "csrf_token": form_token(other, url),
            "name": user.name,
            "role": "organiser",
            "is_active": "y",
            "two_factor_required": "y",
        },
    )

    log_in(client, user)
    response = client.get("/manage/")
    assert response.status_code == 302 and response.headers["Location"] == SETUP  # nothing else until it is set up
    set_up(client, user)
    assert client.get("/manage/").status_code == 200

    question = other.post(f"/manage/accounts/{user.id}/two-factor/reset", data={"csrf_token": form_token(other, url)})
    assert "Zwei-Faktor-Anmeldung von" in question.get_data(as_text=True)  # asked first, nothing switched off
    assert db.session.get(User, user.id).totp_secret is not None
    other.post(
        f"/manage/accounts/{user.id}/two-factor/reset", data={"csrf_token": form_token(other, url), "confirmed": "1"}
    )
    stored = db.session.get(User, user.id)
    assert stored.totp_secret is None and stored.recovery_codes == []
    assert client.get("/manage/").status_code == 302  # the reset ended the account's sessions
    assert db.session.scalar(sa.select(User.two_factor_required).where(User.id == user.id))
