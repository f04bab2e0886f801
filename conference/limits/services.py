"""Fixed-window rate limits per client address, counted in the database.

Flask-Limiter would keep counts in process memory (every server counting for itself) unless
Redis is set up; a counter row per address and window works on every deployment.
"""

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import abort, current_app, request
from sqlalchemy.dialects import postgresql, sqlite

from conference.database import before_next_write, has_pending_writes, utcnow, write_transaction
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


def check(name: str, client: str) -> None:
    """Refuse with TooManyRequests when this window's requests are used up (a plain read, no lock)."""
    limit, key, ends_at = _window(name, client)
    if (db.session.scalar(sa.select(RateLimitCounter.hits).where(RateLimitCounter.key == key)) or 0) >= limit.hits:
        raise TooManyRequests(retry_after=max(1, int((ends_at - utcnow()).total_seconds())))


def count(name: str, client: str) -> None:
    """Add this request to its window, inside the caller's write transaction."""
    _limit, key, ends_at = _window(name, client)
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(RateLimitCounter)
    db.session.execute(insert.values(key=key, hits=1, expires_at=ends_at).on_conflict_do_update(
        index_elements=[RateLimitCounter.key], set_={"hits": RateLimitCounter.hits + 1}))


def limited(name: str, methods=("POST",)):
    """Route decorator: requests with one of ``methods`` count against the limit ``name``.

    The count is written within the view's own write transaction when it has one (a registration),
    else in a small transaction afterwards: one commit per request, not two.
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method not in methods:
                return view(*args, **kwargs)
            client = request.remote_addr or "unknown"
            try:
                check(name, client)
            except TooManyRequests as refusal:
                abort(429, retry_after=refusal.retry_after)
            before_next_write(lambda: count(name, client))
            try:
                return view(*args, **kwargs)
            finally:
                if has_pending_writes():  # the view wrote nothing (or stopped with an error)
                    with write_transaction():
                        pass  # runs the count

        return wrapper

    return decorate


@tasks.handler("limits.remove_expired", every=timedelta(hours=1))
def remove_expired() -> int:
    with write_transaction():
        return db.session.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.expires_at < utcnow())).rowcount
