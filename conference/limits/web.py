"""The limits as requests meet them: counted by client address, refused with "too many requests" (429)."""

import functools
from collections.abc import Callable

from flask import abort, request

from conference.limits.services import TooManyRequests, count


def enforce(name: str, client: str | None = None) -> None:
    """Count this request against the limit ``name`` of its ``client`` (by default its address); the "too many
    requests" page once it is used up."""
    try:
        count(name, client or request.remote_addr or "unknown")
    except TooManyRequests as refusal:
        abort(429, retry_after=refusal.retry_after)


def limited(name: str, methods=("POST",), unless: Callable[[], bool] = lambda: False):
    """Route decorator: requests with one of ``methods`` count against the limit ``name``, before the view runs;
    ``unless`` tells those that do not (a form sent back only to be shown again, which changes nothing)."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method in methods and not unless():
                enforce(name)
            return view(*args, **kwargs)

        return wrapper

    return decorate
