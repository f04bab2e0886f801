"""What happens to registration questions, for the features above registration that refer to them."""

from blinker import Namespace

_signals = Namespace()

# sender: the duplicated event; source: the event copied; copies: each copied question's id -> its copy (flushed)
questions_copied = _signals.signal("questions-copied")
