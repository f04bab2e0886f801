"""Registrations of an event as a table (CSV or XLSX), the custom answers as columns."""

import csv
import io

import sqlalchemy as sa
from flask_babel import format_datetime
from flask_babel import gettext as _

from conference.events.models import Event
from conference.extensions import db
from conference.registration.models import BY_NAME, Questionnaire, Registration
from conference.site.filters import answer

# A cell starting like a formula would be run by spreadsheet programs: registrants typed these values.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def rows(event: Event) -> list[list[str]]:
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(*BY_NAME)
    ).all()
    by_id = {registration.id: registration for registration in registrations}
    leaders = {registration.registered_by_id for registration in registrations}
    # Also the questions taken off the form, whose answers registrations still hold.
    hybrid = len(event.modes) > 1
    asked_at_registration = [q for q in event.questions if q.questionnaire == Questionnaire.REGISTRATION]
    header = [
        _("Last name"),
        _("First name"),
        _("Form of address"),
        _("Academic title"),
        _("E-mail address"),
        _("Organisation"),
        _("Function or role"),
        _("Phone"),
        _("Status"),
        _("Forum"),
        _("Registered on"),
        _("Check-in code"),
        _("Checked in"),
        _("Participant list"),
        _("Group (registered by)"),
        *([_("Taking part")] if hybrid else []),
        *(
            question.label if question.is_asked else _("%(question)s (removed)", question=question.label)
            for question in asked_at_registration
        ),
    ]
    table = [[safe(label) for label in header]]  # organisers type question labels too
    for r in registrations:
        table.append(
            [
                safe(value)
                for value in (
                    r.last_name,
                    r.first_name,
                    r.salutation.label if r.salutation else "",
                    r.academic_title,
                    r.email,
                    r.organisation,
                    r.function,
                    r.phone,
                    r.status.label,
                    "; ".join(choice.agenda_item.title for choice in r.forum_choices),
                    format_datetime(r.created_at, "short"),
                    r.check_in_code if r.anonymised_at is None else "",
                    format_datetime(r.checked_in_at, "short") if r.checked_in_at else "",
                    _("Yes") if r.listed_as_participant else _("No"),
                    by_id[r.registered_by_id].full_name
                    if r.registered_by_id
                    else r.full_name
                    if r.id in leaders
                    else "",
                    *([_("Online") if r.online else _("On site")] if hybrid else []),
                    *(answer(r.answer_to(question)) for question in asked_at_registration),
                )
            ]
        )
    return table


def as_csv(event: Event) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows(event))  # semicolons: what German spreadsheet programs expect
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8


def as_xlsx(event: Event) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Registrations")[:31]
    for row in rows(event):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
