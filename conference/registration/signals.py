"""What happens to registrations and their questions, for the features above registration that refer to them."""

import enum

from blinker import Namespace

_signals = Namespace()

# sender: the duplicated event; source: the event copied; copies: each copied question's id -> its copy (flushed)
questions_copied = _signals.signal("questions-copied")

# sender: a question; each receiver returns what else shows its answers (e.g. a column of a printed list), in the
# organiser's words, for the page that removes it or changes its kind to say so
question_shown = _signals.signal("question-shown")

# sender: a question; each receiver returns how many answers to it a feature above keeps apart from the registrations
# (an evaluation's): a question with answers is taken off its form rather than deleted with them
answers_kept = _signals.signal("answers-kept")


class Change(enum.StrEnum):
    """What happened to a registration, as the network's own tools are told of it (webhooks)."""

    CREATED = "registration.created"
    CHANGED = "registration.changed"  # details, answers, forums, an organiser's decision, a check-in undone
    CANCELLED = "registration.cancelled"
    MOVED_UP = "registration.moved_up"  # from the waiting list into a seat
    CHECKED_IN = "registration.checked_in"


# sender: a registration (flushed), inside the transaction that changed it; change: a Change
changed = _signals.signal("registration-changed")
