"""Accounts in the back office: administrators invite people, set roles and assign events."""

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user
from wtforms import BooleanField, EmailField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length

from conference.accounts import services, two_factor
from conference.accounts.models import EventRole, User, UserRole
from conference.events.models import Event
from conference.extensions import db
from conference.site import qr
from conference.site.confirmation import ask_first, confirmed
from conference.site.forms import Form, MailAddress, status_of

blueprint = Blueprint("accounts_manage", __name__, url_prefix="/manage/accounts")


class AccountForm(Form):
    name = StringField(_l("Name"), [InputRequired(_l("Please enter a name.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, role.label) for role in UserRole])
    is_active = BooleanField(_l("Account active"), default=True)
    two_factor_required = BooleanField(
        _l("Requires two-factor log-in"),
        description=_l("At the next log-in the account must set up an authenticator app."),
    )


class InviteForm(AccountForm):
    email = EmailField(
        _l("E-mail address"), [InputRequired(_l("Please enter your e-mail address.")), Length(max=254), MailAddress()]
    )


class AssignmentForm(Form):
    event_id = SelectField(_l("Event"), coerce=int)
    role = SelectField(_l("Role"), choices=[SelectChoice(role.value, role.label) for role in EventRole])


@blueprint.get("/")
def index():
    return render_template(
        "accounts/manage/accounts.html", users=db.session.scalars(sa.select(User).order_by(User.name)).all()
    )


@blueprint.route("/new", methods=["GET", "POST"])
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        try:
            user = services.invite(form.email.data, form.name.data.strip(), UserRole(form.role.data), by=current_user)
        except services.AccountError as refused:
            form.add_error(refused.message, refused.field)
        else:
            flash(_("%(email)s has been sent a link to choose a password.", email=user.email), "success")
            return redirect(url_for(".index"), code=303)
    return render_template("accounts/manage/account.html", form=form, user=None), status_of(form)


@blueprint.route("/<int:user_id>", methods=["GET", "POST"])
def edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = AccountForm(obj=user, data={"role": user.role.value})
    assignment_form = AssignmentForm(prefix="assign")
    assignment_form.event_id.choices = [
        SelectChoice(event.id, f"{event.starts_at:%d.%m.%Y} {event.title}")
        for event in db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc()))
    ]
    if form.validate_on_submit():
        try:
            services.change(
                user,
                current_user,
                form.name.data.strip(),
                UserRole(form.role.data),
                form.is_active.data,
                form.two_factor_required.data,
            )
        except services.AccountError as refused:
            form.add_error(refused.message)
        else:
            flash(_("Saved: %(title)s", title=user.email), "success")
            return redirect(url_for(".index"), code=303)
    return render_template(
        "accounts/manage/account.html", form=form, user=user, assignment_form=assignment_form, remove_form=Form()
    ), status_of(form)


@blueprint.post("/<int:user_id>/two-factor/reset")
def reset_two_factor(user_id: int):
    """For a lost phone and lost recovery codes: the account logs in with its password and sets it up again."""
    user = db.session.get(User, user_id) or abort(404)
    if not confirmed():
        return ask_first(
            _("Switch off two-factor log-in of %(email)s?", email=user.email),
            _(
                "Their authenticator app and recovery codes stop working, and every session of the account "
                "ends. They log in with their password alone and set it up again."
            ),
            _("Yes, switch it off"),
            url_for(".edit", user_id=user.id),
        )
    if Form().validate_on_submit():
        two_factor.disable(user, by=current_user, end_sessions=True)
        flash(_("Two-factor log-in of %(email)s is switched off; it can be set up again.", email=user.email), "success")
    return redirect(url_for(".edit", user_id=user.id), code=303)


class TwoFactorForm(Form):
    code = StringField(
        _l("Code"),
        [InputRequired(_l("Please enter the code.")), Length(max=40)],
        description=_l("The six digits your authenticator app shows now."),
    )


@blueprint.route("/me/two-factor", methods=["GET", "POST"])
def own_two_factor():
    """Set up (scan, confirm with a code, keep the recovery codes), renew the recovery codes, or switch it off."""
    user, form, recovery_codes = current_user._get_current_object(), TwoFactorForm(), None
    if not user.has_two_factor and two_factor.unseal(session.get("two_factor_secret")) is None:
        session["two_factor_secret"] = two_factor.new_secret()  # sealed; until confirmed it lives in the session
    if form.validate_on_submit():
        try:
            if not user.has_two_factor:
                recovery_codes = two_factor.enable(user, session["two_factor_secret"], form.code.data)
                session.pop("two_factor_secret")
                login_user(user)  # enabling ended the sessions begun with the password alone, this one goes on
            elif not two_factor.verify(user.id, form.code.data):
                raise two_factor.TwoFactorRefused(_("That code is not right (or was used already)."), "code")
            elif request.form.get("action") == "renew":
                recovery_codes = two_factor.renew_recovery_codes(user)
            elif user.two_factor_required:
                raise two_factor.TwoFactorRefused(
                    _("Your account requires two-factor log-in; it cannot be switched off.")
                )
            else:
                two_factor.disable(user, by=current_user)
                flash(_("Two-factor log-in is switched off."), "success")
                return redirect(url_for(".own_two_factor"), code=303)
        except two_factor.TwoFactorRefused as refused:
            form.add_error(refused.message, refused.field)
        form.code.data = ""
    secret = None if user.has_two_factor else two_factor.unseal(session["two_factor_secret"])
    return render_template(
        "accounts/manage/two_factor.html",
        form=form,
        recovery_codes=recovery_codes,
        secret=secret,
        qr_code=qr.svg_data_uri(two_factor.setup_uri(user, secret)) if secret else None,
    ), status_of(form)


@blueprint.post("/<int:user_id>/assignments")
def assign(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = AssignmentForm(prefix="assign")
    form.event_id.choices = [SelectChoice(event_id, "") for event_id in db.session.scalars(sa.select(Event.id))]
    if form.validate_on_submit():
        try:
            services.assign(user, form.event_id.data, EventRole(form.role.data), by=current_user)
        except services.AccountError as refused:
            flash(refused.message, "error")
    return redirect(url_for(".edit", user_id=user.id), code=303)


@blueprint.post("/<int:user_id>/assignments/<int:assignment_id>/remove")
def unassign(user_id: int, assignment_id: int):
    if Form().validate_on_submit():
        try:
            services.unassign(user_id, assignment_id, by=current_user)
        except services.AccountError:
            abort(404)
    return redirect(url_for(".edit", user_id=user_id), code=303)
