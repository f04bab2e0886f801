"""Attendee lists: the sign-in sheet with a signature column, and the public participant list.

The app cuts the list into pages itself (a fixed number of rows per page; each cell holds at most
two lines), so every page knows its number and the total before anything is laid out, and the
pages can be rendered in chunks, side by side, with memory that stays flat however long the list.
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.database import LabelledEnum
from conference.documents.models import SheetLayout
from conference.documents.pdf import Metadata
from conference.events.models import Event, PartnerRole
from conference.extensions import db
from conference.registration.models import (
    BY_NAME,
    BY_ORGANISATION,
    ForumChoice,
    Question,
    Registration,
    RegistrationStatus,
)
from conference.site.filters import answer

PAGES_PER_CHUNK = 8


@dataclass(frozen=True)
class PageFormat:
    landscape: bool
    width_mm: int  # between the margins of the page
    rows_per_page: int
    # The last page of a sign-in sheet also carries the totals and the organiser's confirmation.
    rows_on_last_signed_page: int


FORMATS = {
    SheetLayout.STANDARD: PageFormat(landscape=False, width_mm=178, rows_per_page=20, rows_on_last_signed_page=17),
    SheetLayout.FUNDER: PageFormat(landscape=True, width_mm=265, rows_per_page=13, rows_on_last_signed_page=8),
}
# How wide each kind of column is (in mm on a standard sheet without answers): the table shares the page's width
# among its columns in these proportions.
WIDTHS = {"number": 10, "name": 30, "organisation": 32, "function": 24, "answer": 24, "signature": 40}
CELL_PADDING_MM = 3
# A cell (document.css) holds two lines of 8.5 pt or three of 7 pt. DejaVu Sans averages 1.74 mm a letter at 8.5 pt
# and 1.43 mm at 7 pt; a line breaks only between syllables, which wastes up to a third of a short line and a
# quarter of a longer one.
LETTERS_IN_TWO_LINES_PER_MM = 2 / 1.74 * 0.6
LETTERS_IN_THREE_SMALL_LINES_PER_MM = 3 / 1.43 * 0.75


class SheetVariant(LabelledEnum):
    CONFIRMED = "confirmed", _l("All confirmed registrations")
    CHECKED_IN = "checked_in", _l("Checked-in people only")
    FORUM = "forum", _l("One forum")


SORTS = {
    "name": BY_NAME,
    "organisation": BY_ORGANISATION,
}


@dataclass(frozen=True)
class Row:
    number: int
    cells: tuple[str, ...]  # name, organisation, function, then the answers the sheet shows


@dataclass(frozen=True)
class Page:
    number: int
    rows: list[Row]


@dataclass(frozen=True)
class Column:
    kind: str
    heading: str
    width: float  # percent of the table's width
    # A text longer than ``small_after`` characters is set smaller, one longer than ``letters`` shortened (with
    # "…"): a cell holds two lines, or three smaller ones (a heading four).
    small_after: int
    letters: int


def sign_in_people(
    event_id: int, variant: SheetVariant, sort: str = "name", forum_id: int | None = None
) -> list[Registration]:
    query = sa.select(Registration).where(
        Registration.event_id == event_id,
        Registration.anonymised_at.is_(None),
        Registration.status == RegistrationStatus.CONFIRMED,
        Registration.online.is_(False),  # (those online sign nothing: the organisers mark their attendance)
    )
    if variant == SheetVariant.CHECKED_IN:
        query = query.where(Registration.checked_in_at.is_not(None))
    if variant == SheetVariant.FORUM:
        query = query.join(ForumChoice).where(ForumChoice.agenda_item_id == forum_id)
    return list(db.session.scalars(query.order_by(*SORTS.get(sort, SORTS["name"]))))


def rows(people: list[Registration], questions: Sequence[Question] = ()) -> list[Row]:
    """The people as rows, with their answers to ``questions`` as they chose them (yes/no as Ja/Nein)."""
    return [
        Row(
            number,
            (
                person.listed_name,
                person.organisation,
                person.function,
                *(answer(person.answer_to(question)) for question in questions),
            ),
        )
        for number, person in enumerate(people, start=1)
    ]


def columns(page: PageFormat, answer_headings: Sequence[str], signature: bool) -> list[Column]:
    headed = [
        ("number", _("No.")),
        ("name", _("Name")),
        ("organisation", _("Organisation")),
        ("function", _("Function")),
    ]
    headed += [("answer", heading) for heading in answer_headings]
    if signature:
        headed.append(("signature", _("Signature")))
    total = sum(WIDTHS[kind] for kind, _heading in headed)
    made = []
    for kind, heading in headed:
        room = page.width_mm * WIDTHS[kind] / total - CELL_PADDING_MM
        small_after, letters = int(room * LETTERS_IN_TWO_LINES_PER_MM), int(room * LETTERS_IN_THREE_SMALL_LINES_PER_MM)
        made.append(Column(kind, heading, round(100 * WIDTHS[kind] / total, 2), small_after, letters))
    return made


def chunks(
    event: Event,
    table: list[Row],
    heading: str,
    subheading: str = "",
    signature: bool = True,
    pages_per_chunk: int | None = None,
    layout: SheetLayout = SheetLayout.STANDARD,
    answer_headings: Sequence[str] = (),
) -> list[str]:
    """The list as complete HTML documents of up to ``pages_per_chunk`` (PAGES_PER_CHUNK) pages each."""
    pages_per_chunk = pages_per_chunk or PAGES_PER_CHUNK
    page = FORMATS[layout]
    if answer_headings:  # questions as headings take up to four lines: the room of one row
        page = replace(
            page, rows_per_page=page.rows_per_page - 1, rows_on_last_signed_page=page.rows_on_last_signed_page - 1
        )
    pages = [Page(number, rows) for number, rows in enumerate(_balanced(table, signature, page), start=1)]
    data = metadata(event, heading)
    made = columns(page, answer_headings, signature)
    texts = [column for column in made if column.kind not in ("number", "signature")]
    shortened = any(
        len(value) > column.letters for row in table for value, column in zip(row.cells, texts, strict=True)
    )
    return [
        render_template(
            "pdf/list.html",
            event=event,
            pages=pages[start : start + pages_per_chunk],
            page_count=len(pages),
            total=len(table),
            heading=heading,
            subheading=subheading,
            signature=signature,
            landscape=page.landscape,
            columns=made,
            shortened=shortened,
            metadata=data,
        )
        for start in range(0, len(pages), pages_per_chunk)
    ]


def _balanced(table: list[Row], signature: bool, page: PageFormat) -> list[list[Row]]:
    """The rows cut into as few pages as hold them, as evenly as they go: no last page with a single row. The last
    page of a sheet to sign holds fewer (it carries the totals and the organiser's confirmation)."""
    on_last = page.rows_on_last_signed_page if signature else page.rows_per_page
    count = 1 if len(table) <= on_last else 1 + math.ceil((len(table) - on_last) / page.rows_per_page)
    last = min(on_last, len(table) // count) if count > 1 else len(table)
    before, rest = divmod(len(table) - last, count - 1) if count > 1 else (0, 0)
    sizes = [before + (index < rest) for index in range(count - 1)] + [last]
    starts = [sum(sizes[:index]) for index in range(count)]
    return [table[start : start + size] for start, size in zip(starts, sizes, strict=True)]


def metadata(event: Event, heading: str) -> Metadata:
    author = ", ".join(p.organisation.name for p in event.partners if p.role == PartnerRole.ORGANISER)
    return Metadata(
        title=f"{heading}: {event.title}",
        author=author or event.contact_name or event.title,
        language=get_locale().language,
    )


def sign_in_heading(variant: SheetVariant, forum_title: str | None) -> tuple[str, str]:
    subheading = _("Forum: %(title)s", title=forum_title) if variant == SheetVariant.FORUM else variant.label
    return _("Attendee list"), str(subheading)
