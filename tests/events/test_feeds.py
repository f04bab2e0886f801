"""The feeds other sites and feed readers follow: Atom and RSS of upcoming events, calendars per organisation."""

from datetime import timedelta
from xml.etree import ElementTree

import icalendar

from conference.database import utcnow
from conference.events.models import EventStatus, PartnerRole
from conference.organisations.models import OrganisationKind

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_entries(client, path: str) -> dict[str, str]:
    """Each entry's title and link, as a feed reader reads them."""
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    feed = ElementTree.fromstring(response.data)
    return {
        entry.findtext(f"{ATOM}title"): entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")
    }


def test_the_news_feed_holds_the_upcoming_public_events_as_they_are_titled(client, make_event):
    soon = make_event(title="Tagung <b>A</b> & „Praxis“", starts_at=utcnow() + timedelta(days=3))
    later = make_event(title="Tagung B")
    yesterday = utcnow() - timedelta(days=1)
    make_event(title="Vorbei", starts_at=yesterday - timedelta(hours=6), ends_at=yesterday)
    make_event(title="Entwurf", status=EventStatus.DRAFT)

    entries = atom_entries(client, "/events.atom")

    titles = list(entries)
    assert [title.split(" (")[0] for title in titles] == ["Tagung <b>A</b> & „Praxis“", "Tagung B"]
    assert entries[titles[0]] == f"http://localhost/events/{soon.slug}"
    rss = ElementTree.fromstring(client.get("/events.rss").data)
    assert [item.findtext("link") for item in rss.iter("item")] == [
        f"http://localhost/events/{soon.slug}",
        f"http://localhost/events/{later.slug}",
    ]


def test_a_network_and_an_organisation_have_their_own_feeds_and_calendars(client, make_event, make_organisation):
    network = make_organisation(name="NQ-Netz MV", kind=OrganisationKind.NETWORK)
    organiser = make_organisation(name="Schweriner Ausbildungszentrum")
    make_event(title="Im Netz", network=network)
    make_event(title="Vom SAZ", partners=[(PartnerRole.ORGANISER, organiser)])
    make_event(title="Anderswo")

    assert [title.split(" (")[0] for title in atom_entries(client, f"/organisations/{network.slug}/events.atom")] == [
        "Im Netz"
    ]
    calendar = icalendar.Calendar.from_ical(client.get(f"/organisations/{organiser.slug}/events.ics").data)
    assert [str(event["SUMMARY"]) for event in calendar.walk("VEVENT")] == ["Vom SAZ"]
    assert client.get("/organisations/gibt-es-nicht/events.atom").status_code == 404
    assert client.get(f"/organisations/{network.slug}/events.json").status_code == 404
    page = client.get(f"/organisations/{network.slug}").get_data(as_text=True)
    assert f'href="/organisations/{network.slug}/events.atom"' in page


def test_a_feed_reader_that_has_the_feed_is_told_it_is_unchanged(client, make_event):
    make_event()
    first = client.get("/events.atom")
    again = client.get("/events.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    calendar = client.get("/events.ics")
    assert client.get("/events.ics", headers={"If-None-Match": calendar.headers["ETag"]}).status_code == 304
