"""Every URL rule of the app, for everyone who might ask: the declared table (accounts/access.py) holds.

The sweep walks every rule, GET and POST, as an anonymous visitor, a check-in helper of the event,
an organiser of another event, the event's organiser and an administrator, and compares what
happens with what the table allows; a rule the table does not cover fails the sweep.
"""

import pytest
import sqlalchemy as sa

from conference.accounts import access
from conference.accounts.models import EventAssignment, EventRole, UserRole
from conference.extensions import db
from conference.materials.models import Material, Visibility
from conference.materials.storage import folder as material_folder
from conference.organisations.models import Organisation
from conference.people.models import Person
from conference.people.services import editable_by
from tests.support import form_token, log_in, path_of


def test_every_rule_is_declared_and_only_back_office_pages_need_a_role(app):
    for rule in app.url_map.iter_rules():
        action = access.required(rule.endpoint)  # KeyError: a rule nobody declared
        assert (action is not None) == rule.rule.startswith("/manage/"), rule.endpoint


@pytest.fixture
def people(app, url_values, make_event, make_user):
    """Who asks: nobody, the event's check-in helper, an organiser of another event, its organiser, an administrator."""
    event, _values = url_values
    helper = make_user(role=UserRole.CHECK_IN)
    db.session.add(EventAssignment(user=helper, event=event, role=EventRole.CHECK_IN))
    db.session.commit()
    return {
        "anonymous": None,
        "check-in helper": helper,
        "organiser of another event": make_user(events=[make_event()]),
        "organiser": make_user(events=[event]),
        "administrator": make_user(role=UserRole.ADMINISTRATOR),
    }


@pytest.mark.parametrize(
    "who", ["anonymous", "check-in helper", "organiser of another event", "organiser", "administrator"]
)
def test_every_rule_answers_each_person_as_the_table_says(app, client, url_values, people, who):
    event, values = url_values
    user = people[who]
    if user is not None:
        log_in(client, user)
    token = form_token(client, "/login")
    checked = 0
    for rule in app.url_map.iter_rules():
        action = access.required(rule.endpoint)
        if action is None:
            continue
        allowed = user is not None and access.may(user, action, event if "event_id" in rule.arguments else None)
        if allowed and "person_id" in rule.arguments - set(rule.defaults or ()):  # a speaker: also by their events
            allowed = editable_by(user, db.session.get(Person, values["person_id"]))
        if allowed and "network_id" in rule.arguments:  # a network's figures: of every one of its events
            allowed = access.may_see_figures_of(user, [event])
        if allowed and "organisation_id" in rule.arguments - set(rule.defaults or ()):
            allowed = access.may_edit_organisation(user, db.session.get(Organisation, values["organisation_id"]))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = path_of(rule, values)
            with client.open(path, method=method, data={"csrf_token": token} if method == "POST" else None) as response:
                checked += 1
                if user is None:
                    assert response.status_code == 302 and response.headers["Location"].startswith("/login"), (
                        method,
                        path,
                    )
                elif allowed:
                    assert response.status_code not in (401, 403) and not response.headers.get(
                        "Location", ""
                    ).startswith("/login"), (who, method, path, response.status_code)
                else:
                    assert response.status_code == 403, (who, method, path, response.status_code)
    assert checked >= 70, "the sweep missed rules"


def test_a_network_s_figures_are_refused_to_an_organiser_of_only_some_of_its_events(
    client, url_values, people, make_event
):
    event, values = url_values
    make_event(network_id=event.network_id, starts_at=event.starts_at, ends_at=event.ends_at)  # someone else's
    log_in(client, people["organiser"])
    assert client.get(f"/manage/networks/{values['network_id']}/figures/").status_code == 403
    log_in(client, people["administrator"])
    assert client.get(f"/manage/networks/{values['network_id']}/figures/").status_code == 200


def test_a_check_in_helper_creates_no_event_changes_no_speaker_and_sees_no_organisers_file(client, url_values, people):
    event, values = url_values
    speaker = db.session.get(Person, values["person_id"])
    hidden = Material(
        event_id=event.id,
        title="Intern",
        stored_name="intern",
        original_name="intern.pdf",
        content_type="application/pdf",
        size=8,
        visibility=Visibility.ORGANISERS,
    )
    db.session.add(hidden)
    db.session.commit()
    (material_folder() / "intern").write_bytes(b"%PDF-1.7")
    log_in(client, people["check-in helper"])
    token = form_token(client, f"/manage/events/{event.id}/check-in/")

    assert client.post("/manage/events/new", data={"csrf_token": token, "title": "Meine"}).status_code == 403
    assert (
        client.post(f"/manage/people/{speaker.id}", data={"csrf_token": token, "name": "Umbenannt"}).status_code == 403
    )
    assert client.get(f"/events/{event.slug}/materials/{hidden.id}").status_code == 403
    assert b"intern.pdf" not in client.get(f"/events/{event.slug}/materials.zip").data
    start = client.get("/manage/").get_data(as_text=True)
    assert f"/manage/events/{event.id}/check-in/" in start and f"/manage/events/{event.id}/edit" not in start
    assert "/manage/events/new" not in start and "/manage/people/" not in start


def test_organisers_change_only_speakers_of_their_own_events_and_it_is_logged_there(
    client, url_values, people, make_event, make_agenda_item, make_person
):
    event, values = url_values
    theirs, shared = make_person(name="Projektleitung amoN"), make_person(name="Leitung IFDM")
    make_agenda_item(event, speakers=[theirs, shared])
    make_agenda_item(make_event(), speakers=[shared])  # someone else's event too
    log_in(client, people["organiser"])
    token = form_token(client, "/manage/people/")

    assert (
        client.post(f"/manage/people/{shared.id}", data={"csrf_token": token, "name": "Umbenannt"}).status_code == 403
    )
    assert (
        client.post(
            f"/manage/people/{theirs.id}",
            data={"csrf_token": token, "name": "Projektleitung moNa", "organisation_id": 0},
        ).status_code
        == 303
    )
    log = client.get(f"/manage/events/{event.id}/log").get_data(as_text=True)
    assert "Projektleitung moNa" in log


def test_a_speaker_in_no_event_is_changed_only_by_whoever_added_them_and_administrators(client, people, make_user):
    """The rule "organises every event the person appears in" held for everyone when there were none."""
    first, second = make_user(), make_user()
    log_in(client, first)
    token = form_token(client, "/manage/people/")
    assert (
        client.post(
            "/manage/people/new", data={"csrf_token": token, "name": "Leitung IFDM", "organisation_id": 0}
        ).status_code
        == 303
    )
    added = db.session.scalar(sa.select(Person).where(Person.name == "Leitung IFDM"))
    assert (
        client.post(
            f"/manage/people/{added.id}", data={"csrf_token": token, "name": "Leitung IFDM MV", "organisation_id": 0}
        ).status_code
        == 303
    )

    client.post("/logout", data={"csrf_token": token})
    log_in(client, second)
    token = form_token(client, "/manage/people/")
    assert f"/manage/people/{added.id}" not in client.get("/manage/people/").get_data(as_text=True)
    assert client.get(f"/manage/people/{added.id}").status_code == 403
    assert client.post(f"/manage/people/{added.id}", data={"csrf_token": token, "name": "Umbenannt"}).status_code == 403

    client.post("/logout", data={"csrf_token": token})
    log_in(client, people["administrator"])
    token = form_token(client, "/manage/people/")
    assert (
        client.post(
            f"/manage/people/{added.id}", data={"csrf_token": token, "name": "Leitung", "organisation_id": 0}
        ).status_code
        == 303
    )
    assert db.session.get(Person, added.id).name == "Leitung"


def test_what_each_person_may_do_at_the_event_written_out(url_values, people):
    event, _values = url_values
    a = access.Action
    expected = {
        "check-in helper": {a.BACK_OFFICE, a.CHECK_IN},
        "organiser of another event": {
            a.BACK_OFFICE,
            a.CREATE_EVENT,
            a.EDIT_PEOPLE,
            a.EDIT_ORGANISATIONS,
            a.NETWORK_FIGURES,  # of a network only if they organise all its events in the period (may_see_figures_of)
            a.API_TOKENS,  # which act only at the events they organise (api.services.allowed)
            a.WEBHOOKS,  # which tell only of the events they organise (webhooks.services._listening)
        },
        "organiser": {
            a.BACK_OFFICE,
            a.CREATE_EVENT,
            a.EDIT_PEOPLE,
            a.EDIT_ORGANISATIONS,
            a.NETWORK_FIGURES,
            a.API_TOKENS,
            a.WEBHOOKS,
            a.ORGANISE,
            a.CHECK_IN,
            a.ADMIT,
        },
        "administrator": set(a),
    }
    for who, actions in expected.items():
        assert {action for action in a if access.may(people[who], action, event)} == actions, who
    # Helpers let in whom the list does not only where the event's organisers allow it.
    event.helpers_may_admit = True
    db.session.commit()
    assert {action for action in a if access.may(people["check-in helper"], action, event)} == {
        a.BACK_OFFICE,
        a.CHECK_IN,
        a.ADMIT,
    }
    # A helper's account given an organiser's assignment all the same stays at the door.
    helper = people["check-in helper"]
    helper.assignments[0].role = EventRole.ORGANISER
    db.session.commit()
    assert not access.may(helper, a.ORGANISE, event) and access.may(helper, a.CHECK_IN, event)


def test_every_page_behind_a_secret_link_is_kept_by_nobody_and_leaks_no_link(app, client, url_values):
    _event, values = url_values
    secret = [
        rule for rule in app.url_map.iter_rules() if {"token", "partner"} & rule.arguments and "GET" in rule.methods
    ]
    assert len(secret) >= 10, "the walk missed pages behind a secret link"
    for rule in secret:
        with client.get(path_of(rule, values)) as response:
            assert response.headers["Cache-Control"] == "private, no-store", rule.rule
            assert response.headers["Referrer-Policy"] == "same-origin", rule.rule
