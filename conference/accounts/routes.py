import time

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from conference.accounts import services, two_factor
from conference.accounts.forms import CodeForm, ForgotPasswordForm, LoginForm, NewPasswordForm
from conference.accounts.models import User
from conference.extensions import db, login_manager
from conference.limits import services as limits
from conference.limits.web import limited
from conference.site.forms import Form, status_of
from conference.site.urls import local_path

blueprint = Blueprint("accounts", __name__)
SECOND_STEP_SECONDS = 300  # after the password, the code must follow within this time
UNLOCKED = "unlocked"  # the session of a browser in which the owner opened their unlock link


def unlocked_user_id() -> int | None:
    unlocked = session.get(UNLOCKED)
    return unlocked["user"] if unlocked and unlocked["until"] > time.time() else None


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """The user a session names, if the session is still theirs (see User.session_version)."""
    user_id, _, version = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() and len(user_id) < 10 else None
    if user is None or not user.is_active or version != str(user.session_version):
        return None
    return user


@blueprint.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm(next=request.args.get("next", ""))
    locked = False
    if form.validate_on_submit():
        unlocked = unlocked_user_id()
        try:
            user = services.authenticate(form.email.data, form.password.data, request.remote_addr or "", unlocked)
        except services.LoginRefused as refused:
            form.add_error(refused.message)
            locked = refused.locked
        else:
            session.clear()  # a fresh session at log-in: no fixation of an earlier one
            if user.has_two_factor:  # the password alone is half of it
                session["second_step"] = {
                    "user": user.id,
                    "at": int(time.time()),
                    "next": form.next.data or "",
                    "unlocked": user.id == unlocked,
                }
                return redirect(url_for(".code"), code=303)
            login_user(user)
            return redirect(
                local_path(form.next.data) if form.next.data else url_for("back_office.start_page"), code=303
            )
    return render_template(
        "accounts/login.html", form=form, locked=locked, unlock_form=ForgotPasswordForm(email=form.email.data)
    ), status_of(form)


@blueprint.route("/login/code", methods=["GET", "POST"])
def code():
    """The second step of a two-factor log-in, within a few minutes of the password."""
    pending = session.get("second_step")
    if not pending or time.time() - pending["at"] > SECOND_STEP_SECONDS:
        session.pop("second_step", None)
        return redirect(url_for(".login"), code=303)
    form = CodeForm()
    locked = False
    if form.validate_on_submit():
        try:
            if not pending.get("unlocked"):  # the owner, through their unlock link, is not counted
                limits.count("login-code", str(pending["user"]))
        except limits.TooManyRequests:
            form.add_error(_("Too many failed attempts. Please wait 15 minutes and try again."))
            locked = True
        else:
            if two_factor.verify(pending["user"], form.code.data):
                if not pending.get("unlocked"):
                    limits.uncount("login-code", str(pending["user"]))  # only wrong codes count against the owner
                session.clear()
                login_user(db.session.get(User, pending["user"]))
                return redirect(
                    local_path(pending["next"]) if pending["next"] else url_for("back_office.start_page"), code=303
                )
            form.add_error(_("That code is not right (or was used already)."), "code")
    user = db.session.get(User, pending["user"])
    return render_template(
        "accounts/code.html", form=form, locked=locked, unlock_form=ForgotPasswordForm(email=user.email if user else "")
    ), status_of(form)


@blueprint.post("/logout")
@login_required
def logout():
    if Form().validate_on_submit():
        services.end_sessions(current_user)
        logout_user()
        session.clear()
    return redirect(url_for("events.home"), code=303)


@blueprint.route("/login/forgot", methods=["GET", "POST"])
@limited("forgot-password")
def forgot_password():
    form = ForgotPasswordForm()
    sent = form.validate_on_submit()
    if sent:
        services.send_reset_link(form.email.data)
    return render_template("accounts/forgot.html", form=form, sent=sent)


@blueprint.post("/login/unlock")
@limited("forgot-password")
def request_unlock():
    """The owner of an account whose log-in is locked by guessing asks for a link to get past the lock."""
    form = ForgotPasswordForm()
    sent = form.validate_on_submit()
    if sent:  # locked at the code step, the password is known to whoever tried: the mail says so
        services.send_unlock_link(form.email.data, password_known=request.form.get("step") == "code")
    return render_template("accounts/unlock.html", form=None, sent=sent)


@blueprint.route("/login/unlock/<token>", methods=["GET", "POST"])
def unlock(token: str):
    """A button, not the link itself, unlocks: programs that check links in mails open them before the person does."""
    user = services.user_for_unlock_token(token)
    if user is None:
        abort(404)
    form = Form()
    if form.validate_on_submit():
        services.use_unlock_link(user)
        session[UNLOCKED] = {"user": user.id, "until": int(time.time()) + services.UNLOCK_MAX_AGE}
        flash(_("You can now log in in this browser, despite the lock. You still need your password."), "success")
        return redirect(url_for(".login"), code=303)
    return render_template("accounts/unlock.html", form=form, sent=False, token=token)


@blueprint.route("/login/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    user = services.user_for_reset_token(token)
    if user is None:
        abort(404)
    form = NewPasswordForm()
    if form.validate_on_submit():
        services.set_password(user, form.password.data)
        # The link of a new account's welcome mail sets the first password, which is not a change.
        flash(
            _("Your password is set. Please log in.")
            if request.args.get("welcome")
            else _("Your password has been changed. Please log in."),
            "success",
        )
        return redirect(url_for(".login"), code=303)
    return render_template("accounts/reset.html", form=form, token=token), status_of(form)
