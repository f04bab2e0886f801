"""What a URL names, found, or the "not found" page (404): a wrong, forged or stale id or link."""

from typing import TypeVar

from flask import abort

from conference.extensions import db

T = TypeVar("T")


def found(value: T | None) -> T:
    if value is None:
        abort(404)
    return value


def row_of_event_or_404(model, row_id: int, event):
    """A row that belongs to ``event``: an id from another event is simply not found."""
    row = db.session.get(model, row_id)
    return found(row if row is not None and row.event_id == event.id else None)
