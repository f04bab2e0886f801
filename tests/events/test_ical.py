import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import icalendar

from conference.events.models import EventStatus

BERLIN = ZoneInfo("Europe/Berlin")


def test_event_calendar_parses_back_with_times_place_and_agenda(client, make_event, make_agenda_item):
    event = make_event(
        title="Fachtagung: Anerkennung durch Anerkennung",
        starts_at=datetime(2011, 9, 29, 9, 30, tzinfo=BERLIN),
        ends_at=datetime(2011, 9, 29, 16, 0, tzinfo=BERLIN),
        venue="Schweriner Ausbildungszentrum e.V.",
        city="Schwerin",
        contact_email="tagung@example.org",
    )
    make_agenda_item(event, 0, 30, title="Begrüßung")
    make_agenda_item(event, 30, 45, title="Fachkräftebedarf in MV", room="Großer Saal")

    response = client.get(f"/events/{event.slug}/event.ics")

    assert response.mimetype == "text/calendar"
    assert f'filename="{event.slug}.ics"' in response.headers["Content-Disposition"]
    calendar = icalendar.Calendar.from_ical(response.data)
    [vevent] = calendar.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Fachtagung: Anerkennung durch Anerkennung"
    assert vevent.decoded("DTSTART") == datetime(2011, 9, 29, 7, 30, tzinfo=UTC)
    assert vevent.decoded("DTEND") == datetime(2011, 9, 29, 14, 0, tzinfo=UTC)
    assert "Schwerin" in str(vevent["LOCATION"])
    description = str(vevent["DESCRIPTION"])
    assert "9.30 – 10.00 Uhr  Begrüßung" in description
    assert "10.00 – 10.45 Uhr  Fachkräftebedarf in MV (Großer Saal)" in description
    assert str(vevent["URL"]).endswith(f"/events/{event.slug}")
    assert str(vevent["STATUS"]) == "CONFIRMED"


def test_feed_holds_every_public_event_and_marks_cancellations(client, make_event):
    make_event(title="Tagung A")
    make_event(title="Tagung B", status=EventStatus.CANCELLED)
    make_event(title="Entwurf", status=EventStatus.DRAFT)

    calendar = icalendar.Calendar.from_ical(client.get("/events.ics").data)

    events = {str(vevent["SUMMARY"]): vevent for vevent in calendar.walk("VEVENT")}
    assert set(events) == {"Tagung A", "Tagung B"}
    assert str(events["Tagung B"]["STATUS"]) == "CANCELLED"
    assert len({str(vevent["UID"]) for vevent in events.values()}) == 2


def test_calendar_descriptions_follow_the_interface_language(client, make_event, make_agenda_item):
    event = make_event()
    make_agenda_item(event, 0, 30, title="Begrüßung")
    with client.session_transaction() as session:
        session["locale"] = "en"
    description = str(
        icalendar.Calendar.from_ical(client.get(f"/events/{event.slug}/event.ics").data).walk("VEVENT")[0][
            "DESCRIPTION"
        ]
    )
    assert "Agenda:" in description and re.search(r"\b\d\d:\d\d – ", description) and "Uhr" not in description
