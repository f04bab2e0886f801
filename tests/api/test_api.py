"""The public read-only API: every answer as its OpenAPI document says, filters and pages, errors, no personal data."""

from datetime import timedelta

import pytest
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

from conference.database import utcnow
from conference.events.models import EventStatus, PartnerRole
from conference.limits.services import Limit
from conference.organisations.models import OrganisationKind
from conference.registration import services
from tests.support import applicant


@pytest.fixture
def network_world(make_event, make_organisation, make_agenda_item, make_person):
    """A network with an upcoming event (agenda, speaker, partners), a full one, a past one; and another's event."""
    network = make_organisation(slug="nq-netz", name="NQ-Netz MV", kind=OrganisationKind.NETWORK)
    saz = make_organisation(slug="saz", name="Schweriner Ausbildungszentrum")
    funder = make_organisation(slug="bmbf", name="BMBF", kind=OrganisationKind.OTHER)
    upcoming = make_event(
        slug="fachtag",
        title="Fachtag Anerkennung",
        network=network,
        partners=[(PartnerRole.ORGANISER, saz), (PartnerRole.FUNDER, funder)],
        contact_email="tagungsbuero@example.org",
        contact_name="Jana Beispiel",
    )
    speaker = make_person(name="Dr. Martin Kühn", function="Leitung", organisation_id=saz.id)
    make_agenda_item(upcoming, 0, 45, title="Fachkräftebedarf", room="Saal", speakers=[speaker])
    full = make_event(slug="voll", title="Ausgebucht", network=network, capacity=1)
    services.register(
        full.id, applicant(first_name="Amal", last_name="Geheim", email="amal@example.org"), utcnow(), by=None
    )
    start = utcnow() - timedelta(days=30)
    past = make_event(
        slug="vorbei",
        title="Vorbei",
        network=network,
        starts_at=start,
        ends_at=start + timedelta(hours=6),
        registration_opens_at=start - timedelta(days=30),
        registration_closes_at=start - timedelta(days=2),
    )
    make_event(slug="anderswo", title="Anderswo")
    make_event(slug="entwurf", title="Entwurf", network=network, status=EventStatus.DRAFT)
    return upcoming, full, past


def checked(client, path: str, **kwargs):
    """The answer, after openapi-core has checked request and answer against the API's own OpenAPI document."""
    document = client.get("/api/v1/openapi.json").get_json()
    response = client.get(path, **kwargs)
    OpenAPI.from_dict(document).validate_response(
        WerkzeugOpenAPIRequest(response.request), WerkzeugOpenAPIResponse(response)
    )
    return response


def test_every_answer_is_what_the_openapi_document_says(client, network_world):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    paths = [
        "/api/v1/events",
        "/api/v1/events?when=past",
        "/api/v1/events?when=all&per_page=1&page=2",
        "/api/v1/events?network=nq-netz&organisation=saz",
        "/api/v1/events/fachtag",
        "/api/v1/events/voll",
        "/api/v1/events/vorbei",
        "/api/v1/networks",
        "/api/v1/organisations",
        "/api/v1/events?when=soon",
        "/api/v1/events?page=9",
        "/api/v1/events/entwurf",
    ]
    statuses = [checked(client, path).status_code for path in paths]
    assert statuses == [200] * 9 + [400, 404, 404]


def test_an_event_comes_with_its_agenda_speakers_partners_by_role_and_registration_state(client, network_world):
    event = checked(client, "/api/v1/events/fachtag").get_json()

    assert event["network"]["slug"] == "nq-netz" and event["url"] == "http://localhost/events/fachtag"
    [item] = event["agenda"]
    assert (item["title"], item["room"]) == ("Fachkräftebedarf", "Saal")
    assert item["speakers"] == [
        {
            "name": "Dr. Martin Kühn",
            "academic_title": None,
            "function": "Leitung",
            "organisation": "Schweriner Ausbildungszentrum",
        }
    ]
    assert [(p["role"], p["organisation"]["slug"]) for p in event["partners"]] == [
        ("organiser", "saz"),
        ("funder", "bmbf"),
    ]
    assert event["registration"]["state"] == "open" and event["registration"]["url"].endswith(
        "/events/fachtag/register"
    )
    full = checked(client, "/api/v1/events/voll").get_json()["registration"]
    assert (full["state"], full["full"]) == ("waiting_list", True)
    assert checked(client, "/api/v1/events/vorbei").get_json()["registration"]["state"] == "closed"


def test_events_are_filtered_by_network_and_organisation_and_paged(client, network_world):
    def slugs(query: str) -> list[str]:
        return [event["slug"] for event in checked(client, f"/api/v1/events?{query}").get_json()["events"]]

    assert slugs("network=nq-netz") == ["fachtag", "voll"]  # upcoming by default, soonest first; no drafts
    assert slugs("network=nq-netz&when=past") == ["vorbei"]
    assert slugs("organisation=saz&when=all") == ["fachtag"]
    assert slugs("organisation=nq-netz&when=all") == ["vorbei", "fachtag", "voll"]  # the network's own events
    page = checked(client, "/api/v1/events?when=all&per_page=2&page=2").get_json()
    assert (page["total"], page["pages"], page["page"], len(page["events"])) == (4, 2, 2, 2)


@pytest.mark.parametrize(
    ("query", "status", "said"),
    [
        ("colour=blue", 400, "colour"),
        ("page=zwei", 400, "page"),
        ("page=0", 400, "page"),
        ("per_page=101", 400, "per_page"),
        ("when=tomorrow", 400, "when"),
        ("network=gibt-es-nicht", 400, "gibt-es-nicht"),
        ("network=saz", 400, "saz"),  # an organisation, but not a network
        ("page=3&per_page=2&when=all", 404, "3"),
    ],
)
def test_a_bad_parameter_gets_a_json_error_that_says_what_is_wrong(client, network_world, query, status, said):
    response = client.get(f"/api/v1/events?{query}")
    assert response.status_code == status and response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == status and said in body["message"]


def test_other_mistakes_also_get_json_never_a_page(client, network_world):
    for path, method, status in (
        ("/api/v1/gibt-es-nicht", "get", 404),
        ("/api/v1/events/entwurf", "get", 404),
        ("/api/v1/events", "post", 405),
    ):
        response = getattr(client, method)(path)
        assert (response.status_code, response.mimetype) == (status, "application/json"), path
        assert response.get_json()["message"]


def test_no_answer_holds_personal_data(client, network_world):
    bodies = [
        client.get(path).get_data(as_text=True)
        for path in (
            "/api/v1/events?when=all",
            "/api/v1/events/voll",
            "/api/v1/events/fachtag",
            "/api/v1/organisations",
            "/api/v1/networks",
        )
    ]
    for private in ("Amal", "Geheim", "amal@example.org", "tagungsbuero@example.org", "Jana Beispiel"):
        assert not any(private in body for body in bodies), private


def test_answers_are_cached_by_etag_readable_from_other_sites_and_limited(app, client, network_world):
    first = client.get("/api/v1/events")
    assert (
        first.headers["Access-Control-Allow-Origin"] == "*" and "ETag" in first.headers["Access-Control-Expose-Headers"]
    )
    assert client.get("/api/v1/events", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    preflight = client.options(
        "/api/v1/events",
        headers={
            "Origin": "http://netzwerk.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert "If-None-Match" in preflight.headers["Access-Control-Allow-Headers"]
    document = client.get("/api/v1/openapi.json")
    assert document.headers["Access-Control-Allow-Origin"] == "*" and document.headers["ETag"]
    assert client.get("/api/v1/openapi.json", headers={"If-None-Match": document.headers["ETag"]}).status_code == 304

    app.config["RATE_LIMITS"] = {"api": Limit(3, timedelta(minutes=10))}
    statuses = [client.get("/api/v1/networks").status_code for _ in range(4)]
    assert statuses[-1] == 429
    refused = client.get("/api/v1/networks")
    assert refused.mimetype == "application/json" and "Retry-After" in refused.headers


def test_people_read_the_api_on_a_page_made_from_the_same_document(client, network_world):
    page = client.get("/api/v1/").get_data(as_text=True)
    for text in ("GET /api/v1/events", "GET /api/v1/events/{slug}", "/api/v1/openapi.json", "per_page", "waiting_list"):
        assert text in page, text
