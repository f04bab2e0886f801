"""What happens to registration questions, for the features above registration that refer to them."""

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
