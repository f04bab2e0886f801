"""An event's back office is one workspace: a navigation on every page, an overview that says what is next,
and a start page with each event's figures; the public pages say when an event is full."""

import re

from conference.accounts.models import EventAssignment, EventRole, UserRole
from conference.database import utcnow
from conference.events.models import EventStatus
from conference.extensions import db
from conference.registration import services
from tests.support import applicant, form_as_sent, log_in

PAGES = [
    "Überblick",
    "Einstellungen",
    "Programm",
    "Anmeldeformular",
    "Referierende",
    "Partner",
    "Anmeldungen",
    "Check-in",
    "Dokumente",
    "Materialien",
    "Zahlen",
    "Evaluation",
    "E-Mails",
    "Datenschutz",
    "Protokoll",
]


def nav_of(html: str) -> list[tuple[str, bool]]:
    nav = re.search(r'<nav class="workspace-nav".*?</nav>', html, re.S)
    return (
        [
            (label, bool(current))
            for current, label in re.findall(r'<a href="[^"]+"( aria-current="page")?>([^<]+)</a>', nav.group(0))
        ]
        if nav
        else []
    )


def test_every_page_of_an_event_reaches_every_other_and_marks_itself(client, make_event, make_user):
    event = make_event()
    log_in(client, make_user(events=[event]))
    start = client.get("/manage/").get_data(as_text=True)
    overview = re.search(rf'<a href="([^"]+)">{re.escape(event.title)}</a>', start).group(1)
    assert overview == f"/manage/events/{event.id}/registrations/dashboard"

    seen = {}
    for label in PAGES:
        html = client.get(overview).get_data(as_text=True)
        link = re.search(rf'<a href="([^"]+)"[^>]*>{label}</a>', html.split('class="workspace-nav"')[1]).group(1)
        page = client.get(link)
        assert page.status_code == 200, label
        seen[label] = nav_of(page.get_data(as_text=True))
    for label, nav in seen.items():
        assert [name for name, _current in nav] == PAGES
        assert [name for name, current in nav if current] == [label]
    # Sub-pages mark their section too; the pages of questions, the form they serve.
    for sub_page, section in (
        ("registrations/new", "Anmeldungen"),
        ("registrations/form/new", "Anmeldeformular"),
        ("registrations/evaluation-form/new", "Evaluation"),
    ):
        html = client.get(f"/manage/events/{event.id}/{sub_page}").get_data(as_text=True)
        assert [name for name, current in nav_of(html) if current] == [section]


def test_a_check_in_helper_sees_only_the_door_and_no_workspace(client, make_event, make_user):
    event = make_event()
    helper = make_user(role=UserRole.CHECK_IN)
    db.session.add(EventAssignment(user=helper, event=event, role=EventRole.CHECK_IN))
    db.session.commit()
    log_in(client, helper)
    start = client.get("/manage/").get_data(as_text=True)
    assert f"/manage/events/{event.id}/check-in/" in start and "registrations/dashboard" not in start
    assert nav_of(client.get(f"/manage/events/{event.id}/check-in/").get_data(as_text=True)) == []


def test_the_start_page_counts_and_the_overview_says_what_is_next(client, make_event, make_user):
    event = make_event(capacity=2, requires_approval=True)
    draft = make_event(status=EventStatus.DRAFT)
    for _ in range(3):
        services.register(event.id, applicant(), utcnow(), by=None)
    log_in(client, make_user(events=[event, draft]))

    start = " ".join(re.sub(r"<[^>]+>", " ", client.get("/manage/").get_data(as_text=True)).split())
    assert "0 bestätigt / 2 1 auf der Warteliste 2 warten auf Bestätigung" in start
    overview = client.get(f"/manage/events/{event.id}/registrations/dashboard").get_data(as_text=True)
    assert "2 Anmeldungen warten auf Ihre Bestätigung." in overview and "Das Programm ist noch leer." in overview
    assert "Ausgebucht: Neue Anmeldungen kommen auf die Warteliste." in overview
    assert re.search(r"Teilnahmebescheinigungen gibt es ab \d+\.\d\d Uhr am \d+\. \w+ \d{4}\.", overview)
    assert "Noch nicht veröffentlicht" in client.get(f"/manage/events/{draft.id}/registrations/dashboard").get_data(
        as_text=True
    )


def test_a_full_event_says_so_and_people_waiting_see_their_place(client, make_event):
    event = make_event(capacity=1)
    first, second, third = (services.register(event.id, applicant(), utcnow(), by=None).registration for _ in range(3))

    assert "Ausgebucht – Warteliste" in client.get("/").get_data(as_text=True)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Ausgebucht – Warteliste" in page and "Auf die Warteliste" in page and "Jetzt anmelden" not in page
    assert "Platz 2 der Warteliste" in client.get(f"/registrations/{services.link_token(third)}").get_data(as_text=True)
    services.cancel(second.id, utcnow(), by=None)
    assert "Platz 1 der Warteliste" in client.get(f"/registrations/{services.link_token(third)}").get_data(as_text=True)
    assert (
        "Warteliste"
        not in client.get(f"/registrations/{services.link_token(first)}").get_data(as_text=True).split("<h2")[1]
    )


def test_the_overview_and_the_settings_lead_to_publishing_cancelling_and_duplicating(client, make_event, make_user):
    from datetime import timedelta

    event = make_event(
        status=EventStatus.DRAFT, starts_at=utcnow() + timedelta(days=9), ends_at=utcnow() + timedelta(days=9, hours=6)
    )
    log_in(client, make_user(events=[event]))
    base = f"/manage/events/{event.id}"

    def actions(path: str) -> list[str]:
        html = client.get(path).get_data(as_text=True)
        return re.findall(
            r'<a class="button[^"]*" href="([^"]+)">', html.split('class="event-actions"')[1].split("</section>")[0]
        )

    assert actions(f"{base}/registrations/dashboard") == [f"{base}/status/publish", f"{base}/duplicate"]
    assert actions(f"{base}/edit") == [f"{base}/status/publish", f"{base}/duplicate"]
    response = client.post(
        f"{base}/status/publish",
        data={
            "csrf_token": re.search(
                r'name="csrf_token"[^>]*value="([^"]+)"', client.get(f"{base}/status/publish").get_data(as_text=True)
            ).group(1)
        },
    )
    assert response.headers["Location"] == f"{base}/registrations/dashboard"
    assert actions(f"{base}/registrations/dashboard") == [
        f"{base}/status/unpublish",
        f"{base}/status/cancel",
        f"{base}/duplicate",
    ]


def test_review_of_the_workspace_what_a_new_organiser_stumbled_over(client, make_event, make_user, mailbox):
    """Found by trying the workspace as a new organiser: cancelling promotes someone silently, an organiser's
    cancellation thanked the person for letting us know, undo was offered for a seat that is gone, a person
    who moved up into an event with approval was told only that a place is free."""
    import sqlalchemy as sa

    from conference.audit.models import AuditAction, AuditEntry
    from conference.registration.models import Registration

    event = make_event(capacity=1, requires_approval=False)
    log_in(client, make_user(events=[event]))
    seated = services.register(event.id, applicant(first_name="Anna"), utcnow(), by=None).registration
    waiting = services.register(event.id, applicant(first_name="Carla"), utcnow(), by=None).registration
    url = f"/manage/events/{event.id}/registrations/{seated.id}/cancel"
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)
    client.post(url, data={"csrf_token": token})

    assert (
        "das Organisationsteam hat Ihre Anmeldung zu dieser Veranstaltung storniert"
        in mailbox.to(seated.email)[-1].get_body(("plain",)).get_content()
    )
    [promoted] = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == AuditAction.REGISTRATION_PROMOTED))
    assert promoted.registration_id == waiting.id
    listing = client.get(f"/manage/events/{event.id}/registrations/").get_data(as_text=True)
    assert "Rückgängig" not in listing  # the seat went to Carla

    approval = make_event(capacity=1, requires_approval=True)
    first = services.register(approval.id, applicant(), utcnow(), by=None).registration
    second = services.register(approval.id, applicant(), utcnow(), by=None).registration
    services.decide(first.id, approve=False, by=None)
    db.session.expire_all()
    assert db.session.get(Registration, second.id).status.value == "pending"
    mail = mailbox.to(second.email)[-1].get_body(("plain",)).get_content()
    assert "von der Warteliste nachgerückt" in mail
    assert "wartet nun auf die Bestätigung der Veranstalter" in mail


def test_emptying_the_opening_of_a_published_event_keeps_registration_open(client, make_event, make_user):
    from datetime import timedelta

    event = make_event(registration_opens_at=utcnow() - timedelta(days=3))
    log_in(client, make_user(events=[event]))
    url = f"/manage/events/{event.id}/edit"
    data = form_as_sent(client.get(url).get_data(as_text=True)) | {"registration_opens_at": ""}
    assert client.post(url, data=data).status_code == 303
    db.session.expire_all()
    assert "Jetzt anmelden" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_a_registrant_s_own_page_speaks_the_language_they_registered_in(client, make_event):
    event = make_event()
    registration = services.register(event.id, applicant(locale="en"), utcnow(), by=None).registration
    html = client.get(f"/registrations/{services.link_token(registration)}").get_data(as_text=True)
    assert '<html lang="en">' in html
    client.get("/language/de")  # a visitor's own choice wins
    assert '<html lang="de">' in client.get(f"/registrations/{services.link_token(registration)}").get_data(
        as_text=True
    )


def test_an_empty_back_office_tells_an_organiser_to_create_an_event_and_a_helper_to_wait(client, make_user):
    log_in(client, make_user())
    assert "Legen Sie eine mit „Neue Veranstaltung“ an" in client.get("/manage/").get_data(as_text=True)
    client.post(
        "/logout",
        data={
            "csrf_token": re.search(
                r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/manage/").get_data(as_text=True)
            ).group(1)
        },
    )
    log_in(client, make_user(role=UserRole.CHECK_IN))
    helper_page = client.get("/manage/").get_data(as_text=True)
    assert "Ihnen ist noch keine Veranstaltung zugeordnet" in helper_page and "Neue Veranstaltung" not in helper_page


def test_a_draft_s_overview_names_a_set_opening_only_while_it_is_ahead(app, make_event):
    from datetime import timedelta

    now = utcnow()
    ahead = make_event(status=EventStatus.DRAFT, registration_opens_at=now + timedelta(days=3))
    gone = make_event(status=EventStatus.DRAFT, registration_opens_at=now - timedelta(days=3))
    with app.test_request_context():
        assert "wenn sie bis dahin veröffentlicht ist" in services.next_steps(ahead, now)[0]
        assert "öffnet mit der Veröffentlichung" in services.next_steps(gone, now)[0]
