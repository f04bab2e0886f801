"""Guessing locks the log-in for a while, but never the owner out: a mailed link lets them past the lock."""

import re

from conference.accounts import two_factor
from conference.accounts.models import User
from conference.extensions import db
from tests.support import form_token, log_in


def unlock_link(mailbox, user) -> str:
    [mail] = [mail for mail in mailbox.to(user.email) if "trotz der Sperre" in mail["Subject"]]
    return re.search(r"http://localhost(/login/unlock/\S+)", mail.get_content()).group(1)


def ask_for_the_link(client, page: str) -> None:
    """The locked page offers the link; the form posts the typed address, and the answer gives nothing away."""
    assert "Ist es Ihr Konto?" in page
    form = re.search(r'<form method="post" action="/login/unlock">.*?</form>', page, re.S).group(0)
    hidden = dict(re.findall(r'<input type="hidden" name="(email|step)" value="([^"]*)"', form))
    sent = client.post("/login/unlock", data={"csrf_token": form_token(client, "/login")} | hidden)
    assert "Wenn zu dieser Adresse ein Konto besteht" in sent.get_data(as_text=True)


def test_thirty_guesses_lock_the_log_in_but_a_mailed_link_lets_the_owner_in(app, client, make_user, mailbox):
    owner = make_user()
    attacker = app.test_client()
    for _ in range(30):
        log_in(attacker, owner, password="geraten")
    locked = log_in(client, owner)
    assert locked.status_code == 422 and "Zu viele fehlgeschlagene Versuche" in locked.get_data(as_text=True)

    ask_for_the_link(client, locked.get_data(as_text=True))
    assert "anderen Konto" not in client.post(
        "/login/unlock", data={"csrf_token": form_token(client, "/login"), "email": "niemand@example.org"}
    ).get_data(as_text=True)
    link = unlock_link(mailbox, owner)
    page = client.get(link)  # a program checking links in mails may open it first: opening changes nothing
    assert page.status_code == 200 and db.session.get(User, owner.id).unlock_nonce is not None
    assert client.post(link, data={"csrf_token": form_token(client, link)}).status_code == 303

    assert log_in(client, owner, password="falsch").status_code == 422  # the password is still needed
    assert log_in(client, owner).status_code == 303 and client.get("/manage/").status_code == 200
    assert log_in(attacker, owner).status_code == 422  # everyone else stays locked out, the right password or not
    assert client.get(link).status_code == 404  # the link worked once


def test_the_link_also_lets_the_owner_past_a_locked_code_step(app, client, make_user, mailbox):
    owner = make_user()
    secret = two_factor.new_secret()
    owner.totp_secret = secret
    db.session.commit()
    attacker = app.test_client()  # knows the password, not the phone
    log_in(attacker, owner)
    for _ in range(6):
        locked = attacker.post(
            "/login/code", data={"csrf_token": form_token(attacker, "/login/code"), "code": "000000"}
        )
    assert "Zu viele fehlgeschlagene Versuche" in locked.get_data(as_text=True)

    log_in(client, owner)
    refused = client.post(
        "/login/code", data={"csrf_token": form_token(client, "/login/code"), "code": current_code(owner)}
    )
    assert refused.status_code == 422 and "Ist es Ihr Konto?" in refused.get_data(as_text=True)
    assert "Ändern Sie danach sofort Ihr Passwort" in refused.get_data(as_text=True)  # it is known to someone
    ask_for_the_link(client, refused.get_data(as_text=True))
    [mail] = [mail for mail in mailbox.to(owner.email) if "trotz der Sperre" in mail["Subject"]]
    assert "ändern Sie sofort Ihr Passwort" in mail.get_content() and "längeres Passwort" not in mail.get_content()
    link = unlock_link(mailbox, owner)
    client.post(link, data={"csrf_token": form_token(client, link)})
    log_in(client, owner)
    done = client.post(
        "/login/code", data={"csrf_token": form_token(client, "/login/code"), "code": current_code(owner)}
    )
    assert done.status_code == 303 and client.get("/manage/").status_code == 200


def current_code(user) -> str:
    import pyotp

    return pyotp.TOTP(two_factor.unseal(db.session.get(User, user.id).totp_secret)).now()
