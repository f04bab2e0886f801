"""Fixed-window rate limits per client address, counted in the database.

Flask-Limiter would keep counts in process memory (every server counting for itself) unless
Redis is set up; a counter row per address and window works on every deployment. Each request
is counted before the view runs, in one statement that adds it and returns the new count (an
upsert): a burst cannot slip between a read and a later write, and a request the view refuses
still counts.
"""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import abort, current_app, request
from sqlalchemy.dialects import postgresql, sqlite

from conference.database import utcnow, write_transaction
from conference.extensions import db
from conference.limits.models import RateLimitCounter
from conference.tasks import services as tasks


@dataclass(frozen=True)
class Limit:
    hits: int
    per: timedelta


# What a person can plausibly need, with room for a shared office address; the setting RATE_LIMITS overrides them.
DEFAULT_LIMITS = {
    "registration": Limit(30, timedelta(minutes=10)),
    "lost-link": Limit(5, timedelta(minutes=15)),
    "forgot-password": Limit(5, timedelta(minutes=15)),
    "verification": Limit(60, timedelta(minutes=10)),
    "participant-list-pdf": Limit(30, timedelta(minutes=10)),  # rendered anew each time: it names people
    # Log-in attempts per typed address and per client address (accounts.services.authenticate).
    "login-email": Limit(5, timedelta(minutes=15)),
    "login-address": Limit(20, timedelta(minutes=15)),
    "login-code": Limit(5, timedelta(minutes=15)),  # second-step codes per account
}


class TooManyRequests(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


def _window(name: str, client: str) -> tuple[Limit, str, datetime]:
    """The limit, the counter's key for the current window, and when that window ends."""
    limit = (DEFAULT_LIMITS | current_app.config.get("RATE_LIMITS", {}))[name]
    seconds = int(limit.per.total_seconds())
    now = int(utcnow().timestamp())
    return limit, f"{name}:{client}:{now // seconds}"[:200], datetime.fromtimestamp(now - now % seconds + seconds, timezone.utc)


def count(name: str, client: str) -> None:
    """Count this request in its window; TooManyRequests once the window's requests are used up."""
    limit, key, ends_at = _window(name, client)
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(RateLimitCounter)
    with write_transaction():
        hits = db.session.scalar(insert.values(key=key, hits=1, expires_at=ends_at).on_conflict_do_update(
            index_elements=[RateLimitCounter.key], set_={"hits": RateLimitCounter.hits + 1}).returning(RateLimitCounter.hits))
    if hits > limit.hits:
        raise TooManyRequests(retry_after=max(1, int((ends_at - utcnow()).total_seconds())))


def uncount(name: str, client: str) -> None:
    """Take one request back out of its window (a log-in that succeeded was no guess)."""
    _limit, key, _ends_at = _window(name, client)
    with write_transaction():
        db.session.execute(sa.update(RateLimitCounter).where(RateLimitCounter.key == key, RateLimitCounter.hits > 0)
                           .values(hits=RateLimitCounter.hits - 1))


def forget(name: str, client: str) -> None:
    """Clear a client's window (a log-in succeeded: earlier typing slips are forgiven)."""
    _limit, key, _ends_at = _window(name, client)
    with write_transaction():
        db.session.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.key == key))


def enforce(name: str) -> None:
    """Count this request against the limit ``name``; the "too many requests" page once it is used up."""
    try:
        count(name, request.remote_addr or "unknown")
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


@tasks.handler("limits.remove_expired", every=timedelta(hours=1))
def remove_expired() -> int:
    with write_transaction():
        return db.session.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.expires_at < utcnow())).rowcount
