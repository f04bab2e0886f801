"""The results of an evaluation as organisers take them away: charts, a PDF for the report, a workbook."""

import io
import re

from flask import render_template
from flask_babel import format_date
from flask_babel import gettext as _
from openpyxl import Workbook

from conference.charts import Chart, bars
from conference.documents.lists import metadata
from conference.documents.render import render_chunks
from conference.evaluation.services import MIN_ANSWERS, Item, Results, responses_of
from conference.events.models import Event
from conference.registration.export import safe
from conference.registration.models import QuestionKind


def chart(item: Item) -> Chart | None:
    """The bar chart of a question's answers (none for free texts, or while too few answered it)."""
    if not item.shown or not item.rows:
        return None
    labels, counts = [label for label, _count, _share in item.rows], [count for _label, count, _share in item.rows]
    described = "; ".join(f"{label}: {count}" for label, count in zip(labels, counts, strict=True))
    return bars(labels, counts, horizontal=item.question.kind != QuestionKind.SCALE, description=described)


def title(event: Event, results: Results) -> str:
    heading = _("Evaluation")
    return f"{heading}: {results.forum.title}" if results.forum else heading


def pdf(event: Event, results: Results) -> bytes:
    html = render_template(
        "pdf/evaluation.html",
        event=event,
        results=results,
        charts={item.question.id: chart(item) for item in results.items},
        minimum=MIN_ANSWERS,
        metadata=metadata(event, title(event, results)),
    )
    return render_chunks([html], metadata(event, title(event, results)))


NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(number: int, label: str) -> str:
    """A worksheet's name: at most 31 characters, none of those Excel refuses, unique by its number."""
    return f"{number} {NOT_IN_SHEET_NAMES.sub(' ', label)}"[:31].strip()


def workbook(event: Event, results: Results) -> bytes:
    """One sheet with the figures, one per question, and one with every response's answers as given, row by row;
    of a question answered by fewer than MIN_ANSWERS, nothing."""
    book = Workbook()
    overview = book.active
    overview.title = _("Overview")
    overview.append([safe(title(event, results)), safe(event.title)])
    overview.append([_("Date"), format_date(event.starts_at, "long")])
    if results.invited is not None:  # not known per forum
        overview.append([_("Asked"), results.invited])
    shown_count = results.shown or not results.forum
    overview.append([_("Answered"), results.responses if shown_count else _("fewer than %(count)s", count=MIN_ANSWERS)])
    if results.rate is not None:
        overview.append([_("Response rate"), results.rate])
        overview.cell(overview.max_row, 2).number_format = "0%"
    overview.append([])
    overview.append(
        [_("Results of a question are left out while fewer than %(count)s answered it.", count=MIN_ANSWERS)]
    )
    for number, item in enumerate(results.items, 1):
        sheet = book.create_sheet(_sheet_name(number, item.question.label))
        sheet.append([safe(item.question.label)])
        if not item.shown:
            sheet.append([_("Answered"), _("fewer than %(count)s", count=MIN_ANSWERS)])
            sheet.append([_("Fewer than %(count)s answers: not shown.", count=MIN_ANSWERS)])
            continue
        sheet.append([_("Answered"), item.answered])
        if item.has_texts:
            sheet.append([_("Answers")])
            for text in item.texts:
                sheet.append([safe(text)])
            continue
        if item.mean is not None:
            sheet.append([_("Mean"), round(item.mean, 2)])
        sheet.append([_("Answer"), _("Number"), _("Share")])
        for label, count, share in item.rows:
            sheet.append([safe(label), count, share])
            sheet.cell(sheet.max_row, 3).number_format = "0%"
    answers = book.create_sheet(_("Answers"))
    shown = [item for item in results.items if item.shown]
    answers.append([_("Day"), *(safe(item.question.label) for item in shown)])
    if results.shown:
        for response in responses_of(event.id):
            if results.forum and results.forum.id not in response.forum_ids:
                continue
            given = {answer.question_id: answer.value for answer in response.answers}
            answers.append([response.day, *(_cell(given.get(item.question.id)) for item in shown)])
            answers.cell(answers.max_row, 1).number_format = "DD.MM.YYYY"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return safe(" · ".join(map(str, value)))
    return value if isinstance(value, int) else safe(value)
