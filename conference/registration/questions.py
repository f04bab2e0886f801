"""The rules of an event's registration questions: asking, changing, ordering and removing them.

Answers are stored as the texts the registrant chose, so a question changed or removed after
people answered it keeps their answers: a removed question leaves the form, but stays in the
export while any registration holds an answer to it.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked, utcnow
from conference.events.models import Event
from conference.extensions import db
from conference.registration.models import Answer, Question, QuestionKind, Questionnaire
from conference.registration.signals import answers_kept, question_shown
from conference.rules import Refusal

CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
MAX_OPTIONS = 100
CONDITION_KINDS = (QuestionKind.YES_NO, *CHOICE_KINDS)
# What each form may ask: a scale only in the evaluation, whose answers are opinions, not the facts of a person.
KINDS: dict[Questionnaire, list[QuestionKind]] = {
    Questionnaire.REGISTRATION: [kind for kind in QuestionKind if kind != QuestionKind.SCALE],
    Questionnaire.EVALUATION: [
        QuestionKind.SCALE,
        QuestionKind.SINGLE_CHOICE,
        QuestionKind.MULTIPLE_CHOICE,
        QuestionKind.YES_NO,
        QuestionKind.TEXT,
        QuestionKind.LONG_TEXT,
    ],
}
SCALE = range(1, 6)


class QuestionError(Refusal):
    pass


@dataclass
class QuestionDetails:
    label: str
    kind: QuestionKind
    required: bool = False
    help_text: str = ""
    options: list[str] = field(default_factory=list)
    label_en: str = ""
    help_text_en: str = ""
    options_en: list[str] = field(default_factory=list)
    shown_if_id: int | None = None
    shown_if_answer: str = ""


def asked(event: Event, questionnaire: Questionnaire = Questionnaire.REGISTRATION) -> list[Question]:
    """The questions on one of the event's forms, in order."""
    return [q for q in event.questions if q.is_asked and q.questionnaire == questionnaire]


def is_shown(question: Question, answers: dict[int, object]) -> bool:
    """Whether a question is asked, given the answers so far (a yes/no answer is True or False)."""
    if question.shown_if_id is None:
        return True
    answer = answers.get(question.shown_if_id)
    given = answer if isinstance(answer, list) else ["yes" if answer is True else "no" if answer is False else answer]
    return question.shown_if_answer in given


def fits(question: Question, value: object) -> bool:
    """Whether a stored answer is one the question, as it is now, can show in its form."""
    if question.kind == QuestionKind.YES_NO:
        return isinstance(value, bool)
    if question.kind == QuestionKind.SINGLE_CHOICE:
        return value in question.options
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return isinstance(value, list) and all(option in question.options for option in value)
    if question.kind == QuestionKind.SCALE:
        return isinstance(value, int) and not isinstance(value, bool) and value in SCALE
    return isinstance(value, str)


def answer_values(question: Question) -> list[str]:
    """The answers another question can be made to depend on."""
    return ["yes", "no"] if question.kind == QuestionKind.YES_NO else list(question.options)


def shown_elsewhere(question: Question) -> list[str]:
    """What else shows the question's answers (registration.signals.question_shown), which goes with it."""
    return [place for _receiver, places in question_shown.send(question) for place in places]


def answer_count(question: Question) -> int:
    """How many have answered the question: registrants, or those who answered it elsewhere (an evaluation)."""
    given = db.session.scalars(sa.select(sa.func.count()).where(Answer.question_id == question.id)).one()
    return given + sum(count for _receiver, count in answers_kept.send(question))


def _check(event: Event, questionnaire: Questionnaire, details: QuestionDetails, question: Question | None) -> None:
    if not details.label.strip():
        raise QuestionError(_("Please enter the question."), field="label")
    if details.kind not in KINDS[questionnaire]:
        raise QuestionError(_("This form cannot ask this kind of question."), field="kind")
    if details.kind in CHOICE_KINDS:
        if len(details.options) < 2:
            raise QuestionError(_("Please enter at least two options, one per line."), field="options")
        if len(set(details.options)) != len(details.options):
            raise QuestionError(_("Each option may appear only once."), field="options")
    if details.kind == QuestionKind.SCALE and len(details.options) != 2:
        raise QuestionError(
            _("Please name the two ends of the scale, one per line: what 1 means, then what 5 means."),
            field="options",
        )
    if len(details.options) > MAX_OPTIONS or any(len(option) > 300 for option in details.options + details.options_en):
        raise QuestionError(
            _("At most %(count)s options of at most 300 characters each.", count=MAX_OPTIONS), field="options"
        )
    if details.options_en and len(details.options_en) != len(details.options):
        raise QuestionError(_("Please give as many English options as options, in the same order."), field="options_en")
    waiting = [
        other for other in asked(event, questionnaire) if question is not None and other.shown_if_id == question.id
    ]
    answers = (
        ["yes", "no"]
        if details.kind == QuestionKind.YES_NO
        else details.options
        if details.kind in CHOICE_KINDS
        else []
    )
    for other in waiting:
        if other.shown_if_answer not in answers:
            raise QuestionError(
                _(
                    "“%(title)s” is asked when this question is answered “%(answer)s”; change that one first.",
                    title=other.label,
                    answer=other.shown_if_answer,
                ),
                field="options",
            )
    if details.shown_if_id is not None:
        condition = next(
            (
                other
                for other in asked(event, questionnaire)
                if other.id == details.shown_if_id and (question is None or other.position < question.position)
            ),
            None,
        )
        if condition is None or condition.kind not in CONDITION_KINDS:
            raise QuestionError(
                _("A question can depend only on an earlier yes/no or choice question."), field="condition"
            )
        if details.shown_if_answer not in answer_values(condition):
            raise QuestionError(_("Please choose one of that question's answers."), field="condition")


# What the log shows of a changed question, by the words of the form (the condition by its answer).
LOGGED = {
    "label": _l("Question"),
    "kind": _l("Kind of answer"),
    "required": _l("An answer is required"),
    "help_text": _l("Help text"),
    "options": _l("Options"),
    "label_en": _l("Question in English"),
    "help_text_en": _l("Help text in English"),
    "options_en": _l("Options in English"),
    "shown_if_answer": _l("Asked"),
}


def _shown(value) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return " · ".join(value) if isinstance(value, list) else str(getattr(value, "label", value))


def save(
    event_id: int,
    details: QuestionDetails,
    question_id: int | None = None,
    questionnaire: Questionnaire = Questionnaire.REGISTRATION,
    *,
    by: Actor | None,
) -> Question:
    """Ask a new question at the end of a form, or change one (its stored answers stay as they are)."""
    with row_locked(Event, event_id) as event:
        question = None
        if question_id is not None:
            question = db.session.get(Question, question_id)
            if question is None or question.event_id != event.id or not question.is_asked:
                raise QuestionError(_("This question no longer exists."))
            questionnaire = question.questionnaire
        _check(event, questionnaire, details, question)
        before = {name: _shown(getattr(question, name)) for name in LOGGED} if question else {}
        if question is None:
            position = max((q.position for q in event.questions), default=-1) + 1
            question = Question(event=event, questionnaire=questionnaire, position=position)
        for name, value in vars(details).items():
            setattr(question, name, value.strip() if type(value) is str else value)  # not the kind, a str enum
        if details.kind not in (*CHOICE_KINDS, QuestionKind.SCALE):
            question.options, question.options_en = [], []
        if details.shown_if_id is None:
            question.shown_if_answer = ""
        db.session.add(question)
        changed = {
            str(label): (before[name], _shown(getattr(question, name)))
            for name, label in LOGGED.items()
            if before and before[name] != _shown(getattr(question, name))
        }
        if changed or not before:  # a new question, or a changed one: saving it unchanged is no event
            record(
                AuditAction.QUESTION_SAVED,
                question.label,
                event.id,
                changed_fields=list(changed),
                changed_values=changed,
                by=by,
            )
    return question


def move(event_id: int, question_id: int, step: int, *, by: Actor | None) -> None:
    """Move a question one place up (``step`` -1) or down (+1) on the form."""
    with row_locked(Event, event_id) as event:
        moved = db.session.get(Question, question_id)
        order = asked(event, moved.questionnaire) if moved else []
        index = next((i for i, question in enumerate(order) if question.id == question_id), None)
        if index is None:
            raise QuestionError(_("This question no longer exists."))
        other = index + step
        if not 0 <= other < len(order):
            return
        if order[index].id == order[other].shown_if_id or order[other].id == order[index].shown_if_id:
            raise QuestionError(_("A question must stay after the question it depends on."))
        order[index].position, order[other].position = order[other].position, order[index].position
        record(AuditAction.QUESTION_MOVED, order[index].label, event.id, by=by)


def remove(event_id: int, question_id: int, *, by: Actor | None) -> None:
    """Take a question off the form; deleted outright when nobody has answered it yet."""
    with row_locked(Event, event_id) as event:
        question = db.session.get(Question, question_id)
        if question is None or question.event_id != event.id or not question.is_asked:
            raise QuestionError(_("This question no longer exists."))
        form = asked(event, question.questionnaire)
        dependent = next((other for other in form if other.shown_if_id == question.id), None)
        if dependent is not None:
            raise QuestionError(
                _("“%(title)s” is asked depending on this question; change that one first.", title=dependent.label)
            )
        if answer_count(question):
            question.removed_at = utcnow()
        else:
            db.session.delete(question)
        record(AuditAction.QUESTION_REMOVED, question.label, event.id, by=by)
