"""Public registration: the form, the registrant's own page behind the secret link, lost links."""

from flask import Blueprint, Response, abort, redirect, render_template, request, session, url_for
from flask_babel import get_locale, gettext as _

from conference.database import utcnow
from conference.documents import certificates, lists
from conference.documents.render import file_name, pdf_response, render_chunks, render_pdf
from conference.events.models import Event, ParticipantListMode, RegistrationState
from conference.events.services import public_event_or_404
from conference.registration import notifications  # noqa: F401 - registers the mail builder
from conference.registration import services
from conference.registration.forms import LostLinkForm, registration_form
from conference.registration.models import Registration, RegistrationStatus
from conference.limits import services as limits
from conference.limits.services import limited
from conference.privacy.services import delete_after
from conference.site.forms import Form, status_of

blueprint = Blueprint("registration", __name__)


@blueprint.after_request
def keep_private(response: Response) -> Response:
    # Pages behind a secret link are never cached. (The link does not leak as a referrer either:
    # Referrer-Policy "same-origin", see conference.site.security; "no-referrer" would make browsers
    # omit the Referer that CSRF protection checks on HTTPS, and the page's forms would fail.)
    if request.view_args and "token" in request.view_args:
        response.headers["Cache-Control"] = "no-store"
    return response


@blueprint.route("/events/<slug>/register", methods=["GET", "POST"])
@limited("registration")
def register(slug: str):
    event = public_event_or_404(slug)
    now = utcnow()
    if event.registration_state(now) != RegistrationState.OPEN:
        return render_template("registration/closed.html", event=event, now=now)
    form = registration_form(event)
    if form.validate_on_submit():
        applicant = form.applicant(str(get_locale()))
        try:
            services.register(event.id, applicant, now)
        except services.RegistrationError as error:
            form.add_error(error.message, error.field)
        else:
            # New or already registered, the answer is the same: the link comes by mail, so this page
            # tells nobody whether an address is registered.
            session["registered"] = {"first_name": applicant.first_name, "email": applicant.email}
            return redirect(url_for(".registered", slug=event.slug), code=303)
    return render_template("registration/form.html", event=event, form=form, full=services.is_full(event),
                           forum_full=services.forum_is_full, registration=None), status_of(form)


@blueprint.get("/events/<slug>/register/thanks")
def registered(slug: str):
    event = public_event_or_404(slug)
    return render_template("registration/registered.html", event=event, applicant=session.pop("registered", None))


def registration_or_404(token: str) -> Registration:
    registration = services.registration_for_token(token)
    if registration is None:
        abort(404)
    return registration


@blueprint.get("/registrations/<token>")
def manage(token: str):
    registration = registration_or_404(token)
    now = utcnow()
    return render_template(
        "registration/manage.html", registration=registration, event=registration.event, token=token,
        can_change=services.changes_allowed(registration, now),
        can_cancel=services.cancelling_allowed(registration, now),
        certificate_ready=certificates.available_to_attendee(registration, now),
        qr_code=services.check_in_qr_code(registration) if registration.status == RegistrationStatus.CONFIRMED else None,
        delete_after=delete_after(registration.event),
    )


@blueprint.route("/registrations/<token>/edit", methods=["GET", "POST"])
def edit(token: str):
    registration = registration_or_404(token)
    if not services.changes_allowed(registration, utcnow()):
        return redirect(url_for("registration.manage", token=token), code=303)
    event = registration.event
    form = registration_form(event, registration)
    if form.validate_on_submit():
        try:
            services.update(registration.id, form.applicant(registration.locale), utcnow())
        except services.RegistrationError as error:
            form.add_error(error.message, error.field)
        else:
            return redirect(url_for("registration.manage", token=token, saved=1), code=303)
    return render_template("registration/edit.html", event=event, form=form, registration=registration, token=token,
                           forum_full=services.forum_is_full), status_of(form)


@blueprint.route("/registrations/<token>/cancel", methods=["GET", "POST"])
def cancel(token: str):
    registration = registration_or_404(token)
    form = Form()
    error = None
    if form.validate_on_submit():
        try:
            services.cancel(registration.id, utcnow())
        except services.RegistrationError as refused:
            error = refused.message
        else:
            return redirect(url_for("registration.manage", token=token), code=303)
    return render_template("registration/cancel.html", registration=registration, event=registration.event,
                           token=token, form=form, error=error)


@blueprint.route("/events/<slug>/lost-link", methods=["GET", "POST"])
@limited("lost-link")
def lost_link(slug: str):
    event = public_event_or_404(slug)
    form = LostLinkForm()
    if form.validate_on_submit():
        services.resend_link(event.id, form.email.data)
        return render_template("registration/lost_link.html", event=event, form=form, sent=True)
    return render_template("registration/lost_link.html", event=event, form=form, sent=False)


@blueprint.get("/events/<slug>/privacy")
def privacy(slug: str):
    event = public_event_or_404(slug)
    return render_template("registration/privacy.html", event=event)


def participant_list(event: Event, as_pdf: bool):
    """The people who agreed to be listed, as a page or as a PDF."""
    people = services.listed_participants(event.id)
    if not as_pdf:
        return render_template("registration/participants.html", event=event, people=people, pdf_url=request.path + ".pdf")
    limits.enforce("participant-list-pdf")
    chunks = lists.chunks(event, lists.rows(people), _("List of participants"), signature=False)
    return pdf_response(render_chunks(chunks, lists.metadata(event, _("List of participants"))),
                        file_name(_("List of participants"), event.slug))


@blueprint.get("/events/<slug>/participants", defaults={"as_pdf": False})
@blueprint.get("/events/<slug>/participants.pdf", defaults={"as_pdf": True})
def participants(slug: str, as_pdf: bool):
    event = public_event_or_404(slug)
    if event.participant_list_mode != ParticipantListMode.PUBLIC:
        abort(404)
    return participant_list(event, as_pdf)


@blueprint.get("/registrations/<token>/participants", defaults={"as_pdf": False})
@blueprint.get("/registrations/<token>/participants.pdf", defaults={"as_pdf": True})
def participants_for_registrant(token: str, as_pdf: bool):
    registration = registration_or_404(token)
    event = registration.event
    if event.participant_list_mode == ParticipantListMode.HIDDEN or registration.status != RegistrationStatus.CONFIRMED:
        abort(404)
    return participant_list(event, as_pdf)


@blueprint.get("/registrations/<token>/certificate.pdf")
def certificate(token: str):
    registration = registration_or_404(token)
    if not certificates.available_to_attendee(registration, utcnow()):
        abort(404)
    return pdf_response(certificates.pdf_of(registration, utcnow()), file_name(_("Certificate of attendance"), registration.event.slug))


@blueprint.get("/registrations/<token>/ticket.pdf")
def ticket(token: str):
    registration = registration_or_404(token)
    if registration.status != RegistrationStatus.CONFIRMED:
        abort(404)
    pdf = render_pdf("pdf/ticket.html", registration=registration, event=registration.event,
                     qr_code=services.check_in_qr_code(registration))
    return pdf_response(pdf, file_name(_("Ticket"), registration.event.slug))
