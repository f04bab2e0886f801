from datetime import datetime

import sqlalchemy as sa

from conference.accounts.models import User
from conference.agenda.models import AgendaItem, AgendaItemKind
from conference.check_in import services as door
from conference.database import utcnow
from conference.demo.data import BERLIN
from conference.events.models import Event, EventPartner, PartnerRole, RegistrationState
from conference.extensions import db
from conference.materials import storage
from conference.materials.models import Material, Visibility
from conference.organisations import logos
from conference.organisations.models import Organisation
from conference.privacy import services as privacy
from conference.registration.models import Registration, RegistrationStatus


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_demo_data_loads_the_schwerin_conference_and_is_idempotent(runner):
    first = runner.invoke(args=["demo-data"])
    counts = {model: count(model) for model in (Event, Organisation, AgendaItem, EventPartner, User)}
    second = runner.invoke(args=["demo-data"])

    assert first.exit_code == 0 and second.exit_code == 0
    assert "5 event(s) created" in first.output and "0 event(s) created" in second.output
    assert {model: count(model) for model in counts} == counts
    assert "Demo organiser login: orga@example.org / password: " in second.output

    schwerin = db.session.scalar(sa.select(Event).where(Event.slug == "anerkennung-durch-anerkennung-2011"))
    assert schwerin.title == "Fachtagung: Anerkennung durch Anerkennung"
    assert schwerin.programme_name == "Perspektive Berufsabschluss"
    assert {p.organisation.short_name for p in schwerin.partners if p.role == PartnerRole.NETWORK_PROJECT} == {
        "amoN",
        "moNa",
        "ProNaQ",
        "anna",
    }
    assert {p.organisation.parent.name for p in schwerin.partners if p.role == PartnerRole.NETWORK_PROJECT} == {
        "Schweriner Ausbildungszentrum e.V.",
        "AFZ Rostock",
        "AUZ Schwaan",
        "BiG – Bildungszentrum Greifswald",
    }
    assert "MOZAIK gGmbH" in {
        p.organisation.name for p in schwerin.partners if p.role == PartnerRole.PROFESSIONAL_SUPPORT
    }
    speakers = {person.full_name: person.function for item in schwerin.agenda_items for person in item.speakers}
    assert speakers["Dr. Martin Kühn"] == "Leitung"  # speakers have (invented) names, not only their role
    assert any(item.kind == AgendaItemKind.GOOD_PRACTICE for item in schwerin.agenda_items)


def test_demo_has_an_upcoming_event_with_open_registration_and_parallel_forums(runner):
    runner.invoke(args=["demo-data"])
    now = utcnow()
    open_events = [
        e for e in db.session.scalars(sa.select(Event)) if e.registration_state(now) == RegistrationState.OPEN
    ]
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


def test_one_demo_event_takes_place_today_with_people_expected_at_the_door_and_its_forums(runner):
    runner.invoke(args=["demo-data"])
    today = utcnow().astimezone(BERLIN).date()
    event = db.session.scalar(
        sa.select(Event).where(Event.slug == f"fachtag-anerkennung-in-der-praxis-{today.isoformat()}")
    )
    assert event.starts_at.astimezone(BERLIN).date() == today
    assert door.door_state(event, utcnow(), may_correct=True) in (door.DoorState.OPEN, door.DoorState.CORRECTING)
    expected, checked_in = door.counts(event, None)
    assert expected > 0 and checked_in > 0
    assert any(
        registration.status == RegistrationStatus.WAITLISTED
        for registration in db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id))
    )
    forum = door.forums(event)[0]
    assert forum.capacity and sum(door.counts(event, forum.id)) > 0


def test_the_demo_starts_today_s_event_an_hour_before_it_is_loaded_and_ends_it_the_same_day():
    from conference.demo.data import events

    for hour in (0, 9, 18, 23):
        now = datetime(2026, 11, 29, hour, 20, tzinfo=BERLIN)
        spec = next(spec for spec in events(now) if spec["slug"].startswith("fachtag-"))
        assert spec["start"] == f"{min(max(hour - 1, 0), 17):02d}:00" and spec["end"] > spec["start"]


def test_demo_organisations_have_drawn_logos_and_schwerin_has_internal_downloads(runner):
    runner.invoke(args=["demo-data"])
    for organisation in db.session.scalars(sa.select(Organisation)):
        drawn = (logos.folder() / organisation.logo).read_bytes()
        assert drawn.startswith(b"<svg") and logos.kind_of(drawn) == "svg"
    schwerin = db.session.scalar(sa.select(Event).where(Event.slug == "anerkennung-durch-anerkennung-2011"))
    materials = db.session.scalars(sa.select(Material).where(Material.event_id == schwerin.id)).all()
    assert {(material.visibility, material.content_type) for material in materials} == {
        (Visibility.REGISTERED, "application/pdf"),
        (Visibility.PUBLIC, "application/pdf"),
    }
    assert all((storage.folder() / material.stored_name).read_bytes().startswith(b"%PDF-") for material in materials)


def test_the_retention_purge_right_after_loading_leaves_the_schwerin_attendees_named(runner):
    runner.invoke(args=["demo-data"])
    privacy.purge()
    schwerin = db.session.scalar(sa.select(Event).where(Event.slug == "anerkennung-durch-anerkennung-2011"))
    attendees = db.session.scalars(sa.select(Registration).where(Registration.event_id == schwerin.id)).all()
    assert len(attendees) == 18 and all(registration.anonymised_at is None for registration in attendees)


def test_the_schwerin_conference_has_figures_for_every_breakdown(runner):
    from conference.figures import services as figures

    runner.invoke(args=["demo-data"])
    schwerin = db.session.scalar(sa.select(Event).where(Event.slug == "anerkennung-durch-anerkennung-2011"))
    counted = figures.figures_of(schwerin, utcnow())

    assert (counted.registrations, counted.confirmed, counted.checked_in, counted.no_shows) == (18, 18, 18, 0)
    assert {group.label: group.confirmed for group in counted.by_kind if group.confirmed} == {
        "Bildungsträger": 5,
        "Beratungsstelle": 3,
        "Behörde/Jobcenter": 6,
        "Kammer": 2,
        "Migrantenorganisation": 1,
        "Sonstiges": 1,
    }
    assert [(group.label, group.confirmed) for group in counted.by_region] == [
        ("PLZ 18…", 1),
        ("PLZ 19…", 14),
        ("PLZ 23…", 2),
        (None, 1),
    ]
    assert len(counted.by_forum) >= 2 and sum(group.confirmed for group in counted.by_forum) > 0
    assert len(counted.by_day) > 5 and all(day.year == 2011 for day, _count in counted.by_day)


def test_the_schwerin_conference_has_an_evaluation_with_results_a_newcomer_sees(runner):
    from conference.evaluation import services as evaluation

    runner.invoke(args=["demo-data"])
    runner.invoke(args=["demo-data"])  # loaded twice: still one evaluation
    schwerin = db.session.scalar(sa.select(Event).where(Event.slug == "anerkennung-durch-anerkennung-2011"))
    results = evaluation.results(schwerin)

    assert (results.invited, results.responses) == (18, 13) and results.shown
    assert [item.shown for item in results.items] == [True] * 6
    assert results.items[0].mean is not None and results.items[-1].texts
