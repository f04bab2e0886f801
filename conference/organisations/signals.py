"""What happens to an organisation, for the features above that point to organisations.

Sent inside the transaction of the change (blinker), so what the receivers do commits or rolls back with it.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the organisation kept; duplicate: the one merged into it, deleted once the receivers have moved
# what pointed to it
merging = _signals.signal("organisation-merging")

# sender: an organisation; each receiver returns the ids of the events whose pages show it (as partner, network,
# presenter, or the organisation of a speaker): who may change it, and whose logs tell of a change
showing = _signals.signal("organisation-showing")


def events_showing(organisation) -> set[int]:
    return set().union(*(event_ids for _receiver, event_ids in showing.send(organisation)))
