import sqlalchemy as sa

from conference.accounts.models import EventAssignment, EventRole
from conference.database import utcnow
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration
from tests.conftest import applicant, form_token, log_in


def test_the_door_admits_confirmed_people_once_and_says_why_it_refuses(make_event):
    event = make_event(capacity=1)
    seated = services.register(event.id, applicant(), utcnow()).registration
    waiting = services.register(event.id, applicant(), utcnow()).registration

    first = services.check_in(event.id, " " + seated.check_in_code.lower()[:5] + " " + seated.check_in_code.lower()[5:], utcnow())
    assert first.admitted and first.registration.id == seated.id and first.registration.checked_in_at is not None
    again = services.check_in(event.id, seated.check_in_code, utcnow())
    assert not again.admitted and "Bereits eingecheckt" in again.message
    assert not services.check_in(event.id, waiting.check_in_code, utcnow()).admitted
    assert "Unbekannter Code" in services.check_in(event.id, "NOPE", utcnow()).message
    other = make_event()
    assert services.check_in(other.id, seated.check_in_code, utcnow()).registration is None  # codes are per event
    assert services.attendance(event.id) == {"confirmed": 1, "checked_in": 1, "waiting": 1}


def test_a_check_in_helper_uses_the_door_page_but_sees_no_registration_list(client, make_event, make_user):
    event = make_event()
    person = services.register(event.id, applicant(first_name="Amina", last_name="Said"), utcnow()).registration
    helper = make_user()
    db.session.add(EventAssignment(user=helper, event=event, role=EventRole.CHECK_IN))
    db.session.commit()
    log_in(client, helper)
    door = f"/manage/events/{event.id}/check-in/"

    assert client.get(f"/manage/events/{event.id}/registrations/").status_code == 403
    found = client.get(door + "?q=said").get_data(as_text=True)
    assert "Amina Said" in found

    html = client.post(door, data={"code": person.check_in_code, "csrf_token": form_token(client, door)}).get_data(as_text=True)
    assert "Eingecheckt: willkommen!" in html and "Amina Said" in html
    assert "Eingecheckt: <strong>1</strong>" in html
    assert db.session.scalar(sa.select(Registration.checked_in_at).where(Registration.id == person.id)) is not None
