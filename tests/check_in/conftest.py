"""The door's tests share an event under way, a way to register people at it and its check-in helpers."""

from datetime import timedelta

import pytest

from conference.accounts.models import EventAssignment, EventRole
from conference.database import utcnow
from conference.extensions import db


@pytest.fixture
def today(make_event):
    """An event with two seats that started an hour ago and ends in five."""
    now = utcnow()
    return make_event(starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5), capacity=2)


@pytest.fixture
def helper_for(make_user):
    """A check-in helper of ``event``: ``helper_for(event)``."""

    def make(event):
        helper = make_user()
        db.session.add(EventAssignment(user=helper, event=event, role=EventRole.CHECK_IN))
        db.session.commit()
        return helper

    return make
