"""Sliding-window rate limits per client address, counted in the database.

Flask-Limiter would keep counts in process memory (every server counting for itself) unless
Redis is set up; a counter row per address and window works on every deployment. Each request
is counted before the view runs, in one statement that adds it and returns the new count (an
upsert): a burst cannot slip between a read and a later write, and a request the view refuses
still counts. The window slides: requests are counted in SLICES slices of ``per``, and what counts is the
sum over the last SLICES of them, so the requests of the last ``per`` (to a slice) count wherever they fall,
and twice the limit no longer fits around the edge of a fixed window.
"""

import functools
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from conference.database import rows_changed, table_of, utcnow, write_transaction
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
    "api": Limit(600, timedelta(minutes=10)),  # the public API's reads, per client address
    "api-token": Limit(1200, timedelta(minutes=10)),  # per token: a door's scanner is not held up by public traffic
    "api-token-refused": Limit(30, timedelta(minutes=10)),  # per address: guesses at tokens
    # Log-in attempts per typed address and per client address (accounts.services.authenticate).
    "login-email": Limit(5, timedelta(minutes=15)),
    "login-address": Limit(20, timedelta(minutes=15)),
    "login-code": Limit(5, timedelta(minutes=15)),  # second-step codes per account
}


class TooManyRequests(Exception):
    def __init__(self, retry_after: int):
        self.retry_after = retry_after


SLICES = 15  # a limit per 15 minutes slides by the minute


@dataclass(frozen=True)
class _Window:
    limit: Limit
    slice_seconds: int
    current: int  # the number of the slice now
    keys: dict[int, str]  # the counter of each slice within the window, oldest first
    now: float


def _window(name: str, client: str) -> _Window:
    limit = (DEFAULT_LIMITS | current_app.config.get("RATE_LIMITS", {}))[name]
    slice_seconds = max(1, int(limit.per.total_seconds()) // SLICES)
    now = utcnow().timestamp()
    current = int(now // slice_seconds)
    return _Window(
        limit,
        slice_seconds,
        current,
        {number: f"{name}:{client[:150]}:{number}" for number in range(current - SLICES + 1, current + 1)},
        now,
    )


@functools.cache
def _counting(dialect: str) -> sa.Insert:
    """The statement that counts a request, built once (it runs before every limited request) and on the table, not
    the model, so that the ORM does not make it anew each time: adds one to the current slice's counter and returns
    it, with the sum of the earlier slices, which are no longer written."""
    table = table_of(RateLimitCounter)
    counters = table.c
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    return (
        insert.values(key=sa.bindparam("key"), hits=1, expires_at=sa.bindparam("expires_at"))
        .on_conflict_do_update(index_elements=[counters.key], set_={"hits": counters.hits + 1})
        .returning(
            counters.hits,
            sa.select(sa.func.coalesce(sa.func.sum(counters.hits), 0))
            .where(counters.key.in_(sa.bindparam("earlier_keys", expanding=True)))
            .scalar_subquery(),
        )
    )


def count(name: str, client: str) -> None:
    """Count this request; TooManyRequests once the requests within the last ``per`` exceed the limit."""
    window = _window(name, client)
    slice_ends_at = datetime.fromtimestamp((window.current + 1) * window.slice_seconds, UTC)
    earlier_keys = [key for number, key in window.keys.items() if number != window.current]
    with write_transaction():
        row = db.session.execute(
            _counting(db.engine.dialect.name),
            {
                "key": window.keys[window.current],
                "expires_at": slice_ends_at + window.limit.per,
                "earlier_keys": earlier_keys,
            },
        ).one()
    hits, earlier = int(row[0]), int(row[1])
    excess = hits + earlier - window.limit.hits
    if excess > 0:  # refused: how long until enough requests have slid out, oldest first
        counts = dict(
            db.session.execute(
                sa.select(RateLimitCounter.key, RateLimitCounter.hits).where(RateLimitCounter.key.in_(earlier_keys))
            ).all()
        ) | {window.keys[window.current]: hits}
        for number, key in window.keys.items():
            excess -= counts.get(key, 0)
            if excess <= 0:
                slid_out_at = (number + SLICES) * window.slice_seconds
                raise TooManyRequests(retry_after=max(1, math.ceil(slid_out_at - window.now)))


def uncount(name: str, client: str) -> None:
    """Take one request back out of its window (a log-in that succeeded was no guess)."""
    window = _window(name, client)
    with write_transaction():
        db.session.execute(
            sa.update(RateLimitCounter)
            .where(RateLimitCounter.key == window.keys[window.current], RateLimitCounter.hits > 0)
            .values(hits=RateLimitCounter.hits - 1)
        )


def forget(name: str, client: str) -> None:
    """Clear a client's count (a log-in succeeded: earlier typing slips are forgiven)."""
    keys = list(_window(name, client).keys.values())
    with write_transaction():
        db.session.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.key.in_(keys)))


@tasks.handler("limits.remove_expired", every=timedelta(hours=1))
def remove_expired() -> int:
    with write_transaction():
        return rows_changed(sa.delete(RateLimitCounter).where(RateLimitCounter.expires_at < utcnow()))
