"""Attendee lists: the sign-in sheet with a signature column, and the public participant list.

The app cuts the list into pages itself (a fixed number of rows per page; each cell holds at most
two lines), so every page knows its number and the total before anything is laid out, and the
pages can be rendered in chunks, side by side, with memory that stays flat however long the list.
"""

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import render_template
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.database import LabelledEnum
from conference.documents.pdf import Metadata
from conference.events.models import Event, PartnerRole
from conference.extensions import db
from conference.registration.models import BY_NAME, BY_ORGANISATION, ForumChoice, Registration, RegistrationStatus

ROWS_PER_PAGE = 20
# The last page of a sign-in sheet also carries the totals and the organiser's confirmation.
ROWS_ON_LAST_SIGNED_PAGE = ROWS_PER_PAGE - 3
PAGES_PER_CHUNK = 8


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
    name: str
    organisation: str
    function: str


@dataclass(frozen=True)
class Page:
    number: int
    rows: list[Row]


def sign_in_people(
    event_id: int, variant: SheetVariant, sort: str = "name", forum_id: int | None = None
) -> list[Registration]:
    query = sa.select(Registration).where(
        Registration.event_id == event_id,
        Registration.anonymised_at.is_(None),
        Registration.status == RegistrationStatus.CONFIRMED,
    )
    if variant == SheetVariant.CHECKED_IN:
        query = query.where(Registration.checked_in_at.is_not(None))
    if variant == SheetVariant.FORUM:
        query = query.join(ForumChoice).where(ForumChoice.agenda_item_id == forum_id)
    return list(db.session.scalars(query.order_by(*SORTS.get(sort, SORTS["name"]))))


def rows(people: list[Registration]) -> list[Row]:
    return [
        Row(number, person.listed_name, person.organisation, person.function)
        for number, person in enumerate(people, start=1)
    ]


def chunks(
    event: Event,
    table: list[Row],
    heading: str,
    subheading: str = "",
    signature: bool = True,
    pages_per_chunk: int | None = None,
) -> list[str]:
    """The list as complete HTML documents of up to ``pages_per_chunk`` (PAGES_PER_CHUNK) pages each."""
    pages_per_chunk = pages_per_chunk or PAGES_PER_CHUNK
    pages = [Page(number, rows) for number, rows in enumerate(_balanced(table, signature), start=1)]
    data = metadata(event, heading)
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
            metadata=data,
        )
        for start in range(0, len(pages), pages_per_chunk)
    ]


def _balanced(table: list[Row], signature: bool) -> list[list[Row]]:
    """The rows cut into as few pages as hold them, as evenly as they go: no last page with a single row. The last
    page of a sheet to sign holds fewer (it carries the totals and the organiser's confirmation)."""
    on_last = ROWS_ON_LAST_SIGNED_PAGE if signature else ROWS_PER_PAGE
    count = 1 if len(table) <= on_last else 1 + math.ceil((len(table) - on_last) / ROWS_PER_PAGE)
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
