"""The one way to write: a unit of work commits its own changes and nothing it did not make."""

import pytest
import sqlalchemy as sa

from conference.database import ChangedOutside, write_transaction
from conference.events.models import Event
from conference.extensions import db


def title_stored(event_id: int) -> str:
    return db.session.execute(sa.select(Event.title).where(Event.id == event_id)).scalar_one()


@pytest.mark.parametrize("change", ["attribute", "flushed", "statement", "added", "deleted"])
def test_a_change_made_outside_a_unit_of_work_is_refused_and_never_committed_by_the_next_one(make_event, change):
    event, bystander = make_event(title="Fachtagung"), make_event(title="Werkstatt")
    if change == "attribute":
        event.title = "Unbemerkt geändert"
    elif change == "flushed":
        event.title = "Unbemerkt geändert"
        db.session.flush()
    elif change == "statement":
        db.session.execute(sa.update(Event).where(Event.id == event.id).values(title="Unbemerkt geändert"))
    elif change == "added":
        db.session.add(Event(title="Unbemerkt", slug="unbemerkt", starts_at=event.starts_at, ends_at=event.ends_at))
    else:
        db.session.delete(bystander)

    with pytest.raises(ChangedOutside), write_transaction():
        bystander.title = "Werkstatt 2027"
    db.session.rollback()

    assert title_stored(event.id) == "Fachtagung" and title_stored(bystander.id) == "Werkstatt"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2


def test_reads_before_a_unit_of_work_are_ended_and_its_own_change_is_committed(make_event):
    event = make_event(title="Fachtagung")
    assert title_stored(event.id) == "Fachtagung"  # a read, then a write, as a request does
    with write_transaction():
        event.title = "Fachtagung 2027"
    db.session.rollback()
    assert title_stored(event.id) == "Fachtagung 2027"
