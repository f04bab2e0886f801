"""The figures for the funder's report, counted without HTTP: statuses, waiting list, breakdowns, kept counts."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.audit.models import AuditAction, AuditEntry
from conference.database import utcnow
from conference.events.models import EventStatus
from conference.extensions import db
from conference.figures import services as figures
from conference.figures.models import EventFigures
from conference.organisations.models import OrganisationKind
from conference.privacy import services as privacy
from conference.registration import services
from conference.registration.models import Answer, QuestionKind, Registration
from tests.support import applicant, check_in

KINDS = ["Bildungsträger", "Behörde/Jobcenter", "Kammer"]


def register(event, now=None, **fields) -> Registration:
    return services.register(event.id, applicant(**fields), now or utcnow(), by_organiser=True, by=None).registration


def after(event):
    return event.ends_at + timedelta(hours=1)


def test_statuses_the_waiting_list_at_its_longest_and_no_shows_only_after_the_event(make_event, make_user):
    event = make_event(capacity=2)
    first, second = register(event), register(event)
    waiting = [register(event) for _ in range(3)]  # the list's longest: 3
    services.cancel(first.id, utcnow(), by=None)  # the first waiting moves up
    services.cancel(waiting[1].id, utcnow(), by=None)
    register(event)  # two wait again
    check_in(second)

    before = figures.figures_of(event, utcnow())
    over = figures.figures_of(event, after(event))

    assert (before.registrations, before.confirmed, before.checked_in, before.cancellations) == (6, 2, 1, 2)
    assert before.longest_waiting_list == 3 and event.longest_waiting_list == 3
    assert before.no_shows is None  # the event is not over: nobody has failed to come yet
    assert over.no_shows == 1  # moved up from the waiting list, confirmed, not checked in


def test_a_rejected_registration_counts_as_made_not_as_confirmed_or_cancelled(make_event):
    event = make_event(requires_approval=True)
    asked = register(event)
    services.decide(asked.id, approve=False, by=None)
    counted = figures.figures_of(event, utcnow())
    assert (counted.registrations, counted.confirmed, counted.cancellations) == (1, 0, 0)


def test_breakdowns_by_kind_region_and_forum_count_the_confirmed(make_event, make_question, make_forums):
    event = make_event()
    kind = make_question(event, label="Art der Einrichtung", kind=QuestionKind.SINGLE_CHOICE, options=KINDS)
    postcode = make_question(event, label="PLZ", kind=QuestionKind.TEXT)
    left, right = make_forums(event, 10, 10)
    people = [
        ("Kammer", "19053", left),
        ("Kammer", "19061", right),
        ("Bildungsträger", "18055", left),
        ("Bildungsträger", "Schwerin", left),  # not a postcode: unknown
        (None, None, right),  # no answers
    ]
    registered = [
        register(event, answers={kind.id: k, postcode.id: p} if k else {}, forums=[forum.id]) for k, p, forum in people
    ]
    check_in(registered[0])
    cancelled = register(event, answers={kind.id: "Behörde/Jobcenter", postcode.id: "10115"}, forums=[left.id])
    services.cancel(cancelled.id, utcnow(), by=None)  # a cancelled registration is in no breakdown
    figures.choose_questions(event.id, postcode.id, kind.id, by=None)

    counted = figures.figures_of(event, utcnow())

    assert [(g.label, g.confirmed, g.checked_in) for g in counted.by_kind] == [
        ("Bildungsträger", 2, 0),
        ("Behörde/Jobcenter", 0, 0),  # every option, in the form's order, also with nobody
        ("Kammer", 2, 1),
        (None, 1, 0),
    ]
    assert [(g.label, g.confirmed) for g in counted.by_region] == [("PLZ 18…", 1), ("PLZ 19…", 2), (None, 2)]
    assert [(g.label, g.confirmed, g.checked_in) for g in counted.by_forum] == [
        (left.title, 3, 1),
        (right.title, 2, 0),
    ]
    assert counted.kind_question == "Art der Einrichtung" and counted.region_question == "PLZ"


def test_a_multiple_choice_counts_a_person_once_for_each_option_chosen(make_event, make_question):
    event = make_event()
    kind = make_question(event, kind=QuestionKind.MULTIPLE_CHOICE, options=KINDS)
    register(event, answers={kind.id: ["Kammer", "Bildungsträger"]})
    register(event, answers={kind.id: []})
    figures.choose_questions(event.id, None, kind.id, by=None)
    assert [(g.label, g.confirmed) for g in figures.figures_of(event, utcnow()).by_kind] == [
        ("Bildungsträger", 1),
        ("Behörde/Jobcenter", 0),
        ("Kammer", 1),
        (None, 1),
    ]


def test_registrations_by_day_count_every_one_made_on_its_day_in_berlin(make_event):
    event = make_event()
    today = utcnow().date()
    late = datetime(today.year, today.month, today.day, 23, 30, tzinfo=UTC)  # the next day in Berlin, all year
    register(event, now=late - timedelta(days=3))
    register(event, now=late - timedelta(days=3, hours=2))  # 21.30 UTC: still that day in Berlin
    services.cancel(register(event, now=late - timedelta(days=1)).id, utcnow(), by=None)  # counts: it was made
    assert figures.figures_of(event, utcnow()).by_day == [
        (today - timedelta(days=3), 1),
        (today - timedelta(days=2), 1),
        (today, 1),
    ]


def test_only_short_texts_and_choices_of_the_event_are_chosen_and_the_choice_is_logged(
    make_event, make_question, make_user
):
    event, other = make_event(), make_event()
    long_text = make_question(event, kind=QuestionKind.LONG_TEXT)
    foreign = make_question(other, label="PLZ")
    postcode = make_question(event, label="Postleitzahl")
    organiser = make_user(events=[event])
    for refused in (long_text, foreign):
        with pytest.raises(figures.FiguresRefused):
            figures.choose_questions(event.id, refused.id, None, by=organiser)

    figures.choose_questions(event.id, postcode.id, None, by=organiser)

    assert db.session.get(EventFigures, event.id).region_question_id == postcode.id
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.FIGURES_QUESTIONS_CHOSEN))
    assert entry.event_id == event.id and entry.user_id == organiser.id and entry.subject == "Postleitzahl"


@pytest.fixture
def past_event(make_event, make_question):
    """An event that ended more than a year ago (its retention period over), with answers to both questions."""
    starts = utcnow() - timedelta(days=400)
    event = make_event(starts_at=starts, ends_at=starts + timedelta(hours=6), retention_days=365)
    kind = make_question(event, label="Art", kind=QuestionKind.SINGLE_CHOICE, options=KINDS)
    postcode = make_question(event, label="PLZ")
    made = starts - timedelta(days=10)
    people = [register(event, made, answers={kind.id: "Kammer", postcode.id: "19053"}) for _ in range(3)]
    people.append(register(event, made, answers={kind.id: "Bildungsträger", postcode.id: "23966"}))
    for person in people[:3]:
        check_in(person)
    figures.choose_questions(event.id, postcode.id, kind.id, by=None)
    return event, people


def test_the_figures_are_kept_as_counts_when_the_personal_data_is_deleted(past_event):
    event, people = past_event
    before = figures.figures_of(event, utcnow())
    now = utcnow()

    assert privacy.purge(now) == 4
    db.session.expire_all()

    assert db.session.scalar(sa.select(sa.func.count()).select_from(Answer)) == 0  # the answers are gone
    kept = figures.figures_of(event, utcnow())
    assert kept.kept_at == now
    assert kept.by_kind == before.by_kind and kept.by_region == before.by_region and kept.by_day == before.by_day
    assert [(g.label, g.confirmed, g.checked_in) for g in kept.by_kind if g.confirmed] == [
        ("Bildungsträger", 1, 0),
        ("Kammer", 3, 3),
    ]
    assert (kept.registrations, kept.confirmed, kept.checked_in, kept.no_shows) == (4, 4, 3, 1)
    with pytest.raises(figures.FiguresRefused):
        figures.choose_questions(event.id, None, None, by=None)


def test_someone_deleted_on_request_before_counts_as_unknown(past_event):
    event, people = past_event
    privacy.delete_on_request(people[0].id, utcnow(), by=None)
    privacy.purge(utcnow())
    kept = figures.figures_of(event, utcnow())
    assert [(g.label, g.confirmed) for g in kept.by_kind if g.confirmed] == [
        ("Bildungsträger", 1),
        ("Kammer", 2),
        (None, 1),
    ]
    assert kept.deleted_on_request == 1 and kept.confirmed == 4


@pytest.fixture
def network(make_organisation, make_event):
    network = make_organisation(kind=OrganisationKind.NETWORK, name="NQ-Netz-MV")
    day = datetime(2025, 3, 10, 8, tzinfo=UTC)
    events = [
        make_event(network=network, starts_at=day, ends_at=day + timedelta(hours=6)),
        make_event(network=network, starts_at=day + timedelta(days=60), ends_at=day + timedelta(days=60, hours=6)),
        make_event(network=network, starts_at=day + timedelta(days=400), ends_at=day + timedelta(days=400, hours=6)),
        make_event(network=network, starts_at=day, ends_at=day + timedelta(hours=6), status=EventStatus.DRAFT),
    ]
    return network, events


def test_a_network_counts_its_events_in_the_period_and_sums_them(network, make_question):
    organisation, events = network
    for event, kinds in zip(events[:3], (["Kammer"], ["Kammer", "Bildungsträger"], ["Kammer"]), strict=True):
        question = make_question(event, kind=QuestionKind.SINGLE_CHOICE, options=KINDS)
        for kind in kinds:
            register(event, event.starts_at - timedelta(days=5), answers={question.id: kind})
        figures.choose_questions(event.id, None, question.id, by=None)
    within = figures.period("2025-01-01", "2025-12-31", figures.default_period(organisation, date.today()))

    chosen = figures.network_events(organisation, within)
    each, total = figures.network_figures(chosen, utcnow())

    assert chosen == events[:2]  # not the one of the next year, not the draft
    assert [counted.confirmed for _event, counted in each] == [1, 2] and total.confirmed == 3
    assert total.no_shows == 3 and total.registrations == 3
    assert [(g.label, g.confirmed) for g in total.by_kind] == [
        ("Bildungsträger", 1),
        ("Behörde/Jobcenter", 0),
        ("Kammer", 2),
    ]


def test_the_default_period_spans_the_networks_events_and_bad_dates_are_refused(network):
    organisation, events = network
    default = figures.default_period(organisation, date(2030, 1, 1))
    assert default == figures.Period(date(2025, 3, 10), date(2026, 4, 14))  # drafts left out
    assert figures.period("", "2025-06-30", default) == figures.Period(date(2025, 3, 10), date(2025, 6, 30))
    for first, last in (("2025-13-01", ""), ("gestern", ""), ("0001-01-01", ""), ("2025-06-01", "2025-05-01")):
        with pytest.raises(figures.PeriodRefused):
            figures.period(first, last, default)
