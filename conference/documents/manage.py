"""Printed documents of one event, for its organisers: lists, badges, programme, certificates, previews."""

import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Response, abort, flash, g, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from wtforms import IntegerField, SelectChoice, SelectField
from wtforms.validators import InputRequired, Optional

from conference.database import utcnow
from conference.documents import certificates, jobs, lists, printouts, services
from conference.documents.models import Certificate, DocumentJob, SheetLayout
from conference.documents.pdf import Metadata
from conference.documents.printouts import BadgeSize, badge_chunks, programme_html
from conference.documents.render import file_name, pdf_response, render_chunks
from conference.events.models import Event
from conference.registration.models import Registration, RegistrationStatus
from conference.registration.services import attendance, forum_slots, has_ticket, listed_participants
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form
from conference.site.i18n import speaking
from conference.site.lookup import row_of_event_or_404

blueprint = Blueprint("documents_manage", __name__, url_prefix="/manage/events/<int:event_id>/documents")

DOCUMENTS = ("sign-in-sheet", "participants", "badges", "programme", "certificate")


@dataclass
class Document:
    chunks: list[str]
    metadata: Metadata
    download_name: str


def forums(event: Event) -> list:
    return [item for slot in forum_slots(event) for item in slot.items]


def chosen(enum_class, argument: str, default):
    """The member of ``enum_class`` named by a query argument, or ``default`` for anything else."""
    value = request.args.get(argument)
    return enum_class(value) if value in {member.value for member in enum_class} else default


def sign_in_sheet(event: Event) -> Document:
    variant = chosen(lists.SheetVariant, "variant", lists.SheetVariant.CONFIRMED)
    forum = None
    if variant == lists.SheetVariant.FORUM:
        forum = next((item for item in forums(event) if str(item.id) == request.args.get("forum")), None)
        if forum is None:
            abort(404)
    people = lists.sign_in_people(event.id, variant, request.args.get("sort", "name"), forum.id if forum else None)
    heading, subheading = lists.sign_in_heading(variant, forum.title if forum else None)
    sheet = services.sheet_of(event)
    questions = services.extra_columns(event, sheet)
    return Document(
        lists.chunks(
            event,
            lists.rows(people, questions),
            heading,
            subheading,
            layout=sheet.layout,
            answer_headings=[question.label for question in questions],
        ),
        lists.metadata(event, heading),
        file_name(heading, event.slug),
    )


def document(event: Event, name: str) -> Document:
    if name == "sign-in-sheet":
        return sign_in_sheet(event)
    if name == "participants":
        heading = _("List of participants")
        return Document(
            lists.chunks(event, lists.rows(listed_participants(event.id)), heading, signature=False),
            lists.metadata(event, heading),
            file_name(heading, event.slug),
        )
    if name == "badges":
        size = chosen(BadgeSize, "size", BadgeSize.SMALL)
        people = lists.sign_in_people(event.id, lists.SheetVariant.CONFIRMED)
        return Document(
            badge_chunks(event, people, size),
            lists.metadata(event, _("Name badges")),
            file_name(_("Name badges"), event.slug),
        )
    if name == "programme":
        return Document(
            [programme_html(event)], lists.metadata(event, _("Programme")), file_name(_("Programme"), event.slug)
        )
    # The certificate's preview: a sample, so that looking issues no certificate to anybody.
    sample = Registration(first_name="Erika", last_name="Mustermann", locale=event.language)
    certificate = Certificate(number="XXXX-XXXX-XXXX", issued_at=utcnow())
    return Document(
        [certificates.html(event, [sample], {None: certificate})], certificates.metadata(event, [sample]), ""
    )


@blueprint.get("/")
def index(event_id: int):
    event = g.event
    return render_template(
        "documents/manage/documents.html",
        event=event,
        forums=forums(event),
        variants=list(lists.SheetVariant),
        sheet=services.sheet_of(event),
        columns=services.extra_columns(event),
        addable=services.addable(event),
        layouts=list(SheetLayout),
        most_columns=services.MOST_EXTRA_COLUMNS,
        sizes=list(BadgeSize),
        checked_in=attendance(event.id)["checked_in"],
        entitled=len(certificates.attendees(event.id)),
        ended=event.has_ended(utcnow()),
        not_yet=certificates.not_yet_message(event),
        jobs=jobs.recent(event.id),
        form=Form(),
    )


class ColumnForm(Form):
    question = IntegerField(_l("Question"), [InputRequired()])
    position = IntegerField(_l("Position"), [Optional()])


class LayoutForm(Form):
    layout = SelectField(_l("Layout"), choices=[SelectChoice(layout.value, layout.label) for layout in SheetLayout])


def _sheet_changed(event: Event, change: Callable[[], None], form: Form | None = None):
    """Make an organiser's change to the sign-in sheet's columns or layout, then back to the documents page."""
    form = form or Form()
    if form.validate_on_submit():
        try:
            change()
        except services.SheetRefused as refused:
            flash(refused.message, "error")
        else:
            flash(_("Saved: %(title)s", title=_("Attendee list with signatures")), "success")
    for name, errors in form.errors.items():
        label = "" if name == "csrf_token" else f"{form[name].label.text}: "
        flash(label + " ".join(errors), "error")
    return redirect(url_for(".index", event_id=event.id, _anchor="sign-in-sheet"), code=303)


@blueprint.post("/sign-in-sheet/columns")
def add_column(event_id: int):
    form = ColumnForm()
    return _sheet_changed(
        g.event, lambda: services.add_column(g.event.id, form.question.data, form.position.data, by=current_user), form
    )


@blueprint.post("/sign-in-sheet/columns/<int:question_id>/<any(up, down):direction>")
def move_column(event_id: int, question_id: int, direction: str):
    step = -1 if direction == "up" else 1
    return _sheet_changed(g.event, lambda: services.move_column(g.event.id, question_id, step, by=current_user))


@blueprint.post("/sign-in-sheet/columns/<int:question_id>/remove")
def remove_column(event_id: int, question_id: int):
    return _sheet_changed(g.event, lambda: services.remove_column(g.event.id, question_id, by=current_user))


@blueprint.post("/sign-in-sheet/layout")
def choose_layout(event_id: int):
    form = LayoutForm()
    return _sheet_changed(
        g.event, lambda: services.choose_layout(g.event.id, SheetLayout(form.layout.data), by=current_user), form
    )


@blueprint.get("/<any('sign-in-sheet', participants, badges, programme):name>.pdf")
def download(event_id: int, name: str):
    event = g.event
    wanted = document(event, name)
    return pdf_response(render_chunks(wanted.chunks, wanted.metadata), wanted.download_name)


@blueprint.get("/badges/<int:registration_id>.pdf")
def badge(event_id: int, registration_id: int):
    """One person's badge, printed at the door (someone let in there, a badge left at home): a sheet with that badge
    in its first place, for the same inserts as the badges of everyone; also for the event's check-in helpers."""
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    if registration.status != RegistrationStatus.CONFIRMED or registration.anonymised_at is not None:
        abort(404)
    [html] = badge_chunks(event, [registration], chosen(BadgeSize, "size", BadgeSize.SMALL))
    return pdf_response(
        render_chunks([html], lists.metadata(event, _("Name badge"))),
        file_name(_("Name badge"), registration.last_name, registration.first_name),
    )


@blueprint.get("/preview/<any('sign-in-sheet', participants, badges, programme, certificate):name>.png")
def preview(event_id: int, name: str):
    """The first page as a picture, so organisers see what they will get before they download it."""
    event = g.event
    wanted = document(event, name)
    pdf = render_chunks(wanted.chunks[:1], wanted.metadata)
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "document.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "60",
                "-f",
                "1",
                "-l",
                "1",
                "-singlefile",
                str(source),
                str(Path(folder) / "page"),
            ],
            check=True,
            timeout=30,
            capture_output=True,
        )
        image = (Path(folder) / "page.png").read_bytes()
    return Response(image, mimetype="image/png", headers={"Cache-Control": "private, no-store"})


@blueprint.post("/certificates/<int:registration_id>.pdf")
def certificate(event_id: int, registration_id: int):
    """A POST: the first download issues the certificate's number."""
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    try:
        pdf = certificates.pdf_of(registration, utcnow())
    except certificates.CertificateRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for("registration_manage.index", event_id=event.id), code=303)
    return pdf_response(pdf, file_name(_("Certificate of attendance"), registration.last_name, registration.first_name))


@blueprint.get("/tickets/<int:registration_id>.pdf")
def ticket(event_id: int, registration_id: int):
    """A registrant's ticket as they get it behind their link, in their language: to print or send it for them."""
    event = g.event
    registration = row_of_event_or_404(Registration, registration_id, event)
    if not has_ticket(registration):
        abort(404)
    with speaking(registration.locale):
        pdf = printouts.ticket_pdf(registration)
    return pdf_response(pdf, file_name(_("Ticket"), registration.last_name, registration.first_name))


@blueprint.post("/certificates")
def all_certificates(event_id: int):
    event = g.event
    kind = "certificates.zip" if request.form.get("format") == "zip" else "certificates.pdf"
    if request.form.get("send_mail") == "1" and not confirmed():
        return ask_first(
            _("Send every attendee their certificate by e-mail?"),
            ngettext(
                "%(num)s person gets a mail with their certificate attached. A mail that has gone "
                "out cannot be taken back.",
                "%(num)s people each get a mail with their certificate "
                "attached. A mail that has gone out cannot be taken back.",
                len(certificates.attendees(event.id)),
            ),
            _("Yes, make and send them"),
            url_for(".index", event_id=event.id),
        )
    try:
        job = jobs.start(event, kind, request.form.get("send_mail") == "1", request.url_root, by=current_user)
    except jobs.JobRefused as refused:
        flash(refused.message, "error")
        return redirect(url_for(".index", event_id=event.id), code=303)
    return redirect(url_for(".job", event_id=event.id, job_id=job.id), code=303)


@blueprint.get("/jobs/<int:job_id>")
def job(event_id: int, job_id: int):
    event = g.event
    return render_template(
        "documents/manage/document_job.html", event=event, job=row_of_event_or_404(DocumentJob, job_id, event)
    )


@blueprint.get("/jobs/<int:job_id>/status")
def job_status(event_id: int, job_id: int):
    event = g.event
    found = row_of_event_or_404(DocumentJob, job_id, event)
    return jsonify(status=found.status, done=found.done, total=found.total)


@blueprint.get("/jobs/<int:job_id>/download")
def job_download(event_id: int, job_id: int):
    event = g.event
    found = row_of_event_or_404(DocumentJob, job_id, event)
    path = jobs.result_path(found)
    if path is None:
        abort(404)
    jobs.mark_downloaded(found)
    response = send_file(
        path,
        as_attachment=True,
        download_name=found.download_name,
        mimetype="application/zip" if found.kind.endswith(".zip") else "application/pdf",
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response
