"""Documents outside the back office: the public programme and participant list, a registrant's ticket and
certificate behind their link, and whether a certificate of attendance is genuine."""

from datetime import datetime

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _

from conference.database import utcnow
from conference.documents import certificates, lists, printouts
from conference.documents.render import TooSlowToRender, file_name, pdf_response, render_chunks, shared_pdf
from conference.events.models import Event
from conference.events.web import public_event_or_404
from conference.limits.web import enforce, limited
from conference.registration import services as registration_services
from conference.registration.models import Registration
from conference.registration.routes import page_part
from conference.registration.web import (
    event_whose_list_is_shown_or_404,
    event_with_public_list_or_404,
    registration_or_404,
)
from conference.site.errors import render_error

blueprint = Blueprint("documents", __name__)


@blueprint.app_errorhandler(TooSlowToRender)
def too_slow_to_render(refused: TooSlowToRender):
    """Any page that renders a document: the render was stopped at its time limit. Organisers learn what to do;
    visitors are only asked to come back."""
    return render_error(503, refused.message if request.path.startswith("/manage/") else None)


@page_part
def certificate_on_registrant_page(registration: Registration, now: datetime) -> dict:
    return {"certificate_ready": certificates.available_to_attendee(registration, now)}


@blueprint.get("/certificates/verify", defaults={"number": None})
@blueprint.get("/c/<number>")
@limited("verification", methods=("GET",))
def verify(number: str | None):
    """The QR code and the short address on a certificate lead here; a number can also be typed in."""
    typed = (number or request.args.get("number", ""))[:40]
    if number is None and typed:
        return redirect(url_for(".verify", number=certificates.normalise_number(typed) or "-"), code=303)
    certificate = certificates.find(typed) if typed else None
    genuine = certificate is not None and certificates.is_true(certificate)
    return (
        render_template("documents/verify.html", number=typed, certificate=certificate, genuine=genuine),
        404 if typed and not genuine else 200,
    )


@blueprint.get("/events/<slug>/programme.pdf")
def programme(slug: str):
    """The agenda as a printed handout."""
    event = public_event_or_404(slug)
    pdf, etag = shared_pdf(printouts.programme_html(event), lists.metadata(event, _("Programme")))
    response = pdf_response(pdf, file_name(_("Programme"), event.slug))
    response.set_etag(etag)
    response.headers["Cache-Control"] = "no-cache"  # public, but asked again each time: it changes with the agenda
    return response.make_conditional(request)


def participant_list_pdf(event: Event):
    enforce("participant-list-pdf")  # rendered anew each time: it names people
    people = registration_services.listed_participants(event.id)
    chunks = lists.chunks(event, lists.rows(people), _("List of participants"), signature=False)
    return pdf_response(
        render_chunks(chunks, lists.metadata(event, _("List of participants"))),
        file_name(_("List of participants"), event.slug),
    )


@blueprint.get("/events/<slug>/participants.pdf")
def participants(slug: str):
    return participant_list_pdf(event_with_public_list_or_404(slug))


@blueprint.get("/registrations/<token>/participants.pdf")
def participants_for_registrant(token: str):
    return participant_list_pdf(event_whose_list_is_shown_or_404(token))


@blueprint.get("/registrations/<token>/ticket.pdf")
def ticket(token: str):
    registration = registration_or_404(token)
    if not registration_services.has_ticket(registration):
        abort(404)
    return pdf_response(printouts.ticket_pdf(registration), file_name(_("Ticket"), registration.event.slug))


@blueprint.post("/registrations/<token>/certificate.pdf")
def certificate(token: str):
    """A POST: the first download issues the certificate's number."""
    registration = registration_or_404(token)
    if not certificates.available_to_attendee(registration, utcnow()):
        abort(404)
    return pdf_response(
        certificates.pdf_of(registration, utcnow()), file_name(_("Certificate of attendance"), registration.event.slug)
    )
