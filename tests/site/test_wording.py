"""What organisers and visitors read: the words fit the page, numbers are written the German way, the site has an
icon."""

from flask_babel import force_locale

from conference.database import utcnow
from conference.registration import services
from conference.site.filters import file_size
from tests.support import applicant, log_in


def test_sizes_are_written_in_the_readers_language(app):
    with app.test_request_context():
        assert [file_size(size) for size in (512, 52_428_800, 3_100_000_000)] == ["512 B", "52,4 MB", "3,1 GB"]
    with app.test_request_context(), force_locale("en"):
        assert file_size(52_428_800) == "52.4 MB"


def test_a_no_button_says_what_is_kept(client, make_event, make_user, make_agenda_item):
    event = make_event()
    item = make_agenda_item(event, 0, title="Podium")
    person = services.register(event.id, applicant(), utcnow(), by=None).registration
    assert "Nein, Anmeldung behalten" in client.get(f"/registrations/{services.link_token(person)}/cancel").get_data(
        as_text=True
    )
    log_in(client, make_user(events=[event]))
    page = client.get(f"/manage/events/{event.id}/agenda/{item.id}/delete").get_data(as_text=True)
    assert "Nein, behalten" in page and "Anmeldung behalten" not in page
    assert "höchstens 50 MB" in client.get(f"/manage/events/{event.id}/materials/").get_data(as_text=True)


def test_the_site_has_an_icon(client):
    assert 'rel="icon"' in client.get("/").get_data(as_text=True)
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    with client.get(response.location) as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
