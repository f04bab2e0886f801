import sqlalchemy as sa

from conference.accounts.models import User
from conference.agenda.models import AgendaItem, AgendaItemKind
from conference.database import utcnow
from conference.events.models import Event, EventPartner, PartnerRole, RegistrationState
from conference.extensions import db
from conference.organisations.models import Organisation


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_demo_data_loads_the_schwerin_conference_and_is_idempotent(runner):
    first = runner.invoke(args=["demo-data"])
    counts = {model: count(model) for model in (Event, Organisation, AgendaItem, EventPartner, User)}
    second = runner.invoke(args=["demo-data"])

    assert first.exit_code == 0 and second.exit_code == 0
    assert "4 event(s) created" in first.output and "0 event(s) created" in second.output
    assert {model: count(model) for model in counts} == counts
    assert "Demo organiser login: orga@example.org / password: " in second.output

    schwerin = db.session.scalar(sa.select(Event).where(Event.slug == "anerkennung-durch-anerkennung-2011"))
    assert schwerin.title == "Fachtagung: Anerkennung durch Anerkennung"
    assert schwerin.programme_name == "Perspektive Berufsabschluss"
    assert {p.organisation.short_name for p in schwerin.partners if p.role == PartnerRole.NETWORK_PROJECT} == {"amoN", "moNa", "ProNaQ", "anna"}
    assert {p.organisation.parent.name for p in schwerin.partners if p.role == PartnerRole.NETWORK_PROJECT} == {
        "Schweriner Ausbildungszentrum e.V.", "AFZ Rostock", "AUZ Schwaan", "BiG – Bildungszentrum Greifswald"}
    assert "MOZAIK gGmbH" in {p.organisation.name for p in schwerin.partners if p.role == PartnerRole.PROFESSIONAL_SUPPORT}
    assert any(item.kind == AgendaItemKind.GOOD_PRACTICE for item in schwerin.agenda_items)


def test_demo_has_an_upcoming_event_with_open_registration_and_parallel_forums(runner):
    runner.invoke(args=["demo-data"])
    now = utcnow()
    open_events = [e for e in db.session.scalars(sa.select(Event)) if e.registration_state(now) == RegistrationState.OPEN]
    assert open_events, "the demo must show a registration call to action"
    forums = [item for item in open_events[0].agenda_items if item.kind == AgendaItemKind.FORUM]
    assert len({item.starts_at for item in forums}) == 1 and len(forums) >= 2
    assert all(item.capacity for item in forums)
    assert any(question.required for question in open_events[0].questions)


def test_demo_organiser_password_is_stored_hashed(runner):
    runner.invoke(args=["demo-data"])
    user = db.session.scalar(sa.select(User))
    assert "Anerkennung-2011" not in user.password_hash
    assert user.check_password("Anerkennung-2011") and not user.check_password("wrong")


def test_if_empty_leaves_a_database_with_events_alone(runner, make_event):
    make_event()
    result = runner.invoke(args=["demo-data", "--if-empty"])
    assert "nothing loaded" in result.output
    assert count(Event) == 1
