"""Arranging an event's agenda for display."""

from dataclasses import dataclass
from datetime import datetime

from conference.agenda.models import AgendaItem, AgendaItemKind
from conference.people.models import Person


@dataclass
class TimeSlot:
    """Items that start together: one item, or parallel forums in several rooms."""

    starts_at: datetime
    ends_at: datetime
    items: list[AgendaItem]

    @property
    def is_parallel(self) -> bool:
        return len(self.items) > 1


def time_slots(items: list[AgendaItem]) -> list[TimeSlot]:
    slots: dict[datetime, list[AgendaItem]] = {}
    for item in sorted(items, key=lambda item: item.starts_at):
        slots.setdefault(item.starts_at, []).append(item)
    return [
        TimeSlot(
            starts_at=start,
            ends_at=max(item.ends_at for item in group),
            items=sorted(group, key=lambda item: (item.room.position if item.room else -1, item.id)),
        )
        for start, group in slots.items()
    ]


def good_practice_items(items: list[AgendaItem]) -> list[AgendaItem]:
    return [item for item in items if item.kind == AgendaItemKind.GOOD_PRACTICE]


def people_of(items: list[AgendaItem]) -> list[Person]:
    """Everyone who speaks or moderates, in order of first appearance, each once."""
    seen: dict[int, Person] = {}
    for item in sorted(items, key=lambda item: item.starts_at):
        for appearance in item.appearances:
            seen.setdefault(appearance.person.id, appearance.person)
    return list(seen.values())
