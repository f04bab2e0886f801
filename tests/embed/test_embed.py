"""The embedded pages as another website's visitors get them: framed only where listed, working without this site's
cookies, refusing a form that was not taken from here; the list of websites as organisers type it."""

import re

import pytest

from conference.events.models import EventStatus
from conference.extensions import db
from conference.organisations.models import OrganisationKind
from conference.organisations.services import embed_origins
from conference.rules import Refusal
from tests.support import form_token, log_in
from tests.support.registration import form_data, registrations

WEBSITE = "https://www.bqn-emscher-lippe.de"


@pytest.fixture
def network_event(make_event, make_organisation):
    network = make_organisation(kind=OrganisationKind.NETWORK, embed_origins=f"{WEBSITE} https://bqn.example")
    return network, make_event(network=network)


def test_only_the_listed_websites_may_frame_the_pages_the_rest_of_the_site_none(client, network_event):
    network, event = network_event
    for path in (f"/embed/{network.slug}/", f"/embed/{network.slug}/events/{event.slug}/register"):
        response = client.get(path)
        assert response.status_code == 200
        assert f"frame-ancestors 'self' {WEBSITE} https://bqn.example" in response.headers["Content-Security-Policy"]
        assert "X-Frame-Options" not in response.headers  # it knows no list of sites
    own_page = client.get(f"/events/{event.slug}")
    assert "frame-ancestors 'none'" in own_page.headers["Content-Security-Policy"]
    assert own_page.headers["X-Frame-Options"] == "DENY"


def test_registering_in_the_frame_needs_none_of_the_sites_cookies(app, network_event, mailbox):
    network, event = network_event
    visitor = app.test_client(use_cookies=False)  # as in another site's frame, where browsers send none
    path = f"/embed/{network.slug}/events/{event.slug}/register?lang=en"
    form = visitor.get(path)
    assert "Set-Cookie" not in form.headers and 'lang="en"' in form.get_data(as_text=True)
    sent = visitor.post(path, data=form_data(form.get_data(as_text=True), email="amal@example.org"))
    assert sent.status_code == 200 and "Set-Cookie" not in sent.headers
    assert "Thank you for registering, Nadia!" in sent.get_data(as_text=True)
    [person] = registrations(event)
    assert (person.email, person.locale) == ("amal@example.org", "en")
    assert mailbox.to("amal@example.org")


def test_a_form_not_taken_from_here_or_for_another_event_is_refused_and_nothing_stored(
    app, client, network_event, make_event
):
    network, event = network_event
    other = make_event(network=network)
    visitor = app.test_client(use_cookies=False)
    path = f"/embed/{network.slug}/events/{event.slug}/register"
    page = visitor.get(f"/embed/{network.slug}/events/{other.slug}/register").get_data(as_text=True)
    for token in (re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1), "forged", ""):
        fields = form_data(visitor.get(path).get_data(as_text=True)) | {"csrf_token": token}
        refused = visitor.post(path, data=fields)
        assert refused.status_code == 422 and "Das Formular war abgelaufen" in refused.get_data(as_text=True)
    assert registrations(event) == []


def test_only_public_events_of_the_organisation_are_embedded(client, network_event, make_event, make_organisation):
    network, event = network_event
    elsewhere = make_event()
    draft = make_event(network=network, status=EventStatus.DRAFT)
    assert client.get(f"/embed/{network.slug}/events/{elsewhere.slug}/register").status_code == 404
    assert client.get(f"/embed/{network.slug}/events/{draft.slug}/register").status_code == 404
    assert client.get("/embed/no-such-network/").status_code == 404
    listing = client.get(f"/embed/{network.slug}/").get_data(as_text=True)
    assert event.title in listing and draft.title not in listing and elsewhere.title not in listing


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("https://www.bqn-emscher-lippe.de/\nhttp://localhost:8080", [WEBSITE, "http://localhost:8080"]),
        ("HTTPS://BQN.example, https://bqn.example", ["https://bqn.example"]),
        ("", []),
        ("https://例え.jp https://bücher.de", ["https://xn--r8jz45g.jp", "https://xn--bcher-kva.de"]),  # as browsers
        ("https://straße.de", ["https://xn--strae-oqa.de"]),  # UTS 46 as browsers apply it, not "strasse.de"
    ],
)
def test_websites_are_stored_as_origins(typed, stored):
    assert embed_origins(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "www.bqn.de",
        "https://bqn.de/veranstaltungen",
        "https://*.bqn.de",
        "javascript:alert(1)",
        "https://user@bqn.de",
        "https://bqn.de:99999",
        "https://bqn.de?x=1",
        "'none'",
        "https://a.com;script-src",
        "https://a.com/;https://b.com",
        "https://-a.com",
        "https://a.de:0",
        "https://ex ample.de",  # "https://ex" is no website
        " ".join(f"https://site{number}.de" for number in range(11)),
    ],
)
def test_anything_but_a_website_address_is_refused(typed):
    with pytest.raises(Refusal) as refused:
        embed_origins(typed)
    assert refused.value.field == "embed_origins"


def test_an_administrator_lists_the_websites_and_finds_the_snippet(client, make_user, make_organisation):
    from conference.accounts.models import UserRole

    make_organisation(name="BQN Emscher-Lippe")
    network = make_organisation(name="BQN Emscher Lippe", kind=OrganisationKind.NETWORK)  # saved despite the similar
    log_in(client, make_user(role=UserRole.ADMINISTRATOR))
    page = f"/manage/organisations/{network.id}"
    fields = {"csrf_token": form_token(client, page), "name": network.name, "kind": "network", "parent_id": "0"}
    refused = client.post(page, data=fields | {"embed_origins": "www.bqn.de"})
    assert refused.status_code == 422 and "keine Website-Adresse" in refused.get_data(as_text=True)
    client.post(page, data=fields | {"embed_origins": f"{WEBSITE}/\r\nhttps://bqn.example"})
    db.session.refresh(network)
    assert network.embedding_websites == [WEBSITE, "https://bqn.example"]
    assert "https://bqn.example" in client.get(page).get_data(as_text=True)
    example = client.get(f"/embed/{network.slug}/example").get_data(as_text=True)
    assert f"/embed/{network.slug}/" in example and "/static/js/embed.js" in example and WEBSITE in example
