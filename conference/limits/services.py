"""Fixed-window rate limits per client address, counted in the database.

Flask-Limiter would keep counts in process memory (every server counting for itself) unless
Redis is set up; a counter row per address and window works on every deployment.
"""

import functools
from dataclasses import dataclass
from datetime import timedelta

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
}


class TooManyRequests(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


def hit(name: str, client: str) -> None:
    """Count one request; raises TooManyRequests once the limit of this window is used up."""
    limit = (DEFAULT_LIMITS | current_app.config.get("RATE_LIMITS", {}))[name]
    now = utcnow()
    seconds = int(limit.per.total_seconds())
    window = int(now.timestamp()) // seconds
    expires_at = now.replace(microsecond=0) + timedelta(seconds=seconds - int(now.timestamp()) % seconds)
    insert = (postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert)(RateLimitCounter)
    statement = insert.values(key=f"{name}:{client}:{window}"[:200], hits=1, expires_at=expires_at)
    statement = statement.on_conflict_do_update(
        index_elements=[RateLimitCounter.key], set_={"hits": RateLimitCounter.hits + 1}
    ).returning(RateLimitCounter.hits)
    with write_transaction():
        if db.engine.dialect.name == "postgresql":
            # A count lost in a crash does no harm: do not wait for the disk (saves a flush per request).
            db.session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
        hits = db.session.scalar(statement)
    if hits > limit.hits:
        raise TooManyRequests(retry_after=max(1, int((expires_at - now).total_seconds())))


def limited(name: str, methods=("POST",)):
    """Route decorator: requests with one of ``methods`` count against the limit ``name``."""

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if request.method in methods:
                try:
                    hit(name, request.remote_addr or "unknown")
                except TooManyRequests as refusal:
                    abort(429, retry_after=refusal.retry_after)
            return view(*args, **kwargs)

        return wrapper

    return decorate


@tasks.handler("limits.remove_expired", every=timedelta(hours=1))
def remove_expired() -> int:
    with write_transaction():
        return db.session.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.expires_at < utcnow())).rowcount
