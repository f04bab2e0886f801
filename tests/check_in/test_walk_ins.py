"""Someone without a registration at the door: registered, let in at once, and given a badge on the spot."""

import io
import re

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from conference.accounts.models import EventAssignment, EventRole
from conference.audit.models import AuditEntry
from conference.check_in import services as door
from conference.check_in.services import DoorClosed, Scan
from conference.database import utcnow
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration
from conference.registration.models import RegistrationStatus as S
from tests.support import applicant, form_as_sent, form_token, log_in
from tests.support.reading import codes_in_pdf
from tests.support.registration import register


@pytest.fixture
def today(today):
    """The event under way with one seat."""
    today.capacity = 1
    db.session.commit()
    return today


def walk_in_form(html: str) -> dict[str, str]:
    """The walk-in form on the door page, as a browser sends it untouched."""
    form = re.search(r'<form class="form" method="post" action="[^"]*/walk-in".*?</form>', html, re.S)
    return form_as_sent(form.group(0))


def test_a_walk_in_is_confirmed_beyond_the_capacity_checked_in_logged_and_mailed_their_link(
    today, make_forums, make_question, mailbox
):
    door.check_in(today, Scan(register(today).check_in_code), utcnow(), by=None)
    make_forums(today, 5, 5)
    make_question(today, label="Essenswunsch", required=True)  # not asked at the door
    mailbox.messages.clear()

    outcome = door.walk_in(
        today,
        applicant(first_name="Kwame", last_name="Mensah", email="K.Mensah@example.org", submission_key="eins"),
        utcnow(),
        by=None,
    )

    assert outcome.admitted and outcome.message == "Angemeldet und eingecheckt: willkommen!"
    walked_in = db.session.get(Registration, outcome.registration.id)
    assert (walked_in.status, walked_in.email) == (S.CONFIRMED, "k.mensah@example.org")
    assert walked_in.full_name == "Kwame Mensah"
    assert walked_in.checked_in_at is not None and walked_in.forum_choices == [] and walked_in.answers == []
    assert db.session.execute(
        sa.select(AuditEntry.action, AuditEntry.registration_id).where(AuditEntry.action == "registration.walk_in")
    ).all() == [("registration.walk_in", walked_in.id)]
    [mail] = mailbox.to("k.mensah@example.org")
    text = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == f"Anmeldung bestätigt: {today.title}"
    assert f"Check-in-Code: {walked_in.check_in_code}" in text and services.link_token(walked_in) in text

    again = door.walk_in(
        today,
        applicant(first_name="Kwame", last_name="Mensah", email="k.mensah@example.org", submission_key="eins"),
        utcnow(),
        by=None,
    )  # the button pressed twice
    assert again.admitted and again.registration.id == walked_in.id
    assert services.seats_taken(today.id) == 2


def test_without_an_address_a_walk_in_gets_no_mail_and_two_presses_make_one_registration(today, mailbox):
    mailbox.messages.clear()
    first = door.walk_in(today, applicant(email="", submission_key="zwei"), utcnow(), by=None)
    second = door.walk_in(today, applicant(email="", submission_key="zwei"), utcnow(), by=None)
    assert first.registration.id == second.registration.id and first.registration.email is None
    assert mailbox.messages == [] and services.seats_taken(today.id) == 1


def test_an_address_registered_already_makes_no_second_registration(today):
    register(today)  # the one seat
    waiting = register(today, email="vogt@example.org")
    outcome = door.walk_in(today, applicant(email="Vogt@example.org"), utcnow(), by=None)
    assert not outcome.admitted and outcome.registration.id == waiting.id
    assert outcome.message == "Mit dieser Adresse besteht schon eine Anmeldung: Auf der Warteliste."
    door.admit(today, waiting.id, utcnow(), by=None)
    known = door.walk_in(today, applicant(email="vogt@example.org"), utcnow(), by=None)
    assert not known.admitted and "besteht schon eine Anmeldung; sie wurde um" in known.message
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 2


def test_walk_ins_only_while_the_door_is_open(make_event):
    ahead = make_event()
    with pytest.raises(DoorClosed, match="öffnet am"):
        door.walk_in(ahead, applicant(), utcnow(), by=None)
    with pytest.raises(services.RegistrationError, match="erst am Tag"):
        services.walk_in(ahead.id, applicant(), utcnow(), by=None)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0


def test_an_organiser_registers_a_walk_in_at_the_door_and_prints_their_badge(client, today, make_user):
    log_in(client, make_user(events=[today]))
    page = f"/manage/events/{today.id}/check-in/"
    html = client.get(page).get_data(as_text=True)
    assert "Person ohne Anmeldung aufnehmen" in html
    sent = walk_in_form(html) | {
        "walk_in_first_name": "Ngọc",
        "walk_in_last_name": "Nguyễn",
        "walk_in_organisation": "Migrantenrat Rostock",
    }

    refused = client.post(page + "walk-in", data=sent)  # the consent was not ticked
    assert refused.status_code == 422
    assert "Bitte fragen Sie die Person nach ihrer Zustimmung" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0

    answer = client.post(page + "walk-in", data=sent | {"walk_in_privacy": "y"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200 and "Angemeldet und eingecheckt: willkommen!" in html and "Ngọc Nguyễn" in html
    walked_in = db.session.scalar(sa.select(Registration))
    badge = re.search(r'<a class="button" id="badge-link" href="([^"]+)">Namensschild drucken</a>', html).group(1)
    assert badge == f"/manage/events/{today.id}/documents/badges/{walked_in.id}.pdf"
    assert 'value="Ngọc"' not in html  # the form is empty for the next one

    pdf = client.get(badge)
    assert pdf.mimetype == "application/pdf" and "namensschild-nguyen-ngoc.pdf" in pdf.headers["Content-Disposition"]
    [[code]] = codes_in_pdf(pdf.data)
    assert (code.text, code.standard_qr) == (walked_in.check_in_code, True)
    [text] = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages]
    assert "Ngọc Nguyễn" in text and "Migrantenrat Rostock" in text


def test_an_address_registered_already_is_offered_at_the_door_instead(client, today, make_user):
    register(today)
    waiting = register(today, first_name="Johanna", last_name="Vogt", email="vogt@example.org")
    log_in(client, make_user(events=[today]))
    page = f"/manage/events/{today.id}/check-in/"
    sent = walk_in_form(client.get(page).get_data(as_text=True)) | {
        "walk_in_first_name": "Johanna",
        "walk_in_last_name": "Vogt",
        "walk_in_email": "vogt@example.org",
        "walk_in_privacy": "y",
    }
    html = client.post(page + "walk-in", data=sent).get_data(as_text=True)
    assert "Mit dieser Adresse besteht schon eine Anmeldung: Auf der Warteliste." in html
    assert f'action="{page}{waiting.id}/admit"' in html and "Trotzdem einlassen" in html
    assert "<details class=\"door__walk-in\" open>" in html and 'value="vogt@example.org"' in html  # kept to correct


def test_helpers_register_walk_ins_only_where_allowed_but_print_badges_of_their_event(client, today, make_user):
    person = register(today)
    helper = make_user()
    db.session.add(EventAssignment(user=helper, event=today, role=EventRole.CHECK_IN))
    db.session.commit()
    log_in(client, helper)
    page = f"/manage/events/{today.id}/check-in/"
    html = client.get(page).get_data(as_text=True)
    assert "Person ohne Anmeldung aufnehmen" not in html
    sent = {
        "csrf_token": form_token(client, page),
        "walk_in_first_name": "Ana",
        "walk_in_last_name": "Lopes",
        "walk_in_privacy": "y",
    }
    assert client.post(page + "walk-in", data=sent).status_code == 403
    assert client.get(f"/manage/events/{today.id}/documents/badges/{person.id}.pdf").status_code == 200
    assert client.get(f"/manage/events/{today.id}/documents/badges.pdf").status_code == 403  # the whole set: no
    waiting = register(today)
    assert client.get(f"/manage/events/{today.id}/documents/badges/{waiting.id}.pdf").status_code == 404
