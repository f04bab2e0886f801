"""Printouts for the day: name badges on A4 sheets for the usual badge holder inserts, the programme, tickets."""

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from conference.agenda.services import time_slots
from conference.database import LabelledEnum
from conference.documents.lists import PAGES_PER_CHUNK, metadata
from conference.documents.render import render_pdf
from conference.events.models import Event
from conference.registration.models import Registration
from conference.registration.services import check_in_qr_code


class BadgeSize(LabelledEnum):
    """Width × height of a badge, and how many fit on one A4 sheet."""

    SMALL = "90x55", _l("90 × 55 mm, 10 per sheet")
    LARGE = "100x70", _l("100 × 70 mm, 8 per sheet")

    @property
    def per_sheet(self) -> int:
        return 10 if self == BadgeSize.SMALL else 8


def badge_chunks(event: Event, people: list[Registration], size: BadgeSize) -> list[str]:
    """Badges for ``people`` as HTML documents of up to PAGES_PER_CHUNK sheets each."""
    sheets = [people[start : start + size.per_sheet] for start in range(0, max(len(people), 1), size.per_sheet)]
    data = metadata(event, _("Name badges"))
    return [
        render_template(
            "pdf/badges.html",
            event=event,
            sheets=sheets[start : start + PAGES_PER_CHUNK],
            size=size.value,
            qr_code=check_in_qr_code,
            metadata=data,
        )
        for start in range(0, len(sheets), PAGES_PER_CHUNK)
    ]


def programme_html(event: Event) -> str:
    return render_template(
        "pdf/programme.html",
        event=event,
        slots=time_slots(event.agenda_items),
        metadata=metadata(event, _("Programme")),
    )


def ticket_pdf(registration: Registration) -> bytes:
    """A confirmed registrant's ticket: the event, their name and forums, and the check-in code the door scans."""
    return render_pdf(
        "pdf/ticket.html", registration=registration, event=registration.event, qr_code=check_in_qr_code(registration)
    )
