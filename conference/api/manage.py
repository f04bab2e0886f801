"""An organiser's API tokens: made with a name, scopes and a validity, shown once, listed, revoked."""

import secrets

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from conference.api import services
from conference.api.models import TokenScope
from conference.database import utcnow
from conference.registration.forms import CheckboxesField
from conference.rules import Refusal
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form, status_of

blueprint = Blueprint("api_manage", __name__, url_prefix="/manage/api-tokens")


class TokenForm(Form):
    name = StringField(
        _l("Name"),
        [InputRequired(_l("Please name the token.")), Length(max=services.MAX_NAME)],
        description=_l("For example the tool that uses it: “CRM”, “Newsletter”, “Einlass-App”."),
    )
    scopes = CheckboxesField(
        _l("What it may do"),
        choices=[SelectChoice(scope.value, scope.label) for scope in TokenScope],
        description=_l("Only at the events you organise, and only while you do."),
    )
    submission_key = HiddenField()
    valid_for_days = SelectField(
        _l("Valid for"),
        coerce=int,
        choices=[
            SelectChoice(30, _l("30 days")),
            SelectChoice(90, _l("90 days")),
            SelectChoice(365, _l("a year")),
        ],
        default=90,
    )


def page(form: TokenForm, new: services.NewToken | None = None):
    if not form.submission_key.data:
        form.submission_key.data = secrets.token_hex(16)
    response = render_template(
        "api/manage/tokens.html",
        form=form,
        tokens=services.tokens_of(current_user.id),
        new=new,
        now=utcnow(),
        revoke_form=Form(),
    )
    return response, status_of(form), {"Cache-Control": "no-store"}  # the page may show a secret


@blueprint.route("/", methods=["GET", "POST"])
def index():
    form = TokenForm()
    if form.validate_on_submit():
        try:
            new = services.create(
                current_user.id,
                form.name.data,
                [TokenScope(scope) for scope in form.scopes.data],
                form.valid_for_days.data,
                utcnow(),
                form.submission_key.data or "",
                by=current_user,
            )
        except Refusal as refused:
            form.add_error(refused.message, refused.field)
        else:
            return page(TokenForm(formdata=None), new)  # shown on this page, once: never in a redirect or session
    return page(form)


@blueprint.post("/<int:token_id>/revoke")
def revoke(token_id: int):
    if not Form().validate_on_submit():
        return redirect(url_for(".index"), code=303)
    if not confirmed():
        named = next((token for token in services.tokens_of(current_user.id) if token.id == token_id), None)
        return ask_first(
            _("Revoke the token “%(name)s”?", name=named.name) if named else _("Revoke this token?"),
            _("Every tool that uses it stops working at once. A revoked token cannot be used again."),
            _("Yes, revoke"),
            url_for(".index"),
        )
    try:
        token = services.revoke(token_id, current_user.id, utcnow(), by=current_user)
    except Refusal as refused:
        flash(refused.message, "error")
    else:
        flash(_("Revoked: %(name)s", name=token.name), "success")
    return redirect(url_for(".index"), code=303)
