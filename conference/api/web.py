"""What every part of the API shares: its blueprint class, its parser, its errors."""

import math
from typing import Any, NoReturn

import flask_smorest
import sqlalchemy as sa
from flask import g, request
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized, default_exceptions

from conference.api.models import ApiToken
from conference.extensions import db


class Parser(FlaskParser):
    """Parameters the API does not know are refused, not ignored (a typing error would else go unnoticed)."""

    DEFAULT_VALIDATION_STATUS = 400
    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE}


class ApiBlueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = Parser()


def refused(code: int, message: str) -> NoReturn:
    """Answer with the JSON error ``code`` saying ``message`` (site.errors.json_error)."""
    error = Unauthorized(www_authenticate=WWWAuthenticate("bearer")) if code == 401 else default_exceptions[code]()
    error.data = {"message": message}  # type: ignore[attr-defined]  # where flask-smorest keeps it too
    raise error


def authorization() -> str | None:
    """The request's Authorization header, where a tool sends its API token."""
    return request.headers.get("Authorization")


def keep_token(token: ApiToken) -> None:
    """The request's token, once checked, for the view."""
    g.api_token = token


def kept_token() -> ApiToken:
    return g.api_token


def paged(query: sa.Select[Any], page: int, per_page: int) -> tuple[list[Any], dict[str, int]]:
    """One page of the query's rows, and the page's figures (page, per_page, total, pages); 404 past the last."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0
    pages = math.ceil(total / per_page)
    if page > max(pages, 1):
        there_are = ngettext("There is %(num)s page", "There are %(num)s pages", pages)
        refused(404, _("%(there_are)s; page %(page)s does not exist.", there_are=there_are, page=page))
    rows = list(db.session.scalars(query.offset((page - 1) * per_page).limit(per_page)))
    return rows, {"page": page, "per_page": per_page, "total": total, "pages": pages}
