import json
import logging
import re
import sys

import sqlalchemy as sa

from conference.extensions import db
from conference.registration.models import Registration
from conference.site.observability import JsonFormatter, PrivateFormatter
from tests.support import open_page


def test_every_response_carries_a_request_id_and_a_proxys_id_is_kept(client):
    first, second = client.get("/"), client.get("/")
    assert len(first.headers["X-Request-ID"]) == 16 and first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    assert client.get("/", headers={"X-Request-ID": "proxy-4711-abcdef"}).headers["X-Request-ID"] == "proxy-4711-abcdef"
    # Anything that does not look like an id is replaced, so it cannot smuggle text into the logs.
    assert client.get("/", headers={"X-Request-ID": "<script>" * 10}).headers["X-Request-ID"] != "<script>" * 10


def test_the_request_log_names_the_route_not_the_secret_in_the_path(client, caplog):
    caplog.set_level(logging.INFO, logger="conference.request")
    response = client.get("/registrations/secret-token-of-a-registrant")
    [record] = [r for r in caplog.records if r.name == "conference.request"]
    line = json.loads(JsonFormatter().format(record))
    assert line["route"] == "/registrations/<token>" and line["status"] == response.status_code == 404
    assert line["method"] == "GET" and line["duration_ms"] >= 0 and "request_id" not in line  # logged after the request
    assert "secret-token" not in json.dumps(line)


def test_the_development_servers_request_log_names_the_route_not_the_secret(app, make_event, caplog):
    """``make run`` serves with werkzeug, whose own log line held each registrant's secret link."""
    import threading
    import urllib.error
    import urllib.request

    from werkzeug.serving import make_server

    from conference.database import utcnow
    from conference.registration import services
    from tests.support import applicant

    registration = services.register(make_event().id, applicant(), utcnow(), by=None).registration
    token = services.link_token(registration)
    caplog.set_level(logging.INFO, logger="werkzeug")
    server = make_server("127.0.0.1", 0, app)  # the server `flask run` starts
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        for path in (f"/registrations/{token}?saved=1", f"/registrations/{token}/edit", "/no/such/page"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}{path}").close()
            except urllib.error.HTTPError as error:
                error.close()
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
    logged = re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(r.getMessage() for r in caplog.records if r.name == "werkzeug"))
    assert token not in logged and "saved" not in logged
    assert (
        '"GET /registrations/<token> HTTP/1.1" 200' in logged and '"GET /registrations/<token>/edit HTTP/1.1"' in logged
    )
    assert '"GET (no route) HTTP/1.1" 404' in logged


def test_json_log_lines_carry_the_request_id_inside_a_request(app):
    record = logging.makeLogRecord(
        {"name": "conference.mail", "levelname": "WARNING", "msg": "mail %s failed", "args": (7,), "recipient_count": 3}
    )
    with app.test_request_context():
        from flask import g

        g.request_id = "abc123abc123"
        line = json.loads(JsonFormatter().format(record))
    assert line | {"time": None} == {
        "time": None,
        "level": "WARNING",
        "logger": "conference.mail",
        "message": "mail 7 failed",
        "request_id": "abc123abc123",
        "recipient_count": 3,
    }


def test_the_error_page_shows_the_request_id(app, caplog):
    def fail():
        raise RuntimeError("boom")

    open_page(app, "/__fail", fail)

    app.config.update(TESTING=False, PROPAGATE_EXCEPTIONS=False)
    response = app.test_client().get("/__fail", headers={"X-Request-ID": "support-case-0815"})
    assert response.status_code == 500
    assert "support-case-0815" in response.get_data(as_text=True)
    [logged] = [r for r in caplog.records if r.exc_info]
    assert logged.getMessage() == "Exception on /__fail [GET]"


def test_health_check_answers_while_the_database_does(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}
    db.session.remove()
    broken = sa.create_engine("sqlite:////nonexistent-folder/x.sqlite3")
    original = db.engines[None]
    db.engines[None] = broken
    try:
        response = client.get("/healthz")
    finally:
        db.engines[None] = original
    assert response.status_code == 503 and response.json["database"] == "unavailable"


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
