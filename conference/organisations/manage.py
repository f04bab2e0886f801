"""Organisations in the back office: administrators keep the list; organisers add partners for their events and
keep the name, website and logo of those they added or that are partners of their events."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, SelectChoice, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, InputRequired, Length, Optional

from conference.extensions import db
from conference.organisations import logos, services
from conference.organisations.models import Organisation, OrganisationKind
from conference.rules import Refusal
from conference.site.forms import Form, UploadField, status_of
from conference.site.urls import local_path

blueprint = Blueprint("organisations_manage", __name__)


class OrganisationForm(Form):
    name = StringField(_l("Name"), [InputRequired(_l("Please enter a name.")), Length(max=200)])
    short_name = StringField(_l("Short name"), [Optional(), Length(max=60)], description=_l("E.g. “amoN”."))
    kind = SelectField(_l("Kind"), choices=[SelectChoice(kind.value, kind.label) for kind in OrganisationKind])
    parent_id = SelectField(_l("Part of"), coerce=int, description=_l("The organisation that runs a project."))
    city = StringField(_l("City"), [Optional(), Length(max=100)])
    website = URLField(
        _l("Website"),
        [Optional(), Length(max=300), URL(message=_l("Please enter a web address starting with https://"))],
    )
    description = TextAreaField(_l("Description"), [Optional(), Length(max=5000)])
    embed_origins = TextAreaField(
        _l("Websites that may show its events"),
        [Optional(), Length(max=2500)],
        description=_l(
            "One address per line, e.g. https://www.bqn-emscher-lippe.de: only these sites can show its upcoming "
            "events and their registration forms inside their own pages."
        ),
    )
    logo = UploadField(_l("Logo"), description=_l("PNG, JPEG or SVG, at most 512 KB."))
    different = BooleanField(_l("It is none of the similar organisations listed above."))


# What an organiser may change of an organisation that is not only theirs: its kind and place in a network,
# which the event lists are filtered by, stay with the administrators.
ORGANISERS_FIELDS = ("name", "short_name", "website", "logo", "embed_origins")


@blueprint.get("/manage/organisations/")
def index():
    # (which of them the user keeps: accounts/access.organisations_kept_by, asked by the page)
    organisations = services.in_name_order()
    return render_template("organisations/manage/organisations.html", organisations=organisations)


@blueprint.route(
    "/manage/organisations/new", methods=["GET", "POST"], defaults={"organisation_id": None}, endpoint="new"
)
@blueprint.route("/manage/organisations/<int:organisation_id>", methods=["GET", "POST"])
def edit(organisation_id: int | None):
    """Administrators keep the list; organisers add a new partner for their event (``back``: where they came from)."""
    organisation = db.session.get(Organisation, organisation_id) if organisation_id is not None else None
    if organisation_id is not None and organisation is None:
        abort(404)
    back = local_path(request.values["back"]) if request.values.get("back") else url_for(".index")
    form = OrganisationForm(obj=organisation)
    if organisation is not None and not form.is_submitted():
        form.embed_origins.data = "\n".join(organisation.embedding_websites)
    if organisation is not None and not current_user.is_administrator:
        for name in [field.name for field in form if field.name not in ORGANISERS_FIELDS + ("csrf_token", "different")]:
            del form[name]
    else:
        others = services.in_name_order(db.select(Organisation).where(Organisation.id != (organisation_id or 0)))
        form.parent_id.choices = [SelectChoice(0, "–")] + [SelectChoice(org.id, org.name) for org in others]
    similar = []
    if form.validate_on_submit():
        upload = form.logo.data
        try:
            organisation = services.save(
                organisation,
                details_of(form, organisation, services.embed_origins(form.embed_origins.data or "")),
                upload.read(logos.MAX_BYTES + 1) if upload and upload.filename else None,
                form.different.data,
                by=current_user,
            )
        except logos.LogoError as refused:
            form.add_error(str(refused), "logo")
        except services.SimilarOrganisations as refused:
            form.add_error(refused.message)
            similar = refused.found
            if upload and upload.filename:  # a browser never sends a file field again by itself
                form.add_error(_("Please choose the logo file again."), "logo")
        except Refusal as refused:  # a website that may embed its events is no such address
            form.add_error(refused.message, refused.field)
        else:
            flash(_("Saved: %(title)s", title=organisation.name), "success")
            if organisation_id is None and request.values.get("back"):  # an organiser adding a partner
                back = f"{back}{'&' if '?' in back else '?'}organisation={organisation.id}"
            return redirect(back, code=303)
    return render_template(
        "organisations/manage/organisation.html", form=form, organisation=organisation, similar=similar, back=back
    ), status_of(form)


def details_of(
    form: OrganisationForm, organisation: Organisation | None, embed_origins: list[str]
) -> services.OrganisationDetails:
    """What the form says, and what it does not show an organiser kept as it was."""

    def value(name: str, stored):
        return (form[name].data or "") if name in form else stored

    return services.OrganisationDetails(
        form.name.data,
        OrganisationKind(value("kind", organisation.kind if organisation else None)),
        form.short_name.data or "",
        value("city", organisation and organisation.city or ""),
        form.website.data or "",
        value("description", organisation and organisation.description or ""),
        (form.parent_id.data or None) if "parent_id" in form or organisation is None else organisation.parent_id,
        embed_origins,
    )


class MergeForm(Form):
    kept_id = SelectField(_l("The organisation that stays"), coerce=int)


@blueprint.route("/manage/organisations/<int:organisation_id>/merge", methods=["GET", "POST"])
def merge(organisation_id: int):
    """Administrators fold a duplicate into the organisation that stays, after seeing what will happen."""
    duplicate = db.session.get(Organisation, organisation_id) or abort(404)
    form = MergeForm()
    similar = services.similar(duplicate.name, duplicate.short_name or "", besides=duplicate.id)
    others = similar + [
        org
        for org in services.in_name_order(db.select(Organisation).where(Organisation.id != duplicate.id))
        if org not in similar
    ]
    form.kept_id.choices = [
        SelectChoice(org.id, org.name + (f" ({org.short_name})" if org.short_name else "")) for org in others
    ]
    kept = None
    if form.validate_on_submit():
        kept = db.session.get_one(Organisation, form.kept_id.data)
        if "confirm" in request.form:
            try:
                services.merge(duplicate.id, form.kept_id.data, by=current_user)
            except services.MergeError as refused:
                form.add_error(refused.message, "kept_id")
            else:
                flash(_("%(duplicate)s is merged into %(kept)s.", duplicate=duplicate.name, kept=kept.name), "success")
                return redirect(url_for(".edit", organisation_id=kept.id), code=303)
    return render_template(
        "organisations/manage/organisation_merge.html", form=form, duplicate=duplicate, kept=kept, similar=similar
    ), status_of(form)
