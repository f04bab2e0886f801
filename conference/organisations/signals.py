"""What happens to an organisation, for the features above that point to organisations.

Sent inside the transaction of the change (blinker), so what the receivers do commits or rolls back with it.
"""

from collections.abc import Collection

from blinker import Namespace

_signals = Namespace()

# sender: the organisation kept; duplicate: the one merged into it, deleted once the receivers have moved
# what pointed to it
merging = _signals.signal("organisation-merging")

# sender: the ids of some organisations; each receiver returns pairs (organisation id, event id) of the events whose
# pages show one of them (as partner, network, presenter, or the organisation of a speaker), in one query however
# many: who may change them, and whose logs tell of a change
showing = _signals.signal("organisation-showing")


def events_showing_each(organisation_ids: Collection[int]) -> dict[int, set[int]]:
    """The ids of the events showing each of the organisations (an empty set for one that none shows)."""
    shown: dict[int, set[int]] = {organisation_id: set() for organisation_id in organisation_ids}
    for _receiver, pairs in showing.send(list(organisation_ids)):
        for organisation_id, event_id in pairs:
            shown[organisation_id].add(event_id)
    return shown


def events_showing(organisation_id: int) -> set[int]:
    return events_showing_each([organisation_id])[organisation_id]
