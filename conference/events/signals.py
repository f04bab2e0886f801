"""What happens to an event, for the features above events that take part in it.

Sent inside the transaction of the change (blinker, which comes with Flask), so what the receivers
do commits or rolls back with it: a duplicated event is whole or not there at all.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the new event; by: the user who made it (None from the command line or the demo)
created = _signals.signal("event-created")
# sender: the copy; source: the event copied; shift: how far its times moved
duplicated = _signals.signal("event-duplicated")
# sender: the event, locked, with its new capacity
capacity_changed = _signals.signal("event-capacity-changed")
# sender: the event, locked, whose way of taking part (on site, online, both) just changed; by: as above
mode_changed = _signals.signal("event-mode-changed")
# sender: the event, locked, published and not over, whose online link or access code just changed
online_access_changed = _signals.signal("event-online-access-changed")
# sender: the event, locked, just called off
cancelled = _signals.signal("event-cancelled")
# sender: the event, locked, published and not over, whose time or place (TIME_AND_PLACE in services) just changed
moved = _signals.signal("event-moved")
