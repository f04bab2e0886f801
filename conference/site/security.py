"""HTTP headers that make browsers enforce what the app promises, and trust in the reverse proxy."""

from flask import Flask, Response, abort, request
from werkzeug.middleware.proxy_fix import ProxyFix

# Every script and style is a file of the app's own; images may also be inline (QR codes as data: URLs).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
# The check-in page's QR scanner (qr-scanner) decodes camera frames in a Web Worker that it starts
# from a blob: URL; only that page allows it. Making a blob needs script, which stays 'self' only.
SCANNER_POLICY = CONTENT_SECURITY_POLICY + "; worker-src blob:"
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Registrants' links carry their secret: other sites never see the address a visitor came from.
    # (Not "no-referrer": CSRF protection on HTTPS compares the Referer with the site's own address.)
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=(), payment=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000; includeSubDomains"


def refuse_control_characters() -> None:
    """A path or query with NUL or another control character is no address anyone typed; PostgreSQL
    refuses NUL in text, so such a value must never reach a query."""
    if any(
        ord(character) < 32 or ord(character) == 127
        for character in request.path + "".join(request.args.keys()) + "".join(request.args.values())
    ):
        abort(400)


def init(app: Flask) -> None:
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies:
        # Behind N reverse proxies: the client's address, scheme and host come from their X-Forwarded-* headers.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]  # as Flask's documentation wraps it
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )

    app.before_request(refuse_control_characters)

    @app.after_request
    def add_headers(response):
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if "frame-ancestors 'none'" not in response.headers["Content-Security-Policy"]:
            del response.headers["X-Frame-Options"]  # it knows no list of sites: frame-ancestors has the page's
        if request.view_args and {"token", "partner"} & request.view_args.keys():
            # Behind a secret link (a registrant's or the partners'): nobody else keeps a copy. The link
            # does not leak as a referrer either: Referrer-Policy "same-origin" (above); "no-referrer" would
            # make browsers omit the Referer that CSRF protection checks on HTTPS.
            response.headers["Cache-Control"] = "private, no-store"
        if request.is_secure:
            response.headers["Strict-Transport-Security"] = HSTS
        return revalidated(response)


def revalidated(response: Response) -> Response:
    """A public page carries an ETag of its content: a browser or proxy asking again with it gets
    "304 Not Modified" until the page (its event, agenda, partners) has changed, and no body."""
    private = "no-store" in response.headers.get("Cache-Control", "") or request.path.startswith("/manage/")
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not private
        and not response.is_streamed
    ):
        response.headers.setdefault("Cache-Control", "no-cache")
        response.add_etag()
        response.make_conditional(request)
    return response


def allow_blob_workers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = SCANNER_POLICY
    return response
