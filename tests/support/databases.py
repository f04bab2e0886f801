"""Where tests keep their data.

On SQLite each test gets a copy of one empty database file made once per run. On the PostgreSQL server named
by ``TEST_DATABASE_URL`` each pytest-xdist worker gets schemas of its own (so workers never meet), whose
tables are made once and emptied before each test.
"""

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from conference import create_app
from conference.config import sqlalchemy_url
from conference.extensions import db

SERVER_URL = os.environ.get("TEST_DATABASE_URL")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")


def own_schema(purpose: str) -> str:
    """The URL of a new, empty PostgreSQL schema of this worker's, named after ``purpose``."""
    schema = f"{purpose}_{WORKER}"
    engine = sa.create_engine(sqlalchemy_url(SERVER_URL))
    with engine.begin() as connection:
        connection.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{SERVER_URL}{'&' if '?' in SERVER_URL else '?'}options=-csearch_path%3D{schema}"


def _with_tables(database_url: str) -> None:
    app = create_app({"TESTING": True, "CONFERENCE_ENV": "testing", "DATABASE_URL": database_url})
    with app.app_context():
        db.create_all()
        db.engine.dispose()


def empty_databases(folder: Path) -> Callable[[Path], str]:
    """Makes the tables once; returns what gives a test (by its temporary folder) the URL of an empty database."""
    if SERVER_URL:
        url = own_schema("test")
        _with_tables(url)
        engine = sa.create_engine(sqlalchemy_url(url))
        tables = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)

        def emptied(_test_folder: Path) -> str:
            with engine.begin() as connection:
                connection.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            return url

        return emptied
    template = folder / "empty.sqlite3"
    _with_tables(f"sqlite:///{template}")

    def copied(test_folder: Path) -> str:
        shutil.copyfile(template, test_folder / "test.sqlite3")
        return f"sqlite:///{test_folder / 'test.sqlite3'}"

    return copied
