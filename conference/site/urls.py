from datetime import date
from urllib.parse import urlsplit

from flask import current_app, has_request_context, url_for
from slugify import slugify as make_slug
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
    # Werkzeug's URL map bound to PUBLIC_URL, as Flask's url_for binds it to SERVER_NAME outside a request: a
    # request context made for each link was a twentieth of building a mail.
    address = urlsplit(public)
    adapter = current_app.url_map.bind(address.netloc, script_name=address.path or "/", url_scheme=address.scheme)
    current_app.inject_url_defaults(endpoint, values)
    return adapter.build(endpoint, values, force_external=True)


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


# German umlauts are written out, as German readers expect in an address ("fachkraefte", not "fachkrafte").
GERMAN_LETTERS = [["Ä", "Ae"], ["Ö", "Oe"], ["Ü", "Ue"], ["ä", "ae"], ["ö", "oe"], ["ü", "ue"], ["ß", "ss"]]


def slugify(text: str) -> str:
    """A web address from a title: other letters transliterated (python-slugify), lower case, hyphens."""
    return make_slug(text, max_length=100, word_boundary=True, replacements=GERMAN_LETTERS) or "veranstaltung"


def dated_slug(title: str, day: date) -> str:
    """The address of an event copied for a new day: its title and the date, the year only once."""
    base = "-".join(word for word in slugify(title).split("-") if word != str(day.year))[:89].strip("-")
    return f"{base}-{day.isoformat()}" if base else day.isoformat()
