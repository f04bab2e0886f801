"""What every part of the API shares: its blueprint class, its parser, its errors."""

from typing import NoReturn

import flask_smorest
from flask import g, request
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Unauthorized, default_exceptions

from conference.api.models import ApiToken


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
