"""The back office's start page: the events an organiser manages."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from conference.accounts.services import managed_events

blueprint = Blueprint("events_manage", __name__, url_prefix="/manage")


@blueprint.get("/")
@login_required
def index():
    return render_template("manage/index.html", events=managed_events(current_user))
