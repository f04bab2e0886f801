"""The limits as requests meet them: counted by client address, refused with "too many requests" (429)."""

import functools

from flask import abort, request

from conference.limits.services import TooManyRequests, count


def enforce(name: str, client: str | None = None) -> None:
    """Count this request against the limit ``name`` of its ``client`` (by default its address); the "too many
    requests" page once it is used up."""
    try:
        count(name, client or request.remote_addr or "unknown")
    except TooManyRequests as refusal:
        abort(429, retry_after=refusal.retry_after)


def limited(name: str, methods=("POST",)):
    """Route decorator: requests with one of ``methods`` count against the limit ``name``, before the view runs."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method in methods:
                enforce(name)
            return view(*args, **kwargs)

        return wrapper

    return decorate
