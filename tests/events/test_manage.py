import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from conference.agenda.models import AgendaItemKind
from conference.database import utcnow
from conference.events.models import Event, EventStatus, PartnerRole
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration
from conference.registration.models import RegistrationStatus as S
from tests.support import applicant, form_as_sent, form_token, log_in

FORM = {
    "title": "Fachtagung Willkommenskultur",
    "kind": "conference",
    "language": "de",
    "start_day": "2027-03-18",
    "start": "09:30",
    "end": "16:00",
    "city": "Rostock",
    "participant_list_mode": "hidden",
    "network_id": "0",
}


def post_form(client, url, **fields):
    return client.post(url, data={"csrf_token": form_token(client, url)} | FORM | fields)


def test_an_organiser_creates_a_draft_event_and_publishes_it(client, make_user):
    user = make_user()
    log_in(client, user)

    response = post_form(client, "/manage/events/new", description="Erster Absatz.\n\nZweiter.")

    assert response.status_code == 303
    event = db.session.scalar(sa.select(Event))
    assert (event.slug, event.status, event.city) == ("fachtagung-willkommenskultur", EventStatus.DRAFT, "Rostock")
    db.session.refresh(event)
    assert event.starts_at == datetime(2027, 3, 18, 8, 30, tzinfo=UTC)  # 9.30 in Berlin, read back as UTC
    assert client.get(f"/events/{event.slug}").status_code == 404  # a draft is not public
    assert "Fachtagung Willkommenskultur" in client.get("/manage/").get_data(as_text=True)  # the creator manages it

    url = f"/manage/events/{event.id}/status/publish"
    client.post(url, data={"csrf_token": form_token(client, url)})
    page = client.get(f"/events/{event.slug}")
    assert page.status_code == 200 and "Jetzt anmelden" in page.get_data(as_text=True)  # opens with publishing


def test_bad_event_input_gets_messages_at_the_fields(client, make_user, make_event):
    make_event(slug="belegt")
    log_in(client, make_user())
    for fields, message in (
        ({"end": "08:00"}, "Das Ende muss nach dem Beginn liegen."),
        ({"slug": "belegt"}, "Eine andere Veranstaltung hat diese Adresse schon."),
        ({"slug": "Mit Leerzeichen"}, "Nur Kleinbuchstaben, Ziffern und Bindestriche."),
        ({"contact_email": "kaputt"}, "gültige E-Mail-Adresse"),
        ({"capacity": "viele"}, "Keine gültige, ganze Zahl."),  # WTForms' own message, in German
        ({"start": "halb zehn"}, "Keine gültige Uhrzeit"),
    ):
        response = post_form(client, "/manage/events/new", **fields)
        assert response.status_code == 422 and message in response.get_data(as_text=True), fields
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1
    client.get("/language/en")
    assert "Not a valid integer value." in post_form(client, "/manage/events/new", capacity="viele").get_data(
        as_text=True
    )


def test_raising_the_capacity_in_the_form_moves_people_up(client, make_user, make_event, mailbox):
    event = make_event(capacity=1)
    services.register(event.id, applicant(), utcnow(), by=None)
    waiting = services.register(event.id, applicant(), utcnow(), by=None).registration
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert f'value="{event.title}"' in page

    day = event.starts_at.strftime("%Y-%m-%d")
    version = re.search(r'name="version" type="hidden" value="([^"]+)"', page).group(1)
    post_form(
        client,
        url,
        title=event.title,
        slug=event.slug,
        start_day=day,
        start="08:30",
        end="15:00",
        capacity="2",
        version=version,
        confirmed="1",
    )  # (the form's city is another: everyone is told, after asking)

    assert db.session.get(Registration, waiting.id).status == S.CONFIRMED


def test_cancelling_an_event_tells_everyone_registered(client, make_user, make_event, mailbox):
    event = make_event(capacity=1)
    seated = services.register(event.id, applicant(), utcnow(), by=None).registration
    waiting = services.register(event.id, applicant(), utcnow(), by=None).registration
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/status/cancel"
    assert "Alle Angemeldeten und Wartenden erhalten eine E-Mail" in client.get(url).get_data(as_text=True)

    client.post(url, data={"csrf_token": form_token(client, url)})

    assert db.session.get(Event, event.id).status == EventStatus.CANCELLED
    for person in (seated, waiting):
        message = mailbox.to(person.email)[-1]
        assert message["Subject"] == f"Veranstaltung abgesagt: {event.title}"
        assert "Check-in" not in message.get_body(("plain",)).get_content()


def test_duplicating_copies_the_agenda_to_the_new_day_as_a_draft(
    client, make_user, make_event, make_agenda_item, make_question, make_organisation, make_person
):
    event = make_event(
        partners=[(PartnerRole.FUNDER, make_organisation()), (PartnerRole.ORGANISER, make_organisation())]
    )
    speaker, presenter = make_person(name="Amina Said"), make_organisation()
    make_agenda_item(
        event,
        60,
        45,
        title="Podium",
        kind=AgendaItemKind.PANEL,
        room="Saal",
        speakers=[speaker],
        presenting_organisation_id=presenter.id,
    )
    make_question(event, label="Essen")
    services.register(event.id, applicant(), utcnow(), by=None)
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/duplicate"
    new_day = (event.starts_at + timedelta(days=365)).date()

    title = f"Fachkräfte gewinnen {new_day.year}"
    response = client.post(
        url, data={"csrf_token": form_token(client, url), "title": title, "day": new_day.isoformat()}
    )

    assert response.status_code == 303
    copy = db.session.scalar(sa.select(Event).where(Event.title == title))
    assert copy.status == EventStatus.DRAFT and copy.starts_at.date() == new_day
    assert copy.slug == f"fachkraefte-gewinnen-{new_day.isoformat()}"  # umlauts written out, the year once
    [item] = copy.agenda_items
    assert (item.title, item.room.name, item.starts_at - copy.starts_at) == ("Podium", "Saal", timedelta(minutes=60))
    assert [a.person for a in item.appearances] == [speaker] and item.presenting_organisation == presenter
    assert [q.label for q in copy.questions] == ["Essen"]
    assert [(p.role, p.organisation) for p in copy.partners] == [(p.role, p.organisation) for p in event.partners]
    assert db.session.scalar(sa.select(sa.func.count()).where(Registration.event_id == copy.id)) == 0


def test_a_duplication_that_fails_half_way_leaves_nothing(
    client, make_user, make_event, make_agenda_item, make_question
):
    from conference.accounts.models import EventAssignment
    from conference.agenda.models import AgendaItem
    from conference.events import signals
    from conference.registration.models import Question

    event = make_event()
    make_agenda_item(event, 60, 45, title="Podium", room="Saal")
    make_question(event, label="Essen")
    organiser = make_user(events=[event])
    log_in(client, organiser)
    before = {
        model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Event, AgendaItem, Question, EventAssignment)
    }
    url = f"/manage/events/{event.id}/duplicate"

    def crash(*_args, **_kwargs):
        raise RuntimeError("the server dies half-way")

    with signals.duplicated.connected_to(crash), pytest.raises(RuntimeError):
        client.post(url, data={"csrf_token": form_token(client, url), "title": "Halbe Kopie", "day": "2030-05-01"})
    db.session.rollback()
    assert {model: db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in before} == before


def test_partners_are_added_and_removed_and_shown_on_the_event_page(client, make_user, make_event, make_organisation):
    event = make_event()
    funder = make_organisation(name="Bundesministerium für Bildung und Forschung")
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/partners"

    client.post(url, data={"csrf_token": form_token(client, url), "organisation_id": str(funder.id), "role": "funder"})
    again = client.post(
        url, data={"csrf_token": form_token(client, url), "organisation_id": str(funder.id), "role": "funder"}
    )

    assert again.status_code == 422 and "hat diese Rolle schon" in again.get_data(as_text=True)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<h3>Förderung</h3>" in page and "Bundesministerium für Bildung und Forschung" in page
    [partner] = db.session.get(Event, event.id).partners
    client.post(f"{url}/{partner.id}/remove", data={"csrf_token": form_token(client, url)})
    db.session.expire_all()
    assert db.session.get(Event, event.id).partners == []


def test_two_organisers_editing_the_same_event_lose_nothing(client, make_user, make_event):
    event = make_event(title="Alte Fassung")
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/edit"
    page = client.get(url).get_data(as_text=True)
    read = re.search(r'name="version" type="hidden" value="([^"]+)"', page).group(1)
    day = event.starts_at.strftime("%Y-%m-%d")
    first = post_form(
        client,
        url,
        title="Fassung der Kollegin",
        slug=event.slug,
        start_day=day,
        start="08:30",
        end="15:00",
        version=read,
        confirmed="1",
    )
    assert first.status_code == 303

    late = post_form(
        client,
        url,
        title="Meine späte Fassung",
        slug=event.slug,
        start_day=day,
        start="08:30",
        end="15:00",
        version=read,
        confirmed="1",
    )

    assert late.status_code == 422 and "in der Zwischenzeit" in late.get_data(as_text=True)
    assert 'value="Meine späte Fassung"' in late.get_data(as_text=True)  # the late entries are kept on screen
    db.session.expire_all()
    assert db.session.get(Event, event.id).title == "Fassung der Kollegin"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "1899-05-01"])
def test_a_date_at_the_calendar_s_ends_is_refused_with_a_message(client, make_user, make_event, day):
    event = make_event()
    log_in(client, make_user(events=[event]))
    for url, fields in (
        ("/manage/events/new", {"start_day": day}),
        ("/manage/events/new", {"registration_opens_at": f"{day}T08:00"}),
        (f"/manage/events/{event.id}/duplicate", {"day": day}),
    ):
        response = post_form(client, url, **fields)
        assert response.status_code == 422 and "zwischen 1990 und 2100" in response.get_data(as_text=True), url
    agenda = f"/manage/events/{event.id}/agenda/new"
    response = client.post(
        agenda,
        data={
            "csrf_token": form_token(client, agenda),
            "title": "Vortrag",
            "kind": "talk",
            "day": day,
            "start": "10:00",
            "end": "11:00",
        },
    )
    assert response.status_code == 422 and "zwischen 1990 und 2100" in response.get_data(as_text=True)


def test_the_log_says_in_words_what_was_done_and_which_fields_changed(client, make_user, make_event):
    opens = utcnow().replace(second=0, microsecond=0) - timedelta(days=1)  # as the form shows it: to the minute
    event = make_event(registration_opens_at=opens)
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/edit"
    page = client.get(url).get_data(as_text=True)
    fields = {
        name: value
        for name, value in re.findall(r'<input[^>]*name="([a-z_]+)"[^>]*value="([^"]*)"', page)
        if name != "requires_approval"
    }  # an unticked box is not sent
    fields |= {
        "kind": "conference",
        "language": "de",
        "participant_list_mode": "hidden",
        "network_id": "0",
        "certificate_extent_unit": "hours",
        "title": "Neuer Titel",
        "city": "Rostock",
        "confirmed": "1",
    }
    title = event.title
    assert client.post(url, data=fields).status_code == 303
    log = client.get(f"/manage/events/{event.id}/log").get_data(as_text=True)
    assert "Veranstaltung geändert" in log and not re.search(r">[^<]*event\.changed", log)  # words, not the code
    assert f"Titel: „{title}“ → „Neuer Titel“; Ort: „Schwerin“ → „Rostock“" in log


def test_an_event_that_has_taken_place_cannot_be_cancelled(client, make_user, make_event, mailbox):
    yesterday = utcnow() - timedelta(days=1)
    event = make_event(starts_at=yesterday, ends_at=yesterday + timedelta(hours=6))
    person = services.register(
        event.id, applicant(), utcnow() - timedelta(days=2), by_organiser=True, by=None
    ).registration
    log_in(client, make_user(events=[event]))
    assert f"/manage/events/{event.id}/status/cancel" not in client.get("/manage/").get_data(as_text=True)
    url = f"/manage/events/{event.id}/status/cancel"

    response = client.post(url, data={"csrf_token": form_token(client, url)}, follow_redirects=True)

    assert "kann nicht mehr abgesagt werden" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED
    assert not [mail for mail in mailbox.to(person.email) if "abgesagt" in mail["Subject"]]


def test_saving_the_settings_unchanged_changes_and_logs_nothing(client, make_user, make_event):
    from conference.audit.models import AuditAction, AuditEntry

    with_registration = make_event(description="Erster Absatz.\nZweite Zeile.", requires_approval=False)
    without = make_event(registration_opens_at=None)  # published, no registration needed
    log_in(client, make_user(events=[with_registration, without]))
    for event in (with_registration, without):
        url = f"/manage/events/{event.id}/edit"
        for _ in range(2):
            data = form_as_sent(client.get(url).get_data(as_text=True))
            assert client.post(url, data=data).status_code == 303
    logged = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.EVENT_CHANGED)).all()
    assert [(entry.event_id, entry.changed_values) for entry in logged] == []
    db.session.expire_all()
    assert db.session.get(Event, without.id).registration_opens_at is None
    assert db.session.get(Event, with_registration.id).description == "Erster Absatz.\nZweite Zeile."
    data["requires_approval"] = "y"
    client.post(
        url,
        data=data
        | {
            "version": re.search(r'name="version"[^>]*value="([^"]*)"', client.get(url).get_data(as_text=True)).group(1)
        },
    )
    [entry] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.EVENT_CHANGED)).all()
    assert entry.changed_values == {"requires_approval": ["Nein", "Ja"]}  # words, not False → True


def test_the_extent_of_the_certificates_is_shown_as_typed_and_saved_unchanged(client, make_user, make_event):
    """ "6" showed as "6.0" in the form."""
    from decimal import Decimal

    event = make_event(certificate_extent=Decimal("6"))
    other = make_event(certificate_extent=Decimal("6.5"))
    log_in(client, make_user(events=[event, other]))
    assert 'name="certificate_extent" step="any" type="number" value="6"' in client.get(
        f"/manage/events/{event.id}/edit"
    ).get_data(as_text=True)
    page = client.get(f"/manage/events/{other.id}/edit").get_data(as_text=True)
    assert 'name="certificate_extent" step="any" type="number" value="6.5"' in page  # shown "6,5" to German readers
    fields = form_as_sent(page)
    assert client.post(f"/manage/events/{other.id}/edit", data=fields).status_code == 303
    assert db.session.get(Event, other.id).certificate_extent == Decimal("6.5")
    assert "Veranstaltung geändert" not in client.get(f"/manage/events/{other.id}/log").get_data(as_text=True)
