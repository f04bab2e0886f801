"""What organisers choose for an event's attendee list with signatures: its layout, and answers to registration
questions as extra columns (a funder's participant categories, say), in their order.

Everyone who signs the sheet reads it, so it shows only the answers the organisers chose; the list of participants
who agreed to be listed never shows answers.
"""

from flask_babel import gettext as _

from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked
from conference.documents.models import SheetLayout, SignInSheet
from conference.events.models import Event
from conference.extensions import db
from conference.registration import signals as registration_signals
from conference.registration.models import Question, QuestionKind
from conference.registration.questions import asked
from conference.rules import Refusal

# Long texts (comments, needs) fit no cell of two lines, and are no business of the others who sign.
COLUMN_KINDS = (QuestionKind.TEXT, QuestionKind.YES_NO, QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
MOST_EXTRA_COLUMNS = {SheetLayout.STANDARD: 2, SheetLayout.FUNDER: 6}


class SheetRefused(Refusal):
    pass


def sheet_of(event: Event) -> SignInSheet:
    """The event's choices, or the standard sheet (not stored) when nobody changed it."""
    return db.session.get(SignInSheet, event.id) or SignInSheet(
        event_id=event.id, layout=SheetLayout.STANDARD, question_ids=[]
    )


def extra_columns(event: Event, sheet: SignInSheet | None = None) -> list[Question]:
    """The questions whose answers the sheet shows, in order: those still asked and fit for a column."""
    by_id = {question.id: question for question in asked(event) if question.kind in COLUMN_KINDS}
    return [by_id[chosen] for chosen in (sheet or sheet_of(event)).question_ids if chosen in by_id]


def addable(event: Event) -> list[Question]:
    """The questions that could become a column, in the order of the form."""
    chosen = {question.id for question in extra_columns(event)}
    return [question for question in asked(event) if question.kind in COLUMN_KINDS and question.id not in chosen]


def add_column(event_id: int, question_id: int, position: int | None = None, *, by: Actor | None) -> None:
    """Show the answers to a question as a column: at ``position`` (1 is the first extra column) or after the others."""
    with row_locked(Event, event_id) as event:
        sheet, columns = _stored(event)
        question = next((question for question in addable(event) if question.id == question_id), None)
        if question is None:
            raise SheetRefused(
                _(
                    "This question cannot be added: it is not asked at this event, is a column already, or has "
                    "long answers, which fit no column."
                )
            )
        if len(columns) >= MOST_EXTRA_COLUMNS[sheet.layout]:
            raise SheetRefused(_too_many(sheet.layout))
        if position is not None and not 1 <= position <= len(columns) + 1:
            raise SheetRefused(_("Please give a position from 1 to %(last)s.", last=len(columns) + 1), "position")
        index = len(columns) if position is None else position - 1
        _save(event, sheet, columns[:index] + [question] + columns[index:], sheet.layout, by)


def move_column(event_id: int, question_id: int, step: int, *, by: Actor | None) -> None:
    """Move a column one place to the left (``step`` -1) or to the right (+1)."""
    with row_locked(Event, event_id) as event:
        sheet, columns = _stored(event)
        index = _index(columns, question_id)
        other = index + step
        if 0 <= other < len(columns):
            columns[index], columns[other] = columns[other], columns[index]
            _save(event, sheet, columns, sheet.layout, by)


def remove_column(event_id: int, question_id: int, *, by: Actor | None) -> None:
    with row_locked(Event, event_id) as event:
        sheet, columns = _stored(event)
        del columns[_index(columns, question_id)]
        _save(event, sheet, columns, sheet.layout, by)


def choose_layout(event_id: int, layout: SheetLayout, *, by: Actor | None) -> None:
    with row_locked(Event, event_id) as event:
        sheet, columns = _stored(event)
        if len(columns) > MOST_EXTRA_COLUMNS[layout]:
            raise SheetRefused(_too_many(layout))
        _save(event, sheet, columns, layout, by)


def _too_many(layout: SheetLayout) -> str:
    return _(
        "The layout “%(layout)s” has room for at most %(count)s extra columns.",
        layout=layout.label,
        count=MOST_EXTRA_COLUMNS[layout],
    )


def _stored(event: Event) -> tuple[SignInSheet, list[Question]]:
    sheet = sheet_of(event)
    return sheet, extra_columns(event, sheet)


def _index(columns: list[Question], question_id: int) -> int:
    index = next((index for index, question in enumerate(columns) if question.id == question_id), None)
    if index is None:
        raise SheetRefused(_("This column is no longer on the list."))
    return index


def _save(event: Event, sheet: SignInSheet, columns: list[Question], layout: SheetLayout, by: Actor | None) -> None:
    before = {_("Layout"): sheet.layout.label, _("Extra columns"): _labels(extra_columns(event, sheet))}
    sheet.layout, sheet.question_ids = layout, [question.id for question in columns]
    db.session.add(sheet)
    after = {_("Layout"): layout.label, _("Extra columns"): _labels(columns)}
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    if changed:
        record(
            AuditAction.SIGN_IN_SHEET_CHANGED,
            _("Attendee list with signatures"),
            event.id,
            changed_fields=list(changed),
            changed_values=changed,
            by=by,
        )


def _labels(columns: list[Question]) -> str:
    return " · ".join(question.label for question in columns)


@registration_signals.question_shown.connect
def column_of_the_sheet(question: Question) -> list[str]:
    """A question whose answers are a column of the event's attendee list with signatures."""
    shown = question in extra_columns(question.event)  # (a long text, say, is none even while its id is stored)
    return [_("a column of the attendee list with signatures")] if shown else []


@registration_signals.questions_copied.connect
def copy_sheet(copy: Event, source: Event, copies: dict[int, Question], **_details: object) -> None:
    """A duplicated event prints its attendee list as the one it was copied from, with the copied questions."""
    chosen = db.session.get(SignInSheet, source.id)
    if chosen is not None:
        question_ids = [copies[old].id for old in chosen.question_ids if old in copies]
        db.session.add(SignInSheet(event_id=copy.id, layout=chosen.layout, question_ids=question_ids))
