import re
import unicodedata
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from werkzeug.routing import IntegerConverter


class IdConverter(IntegerConverter):
    """``<int:…>`` in paths: a number beyond what an id column holds is simply not found, not a database error."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)


def absolute_url(endpoint: str, **values) -> str:
    """A full URL for links that leave the site (mail, calendars, certificates): always from PUBLIC_URL, so a
    mail built during a request and one built by a background task link to the same address. Without
    PUBLIC_URL (the tests) from the request."""
    public = current_app.config["PUBLIC_URL"]
    if has_request_context():
        url = url_for(endpoint, _external=True, **values)
        if not public:
            return url
        address = urlsplit(public)
        return urlsplit(url)._replace(scheme=address.scheme, netloc=address.netloc).geturl()
    if not public:
        raise RuntimeError("Set PUBLIC_URL (e.g. https://tagung.example.org) to build links outside a request.")
    with current_app.test_request_context(base_url=current_app.config["PUBLIC_URL"]):
        return url_for(endpoint, _external=True, **values)


def local_path(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page (no open redirects).

    Browsers read "//host", "/\\host" and "/<tab>/host" as another site, and Werkzeug turns "////host"
    into "//host": a path must start with exactly one slash and hold no backslash, space or control
    character.
    """
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(character.isspace() or ord(character) < 32 or ord(character) == 127 for character in target):
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return "/"
    return target


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "veranstaltung"
