"""The log of changes is written by the operation itself, in the same commit as the change."""

import re

import pytest
import sqlalchemy as sa

from conference.audit.models import AuditAction, AuditEntry
from conference.database import utcnow
from conference.events.models import Event, EventStatus
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration, RegistrationStatus
from conference.site.filters import time_range
from tests.support import applicant, form_token, log_in


@pytest.fixture
def log_refused(app):
    """The log cannot be written: every flush that adds an entry fails."""

    def refuse(session, _context, _instances):
        if any(isinstance(row, AuditEntry) for row in session.new):
            raise RuntimeError("the log is not writable")

    sa.event.listen(db.session, "before_flush", refuse)
    yield
    sa.event.remove(db.session, "before_flush", refuse)


def test_a_change_whose_log_entry_fails_is_not_made(client, make_user, make_event, log_refused):
    draft = make_event(status=EventStatus.DRAFT)
    event = make_event()
    person = services.register(event.id, applicant(), utcnow(), by=None).registration
    log_in(client, make_user(events=[draft, event]))

    for url in (
        f"/manage/events/{draft.id}/status/publish",
        f"/manage/events/{event.id}/registrations/{person.id}/cancel",
    ):
        with pytest.raises(RuntimeError):
            client.post(url, data={"csrf_token": form_token(client, f"/manage/events/{event.id}/registrations/")})
        db.session.rollback()

    assert db.session.get(Event, draft.id).status == EventStatus.DRAFT
    assert db.session.get(Registration, person.id).status == RegistrationStatus.CONFIRMED


def test_the_entry_names_who_did_what_to_which_registration(client, make_user, make_event):
    event = make_event()
    person = services.register(
        event.id, applicant(first_name="Amina", last_name="Said"), utcnow(), by=None
    ).registration
    organiser = make_user(events=[event])
    log_in(client, organiser)
    url = f"/manage/events/{event.id}/registrations/{person.id}/cancel"

    client.post(url, data={"csrf_token": form_token(client, f"/manage/events/{event.id}/registrations/")})

    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.event_id == event.id)).all()
    assert (entry.action, entry.user_id, entry.registration_id, entry.subject) == (
        AuditAction.REGISTRATION_CANCELLED,
        organiser.id,
        person.id,
        "Amina Said",
    )


def test_a_registrants_own_cancellation_is_logged_without_an_account(client, make_event):
    event = make_event()
    person = services.register(
        event.id, applicant(first_name="Max", last_name="Muster"), utcnow(), by=None
    ).registration
    token = services.link_token(person)

    client.post(
        f"/registrations/{token}/cancel", data={"csrf_token": form_token(client, f"/registrations/{token}/cancel")}
    )

    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.event_id == event.id)).all()
    assert (entry.action, entry.user_id, entry.registration_id) == (AuditAction.REGISTRATION_CANCELLED, None, person.id)


def test_an_assignment_sent_twice_is_logged_once(client, make_user, make_event):
    from conference.accounts import services as accounts
    from conference.accounts.models import EventRole

    event = make_event()
    helper = make_user()
    for _ in range(2):
        accounts.assign(helper, event.id, EventRole.CHECK_IN, by=None)
    assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == AuditAction.ACCOUNT_ASSIGNED)) == 1


def test_an_event_change_shows_before_and_after_and_administrators_read_every_events_log(client, make_user, make_event):
    from conference.accounts.models import UserRole
    from conference.events import services as events

    first, second = make_event(title="Fachtagung Vielfalt"), make_event(title="Werkstatt Anerkennung")
    organiser = make_user(events=[first])
    log_in(client, organiser)
    for event in (first, second):
        services.register(
            event.id, applicant(first_name="Amina", last_name="Said"), utcnow(), by_organiser=True, by=None
        )
    details = events.EventDetails(**{name: getattr(first, name) for name in events.EventDetails.__dataclass_fields__})
    details.city = "Rostock"
    events.update_event(first.id, details, events.version(first), by=organiser)

    log = client.get(f"/manage/events/{first.id}/log").get_data(as_text=True)
    assert "Ort: „Schwerin“ → „Rostock“" in log
    assert client.get("/manage/log").status_code == 403  # organisers read their own events' logs only

    log_in(client, make_user(role=UserRole.ADMINISTRATOR))
    everything = client.get("/manage/log").get_data(as_text=True)
    assert "Fachtagung Vielfalt" in everything and "Werkstatt Anerkennung" in everything
    only_first = client.get("/manage/log", query_string={"event": first.id, "action": "event.changed"}).get_data(
        as_text=True
    )
    assert "Ort: „Schwerin“ → „Rostock“" in only_first and "Werkstatt Anerkennung</a>" not in only_first
    by_organiser = client.get("/manage/log", query_string={"who": organiser.id}).get_data(as_text=True)
    assert "Fachtagung Vielfalt</a>" in by_organiser and "Amina Said" not in by_organiser
    assert client.get("/manage/log", query_string={"action": "<script>", "event": "x", "page": "-5"}).status_code == 200
    assert client.get("/manage/log", query_string={"event": "9" * 30, "who": "-" + "9" * 30}).status_code == 200


def test_a_registrants_own_change_is_logged_with_the_fields_as_they_read_them_and_values_only_of_forums(
    client, make_event, make_forums, make_question
):
    from conference.registration.models import QuestionKind
    from tests.support import form_as_sent

    event = make_event()
    first, second = make_forums(event, 10, 10)
    diet = make_question(event, label="Ernährung", kind=QuestionKind.SINGLE_CHOICE, options=["vegetarisch", "vegan"])
    remark = make_question(event, label="Anmerkung", kind=QuestionKind.TEXT)
    person = services.register(
        event.id,
        applicant(
            first_name="Amal",
            last_name="Haddad",
            forums=[first.id],
            answers={diet.id: "vegetarisch", remark.id: "Rollstuhl"},
        ),
        utcnow(),
        by=None,
    ).registration
    token = services.link_token(person)
    url = f"/registrations/{token}/edit"
    sent = form_as_sent(client.get(url).get_data(as_text=True)) | {
        "forum_0": str(first.id),
        f"question_{diet.id}": "vegetarisch",
    }  # radios: the chosen ones

    assert client.post(url, data=sent).status_code == 303  # saved unchanged
    assert db.session.scalars(sa.select(AuditEntry)).all() == []  # nothing changed, nothing logged
    changed = sent | {
        "first_name": "Amala",
        "forum_0": str(second.id),
        f"question_{diet.id}": "vegan",
        f"question_{remark.id}": "Rollstuhl, Begleitperson",
        "listed_as_participant": "y",
    }
    assert client.post(url, data=changed).status_code == 303

    [entry] = db.session.scalars(sa.select(AuditEntry)).all()
    assert (entry.action, entry.user_id, entry.by_registrant, entry.registration_id, entry.subject) == (
        AuditAction.REGISTRATION_CHANGED,
        None,
        True,
        person.id,
        "Amala Haddad",
    )
    with client.application.test_request_context():
        slot = time_range(first.starts_at, first.ends_at)
    assert entry.changed_fields == ["Vorname", "Teilnehmendenliste", f"Forum {slot}", "Ernährung", "Anmerkung"]
    assert list(entry.changed_values.values()) == [["Nein", "Ja"], ["Forum 1", "Forum 2"]]
    everything = str((entry.subject, entry.changed_fields, entry.changed_values))
    assert not any(word in everything for word in ("Amal ", "vegan", "vegetarisch", "Rollstuhl"))


def test_an_organisers_change_names_them_and_the_log_tells_the_person_themselves_from_the_system(
    client, make_event, make_user
):
    event = make_event(capacity=1)
    person = services.register(
        event.id, applicant(first_name="Olga", last_name="Melnyk"), utcnow(), by=None
    ).registration
    waiting = services.register(
        event.id, applicant(first_name="Karim", last_name="Haddad"), utcnow(), by=None
    ).registration
    token = services.link_token(person)
    cancel = f"/registrations/{token}/cancel"
    client.post(cancel, data={"csrf_token": form_token(client, cancel)})
    organiser = make_user(events=[event])
    log_in(client, organiser)
    url = f"/manage/events/{event.id}/registrations/{waiting.id}"
    client.post(
        url,
        data={
            "csrf_token": form_token(client, url),
            "first_name": "Karim",
            "last_name": "Haddad-Said",
            "email": waiting.email,
            "phone": "0385 123",
        },
    )

    changed = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REGISTRATION_CHANGED))
    assert (changed.user_id, changed.by_registrant, changed.changed_fields, changed.changed_values) == (
        organiser.id,
        False,
        ["Nachname", "Telefon"],
        {},
    )
    rows = re.findall(r"<tr><td>.*?</tr>", client.get(f"/manage/events/{event.id}/log").get_data(as_text=True), re.S)
    who = [re.findall(r"<td>(.*?)</td>", row, re.S)[1] for row in rows]
    # Newest first: the organiser's change, Olga's own cancellation, Karim moved up by the system (before it).
    assert who == [organiser.name, "die Person selbst", "ohne Konto"]


def test_a_busy_events_log_comes_a_page_at_a_time_filtered_by_who_what_and_whom(client, make_event, make_user):
    event = make_event(capacity=1)
    amina = services.register(event.id, applicant(first_name="Amina", last_name="Said"), utcnow(), by=None).registration
    karim = services.register(
        event.id, applicant(first_name="Karim", last_name="Haddad"), utcnow(), by=None
    ).registration
    first, second = make_user(events=[event]), make_user(events=[event])
    db.session.add_all(
        [
            AuditEntry(
                event_id=event.id, user_id=first.id, action=AuditAction.AGENDA_SAVED, subject=f"Programmpunkt {number}"
            )
            for number in range(110)
        ]
    )
    db.session.add(
        AuditEntry(
            event_id=event.id,
            user_id=second.id,
            action=AuditAction.REGISTRATION_CHANGED,
            registration_id=amina.id,
            subject="Amina Said",
            changed_fields=["Telefon"],
        )
    )
    db.session.commit()
    services.cancel(amina.id, utcnow(), by=None)  # by herself; Karim moves up (the system)
    log_in(client, first)
    url = f"/manage/events/{event.id}/log"

    def rows(page: str) -> list[list[str]]:
        return [re.findall(r"<td>(.*?)</td>", row, re.S) for row in re.findall(r"<tr><td>.*?</tr>", page, re.S)]

    newest = client.get(url).get_data(as_text=True)
    assert "113 Einträge · Seite 1 von 3" in newest and len(rows(newest)) == 50
    assert [row[1] for row in rows(newest)[:4]] == ["die Person selbst", "ohne Konto", second.name, first.name]
    older = re.search(r'href="([^"]+)" rel="next">Ältere →', newest).group(1).replace("&amp;", "&")
    middle = client.get(older).get_data(as_text=True)
    assert "Seite 2 von 3" in middle and 'rel="prev">← Neuere' in middle
    assert "Seite 3 von 3" in client.get(url, query_string={"page": 999}).get_data(as_text=True)  # not "999 of 3"
    assert {row[3] for row in rows(middle)}.isdisjoint(row[3] for row in rows(newest))

    def shown(**filters) -> list[list[str]]:
        return rows(client.get(url, query_string=filters).get_data(as_text=True))

    assert [row[1] for row in shown(who=second.id)] == [second.name]
    assert [(row[1], row[3]) for row in shown(who="person")] == [("die Person selbst", "Amina Said")]
    assert [(row[2], row[3]) for row in shown(who="system")] == [("Von der Warteliste nachgerückt", "Karim Haddad")]
    about_amina = [row[2].split("<")[0] for row in shown(person="amina SAID")]
    assert about_amina == ["Anmeldung storniert", "Anmeldung geändert"]
    assert [row[3] for row in shown(person=karim.email)] == ["Karim Haddad"]
    assert shown(person="Programmpunkt") == [] and len(shown(action="agenda.saved")) == 50
    filtered = client.get(url, query_string={"who": first.id}).get_data(as_text=True)
    assert "110 Einträge · Seite 1 von 3" in filtered
    assert f"who={first.id}" in re.search(r'href="([^"]+)" rel="next"', filtered).group(1)  # the next page keeps it
    for nonsense in (
        {"who": "x' OR 1=1"},
        {"action": "<script>"},
        {"person": "%_" * 300},
        {"page": "abc"},
        {"who": "9" * 30},
        {"page": "99999"},
        {"event": "1"},
    ):
        response = client.get(url, query_string=nonsense)
        assert response.status_code == 200, nonsense
    nothing = client.get(url, query_string={"person": "niemand@example.org", "page": 2}).get_data(as_text=True)
    assert "Keine Einträge passen zu dieser Auswahl." in nothing and "Seite 1 von" not in nothing


def test_an_answer_given_changed_and_taken_back_is_logged_each_time(make_event, make_question):
    """An answer filled in where there was none left no entry: the new answer had no question id before the flush."""
    event = make_event()
    diet = make_question(event, label="Ernährung")
    person = services.register(
        event.id, applicant(first_name="Erika", last_name="Nowak"), utcnow(), by=None
    ).registration
    for value in ("vegetarisch", "vegan", ""):
        services.update(
            person.id, applicant(first_name="Erika", last_name="Nowak", answers={diet.id: value}), utcnow(), by=None
        )
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.registration_id == person.id).order_by(AuditEntry.id)
    ).all()
    assert [entry.changed_fields for entry in entries] == [["Ernährung"]] * 3
    assert all(entry.changed_values == {} for entry in entries)  # a free answer's value stays out of the log
