"""Helpers that tests import (fixtures stay in the conftest files): people to register, forms as a browser sends
them, logging in, and the values of URL rules."""

import itertools
import re
import socket

from conference.accounts.models import User
from conference.check_in import services as door
from conference.registration.services import Applicant

counter = itertools.count(1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def applicant(**fields) -> Applicant:
    number = next(counter)
    return Applicant(
        **(
            {
                "first_name": "Ayşe",
                "last_name": f"Yılmaz {number}",
                "email": f"person{number}@example.org",
                "organisation": "Schweriner Ausbildungszentrum e.V.",
            }
            | fields
        )
    )


def open_page(app, path: str, view) -> None:
    """A page of the test's own, open to anyone: app-level endpoints are refused unless declared
    (accounts/access.py)."""
    app.add_url_rule(path, endpoint=f"site.{view.__name__}", view_func=view)


def check_in(registration) -> None:
    """Check ``registration`` in as the door does at its event's start, whenever the test runs."""
    event = registration.event
    assert door.check_in(event, door.Scan(registration.check_in_code), event.starts_at, by=None).admitted


def form_token(client, url: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get(url).get_data(as_text=True)).group(1)


def form_as_sent(html: str) -> dict[str, str]:
    """What a browser sends for the (only) form on a page left as it is: inputs, ticked boxes only, the chosen
    options, and text areas with the CRLF line breaks browsers send. Values stay HTML-escaped, as plain tests need."""
    data = {
        name: value
        for tag, name, value in re.findall(r'(<input[^>]*name="(\w+)"[^>]*value="([^"]*)"[^>]*>)', html)
        if 'type="checkbox"' not in tag or "checked" in tag
    }
    data |= dict(re.findall(r'<select[^>]*name="(\w+)".*?<option selected value="([^"]*)"', html, re.S))
    data |= {
        name: value.removeprefix("\r\n").removeprefix("\n").replace("\n", "\r\n")
        for name, value in re.findall(r'<textarea[^>]*name="(\w+)"[^>]*>(.*?)</textarea>', html, re.S)
    }
    return data


def log_in(client, user: User, password: str = "ein-langes-passwort"):
    return client.post(
        "/login", data={"email": user.email, "password": password, "csrf_token": form_token(client, "/login")}
    )


def path_of(rule, values: dict) -> str:
    return re.sub(r"<(?:[^:<>]+:)?(\w+)>", lambda match: str(values[match.group(1)]), rule.rule)
