"""A speaker's own page behind their link: answer the invitation, correct their details and photo, send slides."""

from flask import (
    Blueprint,
    abort,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _

from conference.database import utcnow
from conference.materials import storage
from conference.materials.manage import LARGE_UPLOADS
from conference.people import photos
from conference.site import i18n
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form, status_of
from conference.site.lookup import found
from conference.speakers import services
from conference.speakers.forms import ProfileForm, SlidesForm
from conference.speakers.models import Answer, SpeakerInvitation

blueprint = Blueprint("speakers", __name__, url_prefix="/speaker/<token>")


def invitation_or_404(token: str) -> SpeakerInvitation:
    """The invitation behind the link, in the event's language; a link revoked, or of a speaker taken off the
    programme, gets a page that says so (410)."""
    invitation = found(services.invitation_for_token(token))
    i18n.prefer(invitation.event.language)
    if invitation.revoked_at is not None or not services.items_of(invitation):
        page = render_template("speakers/revoked.html", event=invitation.event, revoked=invitation.revoked_at)
        abort(make_response(page, 410))
    return invitation


def _uploads(view_args: dict) -> int | None:
    """Slides as large as organisers' materials, a photo up to its limit: only through a working link."""
    invitation = services.invitation_for_token(view_args.get("token", ""))
    if invitation is None or invitation.revoked_at is not None:
        return None
    return current_app.config["MATERIALS_MAX_BYTES"] if request.endpoint == "speakers.slides" else photos.MAX_BYTES


LARGE_UPLOADS["speakers.slides"] = LARGE_UPLOADS["speakers.profile"] = _uploads


def slides_form(invitation: SpeakerInvitation) -> SlidesForm:
    form = SlidesForm()
    form.agenda_item_id.choices = [(item.id, item.title) for item in services.items_of(invitation)]
    return form


def page_of(invitation: SpeakerInvitation, token: str, slides: SlidesForm | None = None, status: int = 200):
    return render_template(
        "speakers/page.html",
        invitation=invitation,
        event=invitation.event,
        person=invitation.person,
        token=token,
        items=services.items_of(invitation),
        slides=services.slides_of(invitation),
        slides_form=slides or slides_form(invitation),
        answer_form=Form(),
        saved=request.args.get("saved"),
    ), status


@blueprint.get("/")
def page(token: str):
    return page_of(invitation_or_404(token), token)


@blueprint.post("/answer")
def answer(token: str):
    invitation = invitation_or_404(token)
    if not (Form().validate_on_submit() and request.form.get("answer") in (Answer.ACCEPTED, Answer.DECLINED)):
        return redirect(url_for(".page", token=token), code=303)
    services.answer(invitation, request.form["answer"] == Answer.ACCEPTED, utcnow())
    return redirect(url_for(".page", token=token, saved="answer"), code=303)


@blueprint.route("/profile", methods=["GET", "POST"])
def profile(token: str):
    invitation = invitation_or_404(token)
    person = invitation.person
    form = ProfileForm(obj=person) if request.method == "GET" else ProfileForm()
    form.fill_choices()
    if request.method == "GET":
        form.organisation_id.data = person.organisation_id or 0
        if person.shows_profile is not None:  # not asked yet: no answer chosen for them
            form.shows_profile.data = "yes" if person.shows_profile else "no"
    if form.validate_on_submit():
        upload = form.photo.data if form.photo.data and form.photo.data.filename else None
        try:
            services.save_profile(invitation, form.profile(), upload.read() if upload else None, form.remove_photo.data)
        except (services.SpeakerError, photos.PhotoRefused) as refused:
            form.add_error(refused.message, refused.field)
        else:
            return redirect(url_for(".page", token=token, saved="profile"), code=303)
    return render_template(
        "speakers/profile.html", invitation=invitation, event=invitation.event, person=person, form=form, token=token
    ), status_of(form)


@blueprint.post("/slides")
def slides(token: str):
    invitation = invitation_or_404(token)
    form = slides_form(invitation)
    if form.validate_on_submit():
        upload = form.file.data if form.file.data and form.file.data.filename else None
        try:
            stream, filename = (upload.stream, upload.filename) if upload else (None, "")
            services.send_slides(invitation, form.agenda_item_id.data, stream, filename)
        except (services.SpeakerError, storage.UploadRefused) as refused:
            form.add_error(refused.message, refused.field or "file")
        else:
            return redirect(url_for(".page", token=token, saved="slides"), code=303)
    return page_of(invitation, token, form, status_of(form) if form.is_submitted() else 200)


@blueprint.post("/slides/<int:material_id>/delete")
def withdraw(token: str, material_id: int):
    invitation = invitation_or_404(token)
    material = found(next((each for each in services.slides_of(invitation) if each.id == material_id), None))
    if not Form().validate_on_submit():
        return redirect(url_for(".page", token=token), code=303)
    if not confirmed():
        return ask_first(
            _("Delete “%(name)s”?", name=material.original_name),
            _("Participants can no longer download it; you can send it again at any time."),
            _("Delete the file"),
            url_for(".page", token=token),
        )
    services.withdraw_slides(invitation, material.id)
    return redirect(url_for(".page", token=token, saved="withdrawn"), code=303)


@blueprint.get("/photo")
def photo(token: str):
    person = invitation_or_404(token).person
    if not person.photo:
        abort(404)
    return send_from_directory(photos.folder(), person.photo, mimetype="image/jpeg", max_age=0)
