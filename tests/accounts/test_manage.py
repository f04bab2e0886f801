import re

import sqlalchemy as sa

from conference.accounts.models import EventAssignment, User, UserRole
from conference.extensions import db
from tests.support import form_token, log_in


def test_an_administrator_invites_an_organiser_who_chooses_a_password_and_sees_the_assigned_event(
    client, make_user, make_event, mailbox
):
    event = make_event(title="Fachtagung Rostock")
    log_in(client, make_user(role=UserRole.ADMINISTRATOR))
    url = "/manage/accounts/new"
    client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "email": "Neu@Example.org",
            "name": "Neue Kollegin",
            "role": "organiser",
            "is_active": "y",
        },
    )
    user = db.session.scalar(sa.select(User).where(User.email == "neu@example.org"))
    edit = f"/manage/accounts/{user.id}"
    token = form_token(client, edit)
    client.post(
        f"{edit}/assignments",
        data={
            "assign-csrf_token": token,
            "csrf_token": token,
            "assign-event_id": str(event.id),
            "assign-role": "organiser",
        },
    )
    assert db.session.scalar(sa.select(EventAssignment.event_id).where(EventAssignment.user_id == user.id)) == event.id

    [welcome] = mailbox.to("neu@example.org")
    assert welcome["Subject"] == "Ihr Veranstalterkonto"
    link = re.search(r"http://localhost(/login/reset/\S+)", welcome.get_content()).group(1)
    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    client.post(
        link,
        data={
            "password": "mein-eigenes-passwort",
            "confirm": "mein-eigenes-passwort",
            "csrf_token": form_token(client, link),
        },
    )
    log_in(client, user, password="mein-eigenes-passwort")
    assert "Fachtagung Rostock" in client.get("/manage/").get_data(as_text=True)


def test_organisers_cannot_manage_accounts_and_administrators_cannot_lock_themselves_out(client, make_user):
    organiser = make_user()
    log_in(client, organiser)
    assert client.get("/manage/accounts/").status_code == 403

    client.post("/logout", data={"csrf_token": form_token(client, "/manage/")})
    admin = make_user(role=UserRole.ADMINISTRATOR)
    log_in(client, admin)
    url = f"/manage/accounts/{admin.id}"
    response = client.post(
        url, data={"csrf_token": form_token(client, url), "name": admin.name, "role": "organiser", "is_active": "y"}
    )
    assert response.status_code == 422 and "nicht selbst die Administratorrechte nehmen" in response.get_data(
        as_text=True
    )
    assert db.session.get(User, admin.id).is_administrator
