from conference import create_app
from conference.site.security import CONTENT_SECURITY_POLICY
from tests.support import log_in, open_page


def test_pages_forbid_inline_scripts_framing_and_sniffing(client, make_event):
    event = make_event()
    for path in ("/", f"/events/{event.slug}", "/no/such/page", "/healthz"):
        headers = client.get(path).headers
        assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, path
        assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
        assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain http: HSTS would be ignored anyway


def test_https_behind_a_trusted_proxy_gets_hsts_and_the_clients_address(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "CONFERENCE_ENV": "testing",
            "TRUSTED_PROXIES": 1,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'proxy.sqlite3'}",
        }
    )

    def who():
        from flask import request

        return request.remote_addr

    open_page(app, "/__who", who)

    client = app.test_client()
    response = client.get("/__who", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert response.get_data(as_text=True) == "203.0.113.9"
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    # Without a trusted proxy the forwarded headers mean nothing: anyone could send them.
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


def test_cookies_are_secure_and_http_only_in_production(tmp_path):
    app = create_app(
        {
            "CONFERENCE_ENV": "production",
            "SECRET_KEY": "x" * 32,
            "PUBLIC_URL": "https://tagung.example.org",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["REMEMBER_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_a_public_page_is_sent_again_only_when_it_has_changed(client, make_event, make_user):
    from conference.extensions import db

    event = make_event(title="Fachtagung: Vielfalt als Stärke")
    first = client.get(f"/events/{event.slug}")
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "no-cache"

    again = client.get(f"/events/{event.slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    event.title = "Fachtagung: Vielfalt als Stärke – neuer Termin"
    db.session.commit()
    changed = client.get(f"/events/{event.slug}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "neuer Termin" in changed.get_data(as_text=True)

    log_in(client, make_user(events=[event]))
    private = client.get(f"/manage/events/{event.id}/registrations/")
    assert "ETag" not in private.headers and private.headers["Cache-Control"] == "no-store"


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
