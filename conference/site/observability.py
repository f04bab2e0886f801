"""Request ids, one structured log line per request, and JSON logs for every record of the app.

A log line names the route pattern (``/registrations/<token>``), never the requested path: registrants'
links carry their secret in the path, and logs must not hold secrets. So does the development server's.
"""

import json
import logging
import re
import secrets
import sys
import time

from flask import Flask, g, has_request_context, request
from flask_login import current_user
from werkzeug.exceptions import HTTPException
from werkzeug.routing import Map

log = logging.getLogger("conference.request")

# A request id handed on by the reverse proxy is kept if it looks like one, so its log and ours match.
PROXY_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


def request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class PrivateFormatter(logging.Formatter):
    """Tracebacks without row data: PostgreSQL's error DETAIL lines quote the failing row ("Failing row
    contains (…, name@example.org, …)"); SQLAlchemy's own parameters are hidden by hide_parameters."""

    def formatException(self, exc_info) -> str:
        return "\n".join(
            line for line in super().formatException(exc_info).splitlines() if not line.startswith("DETAIL:")
        )


class JsonFormatter(PrivateFormatter):
    """One JSON object per line: time, level, logger, message, request id and any ``extra`` fields."""

    STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if identifier := request_id():
            entry["request_id"] = identifier
        entry |= {key: value for key, value in vars(record).items() if key not in self.STANDARD}
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


JsonFormatter.converter = time.gmtime


class RoutesNotPaths(logging.Filter):
    """The development server (werkzeug, ``make run``) logs each request line with its path: this puts the
    route pattern in its place, as the app's own request log does, and drops the query."""

    REQUEST_LINE = re.compile(r"(?<![A-Z])([A-Z]+) (/\S*) (HTTP/[\d.]+)")  # colours may wrap it

    def __init__(self) -> None:
        super().__init__()
        self.url_map: Map | None = None

    def filter(self, record: logging.LogRecord) -> bool:
        if (
            self.url_map is not None
            and isinstance(record.args, tuple)
            and record.args
            and isinstance(record.args[0], str)
        ):
            record.args = (self.REQUEST_LINE.sub(self._route, record.args[0]), *record.args[1:])
        return True

    def _route(self, line: re.Match[str]) -> str:
        method, target, version = line.groups()
        try:
            assert self.url_map is not None  # filter() calls this only once the app has given its map
            rule, _arguments = self.url_map.bind("localhost").match(target.partition("?")[0], method, return_rule=True)
            route = rule.rule
        except HTTPException:
            route = "(no route)"
        return f"{method} {route} {version}"


DEVELOPMENT_SERVER_LOG = RoutesNotPaths()


def init(app: Flask) -> None:
    DEVELOPMENT_SERVER_LOG.url_map = app.url_map  # (one filter for the process: the app served last)
    werkzeug_log = logging.getLogger("werkzeug")
    if DEVELOPMENT_SERVER_LOG not in werkzeug_log.filters:
        werkzeug_log.addFilter(DEVELOPMENT_SERVER_LOG)
    if not app.testing and not logging.getLogger("conference").handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            JsonFormatter()
            if app.config["LOG_FORMAT"] == "json"
            else PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
        )
        logger = logging.getLogger("conference")
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False

    def log_exception(exc_info) -> None:
        # Flask's own message names the requested path, which may hold a registrant's secret.
        app.logger.error("Exception on %s [%s]", _route(), request.method, exc_info=exc_info)

    app.log_exception = log_exception  # type: ignore[method-assign]  # Flask's hook is this method

    @app.before_request
    def start():
        offered = request.headers.get("X-Request-ID", "")
        g.request_id = offered if PROXY_REQUEST_ID.fullmatch(offered) else secrets.token_hex(8)
        g.request_started = time.perf_counter()

    @app.after_request
    def finish(response):
        response.headers["X-Request-ID"] = g.request_id
        log.info(
            "%s %s %s",
            request.method,
            _route(),
            response.status_code,
            extra={
                "method": request.method,
                "route": _route(),
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
                "remote_addr": request.remote_addr,
                "user_id": current_user.get_id() if current_user else None,
            },
        )
        return response


def _route() -> str:
    return request.url_rule.rule if request.url_rule else "(no route)"
