"""Configuration: defaults here, then ``instance/config.py``, then environment variables.

``CONFERENCE_ENV`` selects the mode: ``production`` (the default, so a forgotten setting
fails safe), ``development`` (``make run``) or ``testing``.
"""

import os

ENVIRONMENT_KEYS = (
    "SECRET_KEY",
    "DATABASE_URL",
    "MAIL_SERVER",
    "MAIL_PORT",
    "MAIL_USERNAME",
    "MAIL_PASSWORD",
    "MAIL_USE_TLS",
    "MAIL_DEFAULT_SENDER",
    "MAIL_BACKEND",
    "PUBLIC_URL",
    "MATERIALS_MAX_BYTES",
    "RENDER_SECONDS",
    "TRUSTED_PROXIES",
    "LOG_FORMAT",
    "REDIS_URL",
    "TASK_RUNNER",
    "SESSION_IDLE_MINUTES",
    "HELPERS_NEED_TWO_FACTOR",
    "WEBHOOK_ALLOWED_HOSTS",
    "WEBHOOK_CA_FILE",
)

DEVELOPMENT_SECRET_KEY = "development-only-not-secret"


class MissingSecretKey(RuntimeError):
    pass


def defaults(instance_path: str) -> dict:
    return {
        "SECRET_KEY": None,
        "DATABASE_URL": "sqlite:///" + os.path.join(instance_path, "conference.sqlite3"),
        # hide_parameters: a database error's log line shows the statement, not the row data (names, addresses).
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "BABEL_DEFAULT_LOCALE": "de",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Berlin",
        "LANGUAGES": {"de": "Deutsch", "en": "English"},
        # "smtp" sends through MAIL_SERVER; "file" writes each message to instance/mail/.
        # Unset: "file" in development, "smtp" otherwise.
        "MAIL_BACKEND": None,
        # The site's address for links in mail sent outside a request, e.g. https://tagung.example.org
        "PUBLIC_URL": None,
        "MAIL_SERVER": "localhost",
        "MAIL_PORT": 25,
        "MAIL_USE_TLS": False,
        "MAIL_DEFAULT_SENDER": "tagung@example.org",
        # Forms are small; a larger body is refused with 413 before it is read.
        "MAX_CONTENT_LENGTH": 1024 * 1024,
        # A document (or a chunk of a long one) that takes longer than this to render is stopped and refused.
        "RENDER_SECONDS": 20,
        # Uploaded materials (slides, handouts) may be larger: at most this many bytes each.
        "MATERIALS_MAX_BYTES": 50_000_000,  # "50 MB" as pages and file managers count
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": True,
        # How many reverse proxies stand before the app (their X-Forwarded-* headers are then trusted).
        "TRUSTED_PROXIES": 0,
        # "json": one JSON object per log line (for log collectors); "text": for reading in a terminal.
        "LOG_FORMAT": None,
        # Who runs background tasks: "thread" (a thread of each web process, no extra server),
        # "worker" (`flask --app conference worker`; through RQ when REDIS_URL is set) or
        # "inline" (at once, in the request: for tests). Unset: "inline" in tests, else "thread".
        "TASK_RUNNER": None,
        "REDIS_URL": None,
        "PERMANENT_SESSION_LIFETIME": 60 * 60 * 24 * 30,
        # A back-office session without a request for this long ends (a phone left at the door, a shared PC).
        "SESSION_IDLE_MINUTES": 120,
        # Check-in helpers whom organisers invite from an event's check-in page must set up two-factor log-in.
        "HELPERS_NEED_TWO_FACTOR": False,
        # How passwords are hashed (Werkzeug's names). Unset: scrypt; tests use a cheap one, as they hash many.
        "PASSWORD_HASH_METHOD": None,
        # Webhooks reach only public addresses; these hosts are allowed anyway (a tool on the organisation's own
        # network). From the environment: separated by commas.
        "WEBHOOK_ALLOWED_HOSTS": [],
        # The certificate authorities a webhook's receiver is checked against (a PEM file). Unset: the system's.
        "WEBHOOK_CA_FILE": None,
    }


def from_environment(environ=os.environ) -> dict:
    """The recognised environment variables, with numbers and flags converted."""
    found = {key: environ[key] for key in ENVIRONMENT_KEYS if environ.get(key)}
    for number in ("MAIL_PORT", "MATERIALS_MAX_BYTES", "RENDER_SECONDS", "TRUSTED_PROXIES", "SESSION_IDLE_MINUTES"):
        if number in found:
            found[number] = int(found[number])
    if "WEBHOOK_ALLOWED_HOSTS" in found:
        found["WEBHOOK_ALLOWED_HOSTS"] = [
            host.strip() for host in found["WEBHOOK_ALLOWED_HOSTS"].split(",") if host.strip()
        ]
    for flag in ("MAIL_USE_TLS", "HELPERS_NEED_TWO_FACTOR"):
        if flag in found:
            found[flag] = found[flag].lower() in {"1", "true", "yes", "on"}
    return found


def sqlalchemy_url(database_url: str) -> str:
    """Hosting providers hand out ``postgres://`` URLs; SQLAlchemy needs the psycopg 3 driver named."""
    for prefix in ("postgres://", "postgresql://"):
        if database_url.startswith(prefix):
            return "postgresql+psycopg://" + database_url[len(prefix) :]
    return database_url


def finalise(config) -> None:
    """Derive the settings that depend on the mode and on the database URL."""
    mode = config.setdefault("CONFERENCE_ENV", os.environ.get("CONFERENCE_ENV", "production"))
    if mode not in {"production", "development", "testing"}:
        raise RuntimeError(f"CONFERENCE_ENV must be production, development or testing, not {mode!r}.")
    if not config.get("SECRET_KEY"):
        if mode == "production":
            raise MissingSecretKey(
                "SECRET_KEY is not set. Set the environment variable SECRET_KEY (or SECRET_KEY in "
                "instance/config.py) to a long random value, e.g. the output of "
                "`python -c 'import secrets; print(secrets.token_hex(32))'`. "
                "For local development set CONFERENCE_ENV=development instead."
            )
        config["SECRET_KEY"] = DEVELOPMENT_SECRET_KEY
    if mode == "production" and not config["PUBLIC_URL"]:
        # Mail is built by background tasks, outside any request: its links need the site's address.
        raise RuntimeError("PUBLIC_URL is not set. Set it to the site's address, e.g. https://tagung.example.org.")
    if mode != "production":
        # Development and tests are served over plain http://127.0.0.1.
        config["SESSION_COOKIE_SECURE"] = config["REMEMBER_COOKIE_SECURE"] = False
    if mode == "development" and not config["PUBLIC_URL"]:  # `make run PORT=…` sets the port flask run serves on
        config["PUBLIC_URL"] = f"http://127.0.0.1:{os.environ.get('FLASK_RUN_PORT') or 5000}"
    if not config["LOG_FORMAT"]:
        config["LOG_FORMAT"] = "text" if mode == "development" else "json"
    if not config["TASK_RUNNER"]:
        config["TASK_RUNNER"] = "inline" if mode == "testing" else "thread"
    if config["TASK_RUNNER"] not in {"inline", "thread", "worker"}:
        raise RuntimeError(f"TASK_RUNNER must be inline, thread or worker, not {config['TASK_RUNNER']!r}.")
    if not config["PASSWORD_HASH_METHOD"]:
        config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:1000" if mode == "testing" else "scrypt"
    if not config["MAIL_BACKEND"]:
        config["MAIL_BACKEND"] = "file" if mode == "development" else "smtp"
    config["SQLALCHEMY_DATABASE_URI"] = sqlalchemy_url(config["DATABASE_URL"])
