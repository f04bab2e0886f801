"""conference: registrations and organisation of professional one-day conferences."""

import os
from pathlib import Path

from flask import Flask
from flask_babel import lazy_gettext
from sqlalchemy import event

from conference import config
from conference.extensions import babel, csrf, db, login_manager, migrate
from conference.site.urls import IdConverter

MIGRATIONS_DIRECTORY = Path(__file__).resolve().parent.parent / "migrations"


def create_app(test_config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.url_map.converters["int"] = IdConverter
    app.config.from_mapping(config.defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(config.from_environment())
    if test_config:
        app.config.update(test_config)
    config.finalise(app.config)
    # Whatever the app writes (database, uploads, documents, mail files, backups) may hold personal
    # data: readable by the app's own user only.
    os.umask(0o077)
    os.makedirs(app.instance_path, exist_ok=True)

    from conference.site import observability, security
    from conference.site.i18n import select_locale

    observability.init(app)  # first: request ids exist for whatever answers early
    security.init(app)

    db.init_app(app)
    # Batch mode lets later migrations alter tables on SQLite, which lacks most ALTER TABLE forms.
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIRECTORY), render_as_batch=True)
    babel.init_app(app, locale_selector=select_locale)
    from conference.materials.manage import allow_large_uploads

    allow_large_uploads(app)  # before CSRF protection, which reads the request body
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = lazy_gettext("Please log in to open this page.")
    login_manager.localize_callback = str  # the session stores plain text, not a lazy string
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            event.listen(db.engine, "connect", _tune_sqlite)
            event.listen(db.engine, "begin", _begin_sqlite)

    _register_features(app)
    return app


def _tune_sqlite(dbapi_connection, _connection_record) -> None:
    # The driver's own transaction handling is switched off: _begin_sqlite starts transactions.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # WAL lets readers work during a write; the generous busy timeout makes writers queue
    # instead of failing with "database is locked" during a registration rush.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted rows (personal data) are overwritten, not left in free pages of the file.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def _begin_sqlite(connection) -> None:
    # Check-and-write transactions (conference.database.row_locked) take the write lock at once.
    immediate = connection.get_execution_options().get("write_lock")
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _register_features(app: Flask) -> None:
    from conference.accounts import access
    from conference.accounts.commands import accounts_commands
    from conference.accounts.manage import blueprint as accounts_manage
    from conference.accounts.routes import blueprint as accounts
    from conference.agenda.manage import blueprint as agenda_manage
    from conference.agenda.routes import blueprint as agenda
    from conference.api import routes as api
    from conference.api.manage import blueprint as api_manage
    from conference.audit import models as _audit_models  # noqa: F401 - the audit table
    from conference.backup.commands import backup_command, restore_command
    from conference.check_in.manage import blueprint as check_in
    from conference.demo.commands import demo_data_command

    # The mails each feature writes: their builders register with conference.mail here, not when a page is imported.
    from conference.documents import notifications as _certificate_mail  # noqa: F401
    from conference.documents.manage import blueprint as documents_manage
    from conference.documents.routes import blueprint as documents
    from conference.embed.routes import blueprint as embed
    from conference.evaluation import notifications as _evaluation_mail  # noqa: F401
    from conference.evaluation.manage import blueprint as evaluation_manage
    from conference.evaluation.routes import blueprint as evaluation
    from conference.events.manage import blueprint as events_manage
    from conference.events.routes import blueprint as events
    from conference.figures.manage import blueprint as figures_manage
    from conference.figures.manage import networks as network_figures
    from conference.limits import models as _limit_models  # noqa: F401 - the rate limit counters
    from conference.materials.manage import blueprint as materials_manage
    from conference.materials.routes import blueprint as materials
    from conference.organisations.manage import blueprint as organisations_manage
    from conference.organisations.routes import blueprint as organisations
    from conference.people.manage import blueprint as people_manage
    from conference.people.routes import blueprint as people
    from conference.privacy.commands import privacy_commands
    from conference.privacy.manage import blueprint as privacy_manage
    from conference.privacy.routes import blueprint as privacy
    from conference.registration import bulk as _bulk_mail  # noqa: F401
    from conference.registration import notifications as _registration_mail  # noqa: F401
    from conference.registration.log import blueprint as log
    from conference.registration.manage import blueprint as registration_manage
    from conference.registration.manage import start as back_office
    from conference.registration.routes import blueprint as registration
    from conference.registration.services import is_full
    from conference.site import errors, filters
    from conference.site.routes import blueprint as site
    from conference.speakers.manage import blueprint as speakers_manage
    from conference.speakers.routes import blueprint as speakers
    from conference.tasks import services as tasks
    from conference.tasks.commands import worker_command
    from conference.tasks.manage import blueprint as tasks_manage
    from conference.webhooks.manage import blueprint as webhooks_manage

    access.init(app)  # after CSRF protection, before any view
    api.init(app)  # before the error pages: those of /api/ are JSON (site.errors)
    organise = access.Action.ORGANISE
    access.declare(
        open_to_anyone=(
            site,
            events,
            agenda,
            people,
            organisations,
            registration,
            accounts,
            documents,
            evaluation,
            materials,
            privacy,
            embed,
            speakers,
            api.blueprint,
            api.reference,
            app.blueprints["api-docs"],
            app.blueprints["api_private"],  # a token, not a log-in, opens it (api.private)
        ),
        back_office={
            **dict.fromkeys(
                (
                    events_manage,
                    registration_manage,
                    agenda_manage,
                    documents_manage,
                    evaluation_manage,
                    figures_manage,
                    materials_manage,
                    speakers_manage,
                    tasks_manage,
                ),
                organise,
            ),
            network_figures: access.Action.NETWORK_FIGURES,
            privacy_manage: organise,
            log: organise,
            check_in: access.Action.CHECK_IN,
            people_manage: access.Action.EDIT_PEOPLE,
            organisations_manage: access.Action.EDIT_ORGANISATIONS,
            accounts_manage: access.Action.MANAGE_ACCOUNTS,
            api_manage: access.Action.API_TOKENS,
            webhooks_manage: access.Action.WEBHOOKS,
            back_office: access.Action.BACK_OFFICE,
        },
        exceptions={
            (back_office, "start_page"): access.Action.BACK_OFFICE,
            (events_manage, "new"): access.Action.CREATE_EVENT,
            (organisations_manage, "merge"): access.Action.MANAGE_ORGANISATIONS,
            (log, "whole"): access.Action.READ_THE_WHOLE_LOG,
            (accounts_manage, "own_two_factor"): access.Action.BACK_OFFICE,
            (check_in, "admit"): access.Action.ADMIT,
            (check_in, "walk_in"): access.Action.ADMIT,
            (documents_manage, "badge"): access.Action.CHECK_IN,
            (check_in, "invite_helper"): organise,
            (check_in, "remove_helper"): organise,
        },
    )
    app.register_blueprint(api.reference)
    app.register_blueprint(api_manage)
    app.register_blueprint(webhooks_manage)
    app.register_blueprint(embed)
    app.register_blueprint(speakers)
    app.register_blueprint(speakers_manage)
    for blueprint in (
        site,
        events,
        agenda,
        people,
        organisations,
        registration,
        accounts,
        events_manage,
        registration_manage,
        check_in,
        agenda_manage,
        people_manage,
        organisations_manage,
        accounts_manage,
        documents,
        documents_manage,
        evaluation,
        evaluation_manage,
        materials,
        materials_manage,
        figures_manage,
        network_figures,
        tasks_manage,
        privacy,
        privacy_manage,
        back_office,
        log,
    ):
        app.register_blueprint(blueprint)
    errors.register(app)
    filters.register(app)
    app.add_template_global(is_full)  # the event pages (a lower layer) say when an event is fully booked
    tasks.init(app)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(accounts_commands)
    app.cli.add_command(worker_command)
    app.cli.add_command(privacy_commands)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
