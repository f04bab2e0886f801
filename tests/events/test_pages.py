from datetime import timedelta

from conference.database import utcnow
from conference.events.models import EventStatus, PartnerRole
from conference.organisations.models import OrganisationKind


def test_home_lists_upcoming_soonest_first_and_past_latest_first(client, make_event):
    now = utcnow()
    make_event(title="Später", starts_at=now + timedelta(days=60), ends_at=now + timedelta(days=60, hours=6))
    make_event(title="Bald", starts_at=now + timedelta(days=10), ends_at=now + timedelta(days=10, hours=6))
    make_event(title="Letztes Jahr", starts_at=now - timedelta(days=365), ends_at=now - timedelta(days=365, hours=-6))
    make_event(title="Vorgestern", starts_at=now - timedelta(days=2), ends_at=now - timedelta(days=2, hours=-6))

    html = client.get("/").get_data(as_text=True)

    upcoming, past = html.split("Vergangene Veranstaltungen")
    assert upcoming.index("Bald") < upcoming.index("Später")
    assert past.index("Vorgestern") < past.index("Letztes Jahr")
    assert "Letztes Jahr" not in upcoming


def test_home_hides_drafts_and_marks_cancelled_events(client, make_event):
    make_event(title="Noch geheim", status=EventStatus.DRAFT)
    make_event(title="Fällt aus", status=EventStatus.CANCELLED)

    html = client.get("/").get_data(as_text=True)

    assert "Noch geheim" not in html
    assert "Fällt aus" in html and "Abgesagt" in html


def test_home_filters_by_network_including_its_projects(client, make_event, make_organisation):
    network = make_organisation(name="NQ-Netz-MV", kind=OrganisationKind.NETWORK)
    training_centre = make_organisation(name="Schweriner Ausbildungszentrum e.V.")
    project = make_organisation(name="amoN", kind=OrganisationKind.PROJECT, parent=training_centre)
    make_event(title="Netzwerktagung", network=network)
    make_event(
        title="Projekttag", partners=[(PartnerRole.ORGANISER, training_centre), (PartnerRole.NETWORK_PROJECT, project)]
    )
    make_event(title="Anderswo")

    by_network = client.get(f"/?organisation={network.slug}").get_data(as_text=True)
    by_training_centre = client.get(f"/?organisation={training_centre.slug}").get_data(as_text=True)

    assert "Netzwerktagung" in by_network and "Projekttag" not in by_network and "Anderswo" not in by_network
    assert "Projekttag" in by_training_centre and "Netzwerktagung" not in by_training_centre
    # The filter offers networks and organisers, not every partner.
    assert f'value="{network.slug}"' in by_network and f'value="{project.slug}"' not in by_network


def test_home_ignores_an_unknown_filter(client, make_event):
    make_event(title="Sichtbar")
    response = client.get("/?organisation=<script>")
    assert response.status_code == 200
    assert "Sichtbar" in response.get_data(as_text=True)
    assert "<script>" not in response.get_data(as_text=True)


def test_event_page_shows_date_times_place_and_description(client, make_event):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    event = make_event(
        title="Fachtagung: Anerkennung durch Anerkennung",
        starts_at=datetime(2011, 9, 29, 9, 30, tzinfo=berlin),
        ends_at=datetime(2011, 9, 29, 16, 0, tzinfo=berlin),
        venue="Schweriner Ausbildungszentrum e.V.",
        city="Schwerin",
        programme_name="Perspektive Berufsabschluss",
        description="Erster Absatz.\n\nZweiter Absatz.",
        contact_name="Tagungsbüro",
        contact_email="tagung@example.org",
    )

    html = client.get(f"/events/{event.slug}").get_data(as_text=True)

    assert "Donnerstag, 29. September 2011" in html
    assert "9.30 – 16.00 Uhr" in html
    assert "Schweriner Ausbildungszentrum e.V." in html and "Schwerin" in html
    assert "Perspektive Berufsabschluss" in html
    assert "<p>Erster Absatz.</p>" in html and "<p>Zweiter Absatz.</p>" in html
    assert 'href="mailto:tagung@example.org"' in html
    assert "Diese Veranstaltung hat bereits stattgefunden." in html


def test_event_page_groups_partners_by_role_in_a_fixed_order(client, make_event, make_organisation):
    funder = make_organisation(
        name="Bundesministerium für Bildung und Forschung", kind=OrganisationKind.PUBLIC_AUTHORITY
    )
    organiser = make_organisation(name="Schweriner Ausbildungszentrum e.V.", website="https://example.org/saz")
    project = make_organisation(name="amoN", kind=OrganisationKind.PROJECT, parent=organiser)
    companion = make_organisation(name="MOZAIK gGmbH", city="Bielefeld")
    event = make_event(
        partners=[
            (PartnerRole.FUNDER, funder),
            (PartnerRole.NETWORK_PROJECT, project),
            (PartnerRole.PROFESSIONAL_SUPPORT, companion),
            (PartnerRole.ORGANISER, organiser),
        ],
        funding_notice="Gefördert aus Mitteln des ESF.",
    )

    html = client.get(f"/events/{event.slug}").get_data(as_text=True)

    headings = ["Durchführung", "Netzwerkprojekte", "Fachliche Begleitung", "Förderung"]
    positions = [html.index(f"<h3>{heading}</h3>") for heading in headings]
    assert positions == sorted(positions)
    assert html.index("Schweriner Ausbildungszentrum e.V.") < html.index("<h3>Netzwerkprojekte</h3>")
    assert "amoN" in html.split("<h3>Netzwerkprojekte</h3>")[1].split("<h3>")[0]
    assert 'href="https://example.org/saz"' in html
    assert "Gefördert aus Mitteln des ESF." in html


def test_registration_call_to_action_follows_the_registration_period(client, make_event):
    now = utcnow()
    open_event = make_event()
    not_yet = make_event(registration_opens_at=now + timedelta(days=3))
    closed = make_event(registration_opens_at=now - timedelta(days=10), registration_closes_at=now - timedelta(days=1))
    cancelled = make_event(status=EventStatus.CANCELLED)

    assert "Jetzt anmelden" in client.get(f"/events/{open_event.slug}").get_data(as_text=True)
    page = client.get(f"/events/{not_yet.slug}").get_data(as_text=True)
    assert "Jetzt anmelden" not in page and "Die Anmeldung ist ab dem" in page
    page = client.get(f"/events/{closed.slug}").get_data(as_text=True)
    assert "Jetzt anmelden" not in page and "Die Anmeldung ist geschlossen." in page
    page = client.get(f"/events/{cancelled.slug}").get_data(as_text=True)
    assert "Jetzt anmelden" not in page and "Diese Veranstaltung wurde abgesagt." in page


def test_unknown_and_draft_events_are_not_found(client, make_event):
    draft = make_event(status=EventStatus.DRAFT)
    for url in (
        "/events/gibt-es-nicht",
        f"/events/{draft.slug}",
        f"/events/{draft.slug}/agenda",
        f"/events/{draft.slug}/event.ics",
        f"/events/{draft.slug}/register",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "Seite nicht gefunden" in response.get_data(as_text=True)


def test_text_typed_by_organisers_is_escaped(client, make_event):
    event = make_event(title="<script>alert(1)</script>", description="<img src=x onerror=alert(1)>")
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<img src=x" not in html
