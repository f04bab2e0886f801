from conference.events.models import EventStatus, PartnerRole
from conference.organisations.models import OrganisationKind


def test_organisations_page_groups_partners_by_kind(client, make_event, make_organisation):
    network = make_organisation(name="NQ-Netz-MV", kind=OrganisationKind.NETWORK)
    centre = make_organisation(name="AFZ Rostock", kind=OrganisationKind.EDUCATION_PROVIDER)
    bystander = make_organisation(name="Nur im Entwurf")
    make_event(partners=[(PartnerRole.ORGANISER, network), (PartnerRole.NETWORK_PROJECT, centre)])
    make_event(status=EventStatus.DRAFT, partners=[(PartnerRole.FUNDER, bystander)])

    html = client.get("/organisations").get_data(as_text=True)

    assert html.index("<h2") < html.index("NQ-Netz-MV")
    assert (
        html.index(">Netzwerk</h2>")
        < html.index("NQ-Netz-MV")
        < html.index(">Bildungsträger</h2>")
        < html.index("AFZ Rostock")
    )
    assert bystander.name not in html


def test_organisation_page_lists_its_public_events_with_roles_and_projects(client, make_event, make_organisation):
    centre = make_organisation(name="Schweriner Ausbildungszentrum e.V.", website="https://example.org/")
    make_organisation(name="amoN", kind=OrganisationKind.PROJECT, parent=centre)
    make_event(
        title="Anerkennung durch Anerkennung", partners=[(PartnerRole.ORGANISER, centre), (PartnerRole.FUNDER, centre)]
    )
    make_event(title="Entwurfstagung", status=EventStatus.DRAFT, partners=[(PartnerRole.ORGANISER, centre)])

    html = client.get(f"/organisations/{centre.slug}").get_data(as_text=True)

    assert "Anerkennung durch Anerkennung" in html and "Entwurfstagung" not in html
    assert "Rolle: Durchführung, Förderung" in html
    assert ">amoN</a>" in html


def test_unknown_organisation_is_not_found(client):
    assert client.get("/organisations/unbekannt").status_code == 404


def test_only_web_addresses_become_links(client, make_event, make_organisation):
    hostile = make_organisation(name="Böswillig", website="javascript:alert(document.cookie)")
    make_event(partners=[(PartnerRole.STRATEGIC_PARTNER, hostile)])
    for url in (f"/organisations/{hostile.slug}", "/events/" + hostile.event_roles[0].event.slug):
        html = client.get(url).get_data(as_text=True)
        assert 'href="javascript:' not in html
