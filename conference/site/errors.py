from flask import Flask, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from conference.extensions import db

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You are not allowed to open this page.")),
    404: (
        _l("Page not found"),
        _l("There is no page at this address. Perhaps the event has moved or the link is mistyped."),
    ),
    405: (_l("Not possible here"), _l("This page cannot be used in that way.")),
    413: (_l("Too much at once"), _l("What you sent is too large. Please shorten your entries and try again.")),
    429: (
        _l("Too many requests"),
        _l("Too many attempts from your address in a short time. Please wait a few minutes and try again."),
    ),
    503: (_l("Not possible at the moment"), _l("The server cannot do this at the moment. Please try again later.")),
    500: (
        _l("Something went wrong"),
        _l("An error occurred on our side. Nothing you entered is your fault; please try again later."),
    ),
}


def render_error(code: int, message=None):
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message or default_message), code


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(_error):
        return render_error(
            400, _l("The form had expired or was sent from elsewhere. Please reload the page and try again.")
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/api/"):
            return json_error(error)
        if error.code not in MESSAGES:
            return error
        page, code = render_error(error.code)
        # Headers the error carries, such as Allow (405) and Retry-After (429), stay.
        return page, code, [(name, value) for name, value in error.get_headers() if name != "Content-Type"]

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError):
        db.session.rollback()
        return json_error(error) if request.path.startswith("/api/") else render_error(500)


def json_error(error: HTTPException):
    """An error of the API, for programs: its status, a message for people, and per parameter what is wrong."""
    data = getattr(error, "data", None) or {}
    _title, message = MESSAGES.get(error.code or 500, MESSAGES[500])
    body = {"code": error.code, "status": error.name, "message": str(data.get("message") or message)}
    if messages := data.get("messages"):
        names = sorted(name for fields in messages.values() for name in fields)
        body["message"] = str(_l("Please check the parameters: %(names)s.", names=", ".join(names)))
        body["errors"] = messages
    headers = [(name, value) for name, value in error.get_headers() if name != "Content-Type"]
    return jsonify(body), error.code, headers
