from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, session
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField

from conference.site.i18n import LOCALE_SESSION_KEY

blueprint = Blueprint("site", __name__)


class LanguageForm(FlaskForm):
    locale = SelectField(choices=[])
    next = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = list(current_app.config["LANGUAGES"].items())


def local_path(target: str | None) -> str:
    """``target`` if it is a path on this site, else the home page (no open redirects)."""
    if not target or "\\" in target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return "/"
    return target


@blueprint.post("/language")
def switch_language():
    form = LanguageForm()
    if form.validate_on_submit():
        session[LOCALE_SESSION_KEY] = form.locale.data
    return redirect(local_path(form.next.data), code=303)
