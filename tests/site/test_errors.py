import pytest

from tests.support import log_in, open_page


def test_not_found_page_is_in_the_site_style(client):
    response = client.get("/no/such/page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Seite nicht gefunden" in html and "Zur Veranstaltungsübersicht" in html
    assert 'class="site-header"' in html


def test_wrong_method_gets_a_page_not_a_stack_trace(client):
    response = client.post("/events.ics")
    assert response.status_code == 405
    assert "Hier nicht möglich" in response.get_data(as_text=True)


@pytest.fixture
def failing_app(app):
    def fail():
        raise RuntimeError("boom")

    open_page(app, "/__fail", fail)
    app.config["TESTING"] = False  # let Flask turn the exception into a 500 page
    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_server_error_page_hides_the_details(failing_app):
    response = failing_app.test_client().get("/__fail")
    html = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Etwas ist schiefgegangen" in html
    assert "boom" not in html and "Traceback" not in html


def test_a_form_posted_without_its_token_gets_a_clear_message(app, client):
    @app.post("/__form")
    def form():
        return "stored"

    response = client.post("/__form", data={"name": "x"})
    assert response.status_code == 400
    assert "Das Formular war abgelaufen" in response.get_data(as_text=True)


def test_an_oversized_form_gets_a_clear_page(client, make_event):
    event = make_event()
    response = client.post(f"/events/{event.slug}/register", data={"first_name": "x" * 2_000_000})
    assert response.status_code == 413
    assert "zu groß" in response.get_data(as_text=True)


HUGE = "9" * 30


def test_numbers_too_big_for_an_id_are_not_found_not_a_server_error(client, make_event, make_user):
    event = make_event()
    log_in(client, make_user(events=[event]))
    for url in (
        f"/speakers/{HUGE}",
        f"/events/{event.slug}/materials/{HUGE}",
        f"/manage/events/{HUGE}/agenda/",
        f"/manage/events/{event.id}/registrations/{HUGE}",
        f"/manage/people/{HUGE}",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/manage/events/{event.id}/registrations/?page={HUGE}").status_code in (200, 404)
    assert client.get(f"/manage/events/{event.id}/registrations/?page=-5").status_code == 200
