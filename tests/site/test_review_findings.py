"""Smaller findings of the outside review: public PDFs, cached pages, logged row data, addresses that cannot be
delivered."""

import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import sqlalchemy as sa

from conference.documents import render
from conference.documents.pdf import Metadata
from conference.events.models import ParticipantListMode
from conference.extensions import db
from conference.limits.services import Limit
from conference.registration.models import Registration
from conference.site.observability import JsonFormatter, PrivateFormatter
from tests.support import log_in
from tests.support.registration import submit


def test_the_public_programme_is_rendered_once_for_requests_at_once_and_answers_304_when_unchanged(
    app, client, make_event, monkeypatch
):
    renders, real = [], render.render_chunks
    monkeypatch.setattr(render, "render_chunks", lambda *args: renders.append(1) or real(*args))

    def fetch(_number):
        with app.app_context():
            return render.shared_pdf("<p>Programm</p>", Metadata("Programm", "Orga", "de"))[1]

    with ThreadPoolExecutor(max_workers=6) as pool:
        etags = set(pool.map(fetch, range(12)))
    assert len(renders) == 1 and len(etags) == 1

    event = make_event()
    first = client.get(f"/events/{event.slug}/programme.pdf")
    assert first.status_code == 200 and first.data.startswith(b"%PDF") and first.headers["ETag"]
    again = client.get(f"/events/{event.slug}/programme.pdf", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and len(renders) == 2  # the event's programme once, the 304 renders nothing


def test_the_public_participant_list_as_pdf_is_limited(app, client, make_event):
    app.config["RATE_LIMITS"] = {"participant-list-pdf": Limit(2, timedelta(minutes=10))}
    event = make_event(participant_list_mode=ParticipantListMode.PUBLIC)
    assert [client.get(f"/events/{event.slug}/participants.pdf").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(f"/events/{event.slug}/participants").status_code == 200  # the page itself is not limited


def test_back_office_pages_and_files_are_never_kept_by_browsers_or_proxies(client, url_values, make_user):
    event, values = url_values
    log_in(client, make_user(events=[event]))
    for url in (
        "/manage/",
        f"/manage/events/{event.id}/registrations/",
        f"/manage/events/{event.id}/check-in/",
        f"/manage/events/{event.id}/materials/{values['material_id']}/file",
    ):
        with client.get(url) as response:
            assert response.headers["Cache-Control"] == "no-store", url


def test_a_database_error_logs_the_statement_but_not_the_row_data(app, make_event):
    address = "@".join(("geheim", "example.org"))  # not spelled out, or the traceback's source line would show it
    try:
        db.session.execute(sa.insert(Registration).values(event_id=make_event().id, email=address))
    except sa.exc.IntegrityError:
        record = logging.makeLogRecord({"msg": "Exception on /x [POST]", "exc_info": sys.exc_info()})
    db.session.rollback()
    for formatter in (JsonFormatter(), PrivateFormatter()):
        logged = formatter.format(record)
        assert "INSERT INTO registration" in logged and "geheim@example.org" not in logged


@pytest.mark.parametrize(
    "typed, stored", [("anna@müller.de", "anna@xn--mller-kva.de"), ("Anna@Example.ORG", "anna@example.org")]
)
def test_addresses_are_stored_as_mail_servers_deliver_them(client, make_event, typed, stored):
    event = make_event()
    assert submit(client, event, email=typed).status_code == 303
    assert db.session.scalar(sa.select(Registration.email)) == stored


def test_umlauts_before_the_at_sign_get_a_message(client, make_event):
    response = submit(client, make_event(), email="jürgen@example.org")
    assert response.status_code == 422 and "ohne Umlaute" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
