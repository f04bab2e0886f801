"""The migrations, run from an empty database, build exactly the schema the models describe."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from conference import create_app
from conference.extensions import db
from tests.support import databases


@pytest.fixture
def empty_app(tmp_path):
    database_url = (
        databases.own_schema("migrations") if databases.SERVER_URL else f"sqlite:///{tmp_path / 'migrations.sqlite3'}"
    )
    app = create_app({"TESTING": True, "CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        tables = sa.MetaData()
        tables.reflect(db.engine)  # every table there, also those of models that are gone
        tables.drop_all(db.engine)
        yield app
        downgrade(revision="base")
        db.engine.dispose()


def test_upgrade_from_empty_matches_the_models(empty_app):
    upgrade()
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_downgrade_to_empty_removes_every_table(empty_app):
    upgrade()
    downgrade(revision="base")
    assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
    upgrade()  # and back, so the fixture's own downgrade has something to do
