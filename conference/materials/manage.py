"""Materials of one event, for its organisers: upload, change, replace, hide, delete, see what is stored."""

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from conference.accounts.access import Action, may
from conference.events.models import Event
from conference.extensions import db
from conference.materials import services, storage
from conference.materials.models import Material, Visibility
from conference.site.confirmation import ask_first, confirmed
from conference.site.errors import render_error
from conference.site.forms import Form, UploadField, status_of
from conference.site.lookup import row_of_event_or_404
from conference.site.urls import absolute_url

blueprint = Blueprint("materials_manage", __name__, url_prefix="/manage/events/<int:event_id>/materials")


class MaterialForm(Form):
    title = StringField(_l("Title"), [InputRequired(_l("Please enter a title.")), Length(max=200)])
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    agenda_item_id = SelectField(
        _l("Agenda item"), coerce=int, description=_l("For example the talk whose slides these are.")
    )
    # "Downloads intern": registered participants unless the organiser says otherwise.
    visibility = SelectField(
        _l("Who may download it"),
        choices=[SelectChoice(v.value, v.label) for v in Visibility],
        default=Visibility.REGISTERED.value,
    )
    hidden = BooleanField(_l("Hidden (only organisers see it)"))
    file = UploadField(_l("File"), description=_l("PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG or ZIP."))

    def details(self) -> services.MaterialDetails:
        return services.MaterialDetails(
            title=self.title.data.strip(),
            description=(self.description.data or "").strip(),
            visibility=Visibility(self.visibility.data),
            agenda_item_id=self.agenda_item_id.data or None,
            hidden=self.hidden.data,
        )


def material_form(event, material: Material | None) -> MaterialForm:
    form = MaterialForm(obj=material) if request.method == "GET" and material else MaterialForm()
    if material and request.method == "GET":
        form.visibility.data = material.visibility.value
        form.agenda_item_id.data = material.agenda_item_id or 0
    form.agenda_item_id.choices = [SelectChoice(0, "–")] + [
        SelectChoice(item.id, item.title) for item in event.agenda_items
    ]
    return form


# Endpoints that take a body larger than MAX_CONTENT_LENGTH from whom they allow it: each gives the limit for the
# request at hand, or None. Features above add theirs (the speakers' own page).
LARGE_UPLOADS: dict[str, Callable[[dict[str, Any]], int | None]] = {}


def allow_large_uploads(app) -> None:
    """Let the upload forms take a body as large as a material, from a logged-in organiser of the event (or whom
    another endpoint in ``LARGE_UPLOADS`` allows) only: anyone else's body is refused beyond the usual limit before
    it is read. Registered before CSRF protection reads the body, so the permission is asked here, ahead of the
    check of every request (accounts/access.py)."""

    def limit() -> int | None:
        allows = LARGE_UPLOADS.get(request.endpoint or "")
        return allows(request.view_args or {}) if allows else None

    @app.before_request
    def raise_the_limit():
        if allowed := limit():
            request.max_content_length = allowed + 64 * 1024

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(_error):
        allowed = limit()
        return render_error(413, storage.too_large_message(allowed) if allowed else None)


def _organiser_uploads(view_args: dict[str, Any]) -> int | None:
    if not current_user.is_authenticated:
        return None
    event = db.session.get(Event, view_args["event_id"])
    allowed = event is not None and may(current_user, Action.ORGANISE, event)
    return current_app.config["MATERIALS_MAX_BYTES"] if allowed else None


LARGE_UPLOADS["materials_manage.edit"] = _organiser_uploads


@blueprint.get("/")
def index(event_id: int):
    event = g.event
    token = services.partner_token(event.id)
    return render_template(
        "materials/manage/materials.html",
        event=event,
        materials=services.listed(event.id, services.Viewer(organiser=True)),
        overview=services.overview(event.id),
        form=Form(),
        limit=current_app.config["MATERIALS_MAX_BYTES"],
        partner_url=absolute_url("materials.index", slug=event.slug, partner=token) if token else None,
    )


@blueprint.route("/new", methods=["GET", "POST"], defaults={"material_id": None})
@blueprint.route("/<int:material_id>", methods=["GET", "POST"])
def edit(event_id: int, material_id: int | None):
    event = g.event
    material = row_of_event_or_404(Material, material_id, event) if material_id else None
    form = material_form(event, material)
    if form.validate_on_submit():
        upload = form.file.data if form.file.data and form.file.data.filename else None
        try:
            stream, filename = (upload.stream, upload.filename) if upload else (None, "")
            if material is None:
                material = services.create(event, form.details(), stream, filename, by=current_user)
            else:
                services.update(material, form.details(), stream, filename, by=current_user)
        except storage.UploadRefused as refused:
            form.add_error(refused.message, refused.field or "file")
        else:
            flash(_("Saved: %(title)s", title=material.title), "success")
            return redirect(url_for(".index", event_id=event.id), code=303)
    return render_template(
        "materials/manage/material.html",
        event=event,
        form=form,
        material=material,
        limit=current_app.config["MATERIALS_MAX_BYTES"],
    ), status_of(form)


@blueprint.get("/<int:material_id>/file")
def download(event_id: int, material_id: int):
    event = g.event
    material = row_of_event_or_404(Material, material_id, event)
    if not storage.path_of(material.stored_name).is_file():
        abort(404)
    return send_file(
        storage.path_of(material.stored_name),
        mimetype=storage.served_type(material.content_type),
        as_attachment=True,
        download_name=storage.clean_name(material.original_name),
        conditional=True,
    )


@blueprint.route("/<int:material_id>/delete", methods=["GET", "POST"])
def delete(event_id: int, material_id: int):
    event = g.event
    material = row_of_event_or_404(Material, material_id, event)
    form = Form()
    if form.validate_on_submit():
        services.delete(material, by=current_user)
        flash(_("Deleted: %(title)s", title=material.title), "success")
        return redirect(url_for(".index", event_id=event.id), code=303)
    return render_template("materials/manage/material_delete.html", event=event, material=material, form=form)


@blueprint.post("/partner-link")
def partner_link(event_id: int):
    event = g.event
    existed = services.partner_token(event.id) is not None
    if existed and not confirmed():
        return ask_first(
            _("Make a new link for speakers and partners?"),
            _(
                "The link they have now stops working at once: everyone who should keep their access needs "
                "the new one from you."
            ),
            _("Yes, make a new link"),
            url_for(".index", event_id=event.id),
        )
    if Form().validate_on_submit():
        services.renew_partner_link(event.id, by=current_user)
        flash(
            _("A new link for speakers and partners has been made; the previous one no longer works.")
            if existed
            else _("The link for speakers and partners has been made."),
            "success",
        )
    return redirect(url_for(".index", event_id=event.id), code=303)
