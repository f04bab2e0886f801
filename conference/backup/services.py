"""One archive holds everything to restore a site: the database and the uploaded files.

SQLite is copied with its online backup API (consistent while the site keeps running);
PostgreSQL with ``pg_dump`` in its custom format, restored with ``pg_restore``.
"""

import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from conference.extensions import db
from conference.files import uploads_folder

UPLOADS = "uploads"


class BackupError(RuntimeError):
    pass


def _database_url() -> str:
    """The URL as libpq and sqlite3 understand it (without SQLAlchemy's driver name)."""
    url = db.engine.url
    return url.set(drivername=url.get_backend_name()).render_as_string(hide_password=False)


def _schemas_of_the_site() -> list[str]:
    """The schemas a site's URL confines it to (``?options=-csearch_path=…``), so that a backup holds only
    those and a restore replaces only those; none: the whole database is the site's."""
    options = db.engine.url.query.get("options", "")
    found = re.search(r"-c\s*search_path=(\S+)", options if isinstance(options, str) else " ".join(options))
    return [schema for schema in found.group(1).split(",") if schema not in ("", "public", "$user")] if found else []


def create(folder: Path) -> Path:
    """Write ``conference-<time>.tar.gz`` into ``folder``; returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = folder / f"conference-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / _dump_name()
        if db.engine.dialect.name == "sqlite":
            with sqlite3.connect(_sqlite_file()) as source, sqlite3.connect(dump) as copy:
                source.backup(copy)
        else:
            schemas = [f"--schema={schema}" for schema in _schemas_of_the_site()]
            _run(["pg_dump", "--format=custom", "--no-owner", *schemas, f"--file={dump}", _database_url()])
        partial = target.with_suffix(".part")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=dump.name)
            archive.add(uploads_folder(), arcname=UPLOADS)
        partial.rename(target)  # a backup that broke off never looks complete
    return target


def restore(archive_path: Path) -> None:
    """Replace the database and the uploaded files with those of a backup."""
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(work, filter="data")  # refuses absolute paths and escapes from the folder
        dump = Path(work) / _dump_name()
        if not dump.is_file():
            raise BackupError(f"{archive_path} holds no {dump.name}: not a backup of this kind of database.")
        db.session.remove()
        db.engine.dispose()
        if db.engine.dialect.name == "sqlite":
            with sqlite3.connect(dump) as source, sqlite3.connect(_sqlite_file()) as live:
                source.backup(live)
        else:
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    f"--dbname={_database_url()}",
                    str(dump),
                ]
            )
        uploads = uploads_folder()
        shutil.rmtree(uploads)
        if (Path(work) / UPLOADS).is_dir():
            shutil.copytree(Path(work) / UPLOADS, uploads)


def _sqlite_file() -> str:
    if not db.engine.url.database:
        raise BackupError("The SQLite database is held in memory: there is no file to back up or restore.")
    return db.engine.url.database


def _dump_name() -> str:
    return "database.sqlite3" if db.engine.dialect.name == "sqlite" else "database.pgdump"


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except FileNotFoundError as missing:
        raise BackupError(f"{command[0]} is not installed (Debian package postgresql-client).") from missing
    except subprocess.CalledProcessError as failed:
        # The URL holds the password: report the tool's message only.
        raise BackupError(f"{command[0]} failed: {failed.stderr.strip()}") from None
