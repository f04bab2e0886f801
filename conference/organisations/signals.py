"""What happens to an organisation, for the features above that point to organisations.

Sent inside the transaction of the change (blinker), so what the receivers do commits or rolls back with it.
"""

from blinker import Namespace

_signals = Namespace()

# sender: the organisation kept; duplicate: the one merged into it, deleted once the receivers have moved
# what pointed to it
merging = _signals.signal("organisation-merging")
