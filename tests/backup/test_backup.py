"""A backup taken while the site runs brings back the database and the uploads (SQLite, and
PostgreSQL when the suite runs on it)."""

import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from conference.config import sqlalchemy_url
from conference.database import utcnow
from conference.extensions import db
from conference.registration import services
from conference.registration.models import Registration
from tests.support import applicant, databases


def test_backup_and_restore_bring_back_registrations_and_uploaded_files(app, runner, make_event, tmp_path):
    event = make_event()
    kept = services.register(event.id, applicant(first_name="Gesichert"), utcnow(), by=None).registration
    upload = Path(app.instance_path) / "uploads" / "materials" / "slides"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.7 Folien")

    result = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert result.exit_code == 0, result.output
    [archive] = (tmp_path / "backups").glob("conference-*.tar.gz")
    assert str(archive) in result.output
    with tarfile.open(archive) as contents:
        assert "uploads/materials/slides" in contents.getnames()

    # Something goes wrong after the backup: a registration lost, a file gone, a stranger added.
    db.session.execute(sa.delete(Registration))
    db.session.commit()
    services.register(event.id, applicant(first_name="Danach"), utcnow(), by=None)
    upload.unlink()

    result = runner.invoke(args=["restore", "--yes", str(archive)])
    assert result.exit_code == 0, result.output
    db.session.remove()
    names = db.session.scalars(sa.select(Registration.first_name)).all()
    assert names == ["Gesichert"] and db.session.get(Registration, kept.id).email == kept.email
    assert upload.read_bytes() == b"%PDF-1.7 Folien"


@pytest.mark.skipif(not databases.SERVER_URL, reason="a site confined to a schema: PostgreSQL only")
def test_on_postgresql_a_backup_and_its_restore_keep_to_the_sites_schema(app, runner, tmp_path):
    neighbour = sa.create_engine(sqlalchemy_url(databases.own_schema("neighbour")))
    with neighbour.begin() as connection:
        connection.execute(sa.text("CREATE TABLE note (text varchar)"))
    archive = tmp_path / "backups"
    assert runner.invoke(args=["backup", "--to", str(archive)]).exit_code == 0
    with neighbour.begin() as connection:  # another site of the same server goes on working
        connection.execute(sa.text("INSERT INTO note VALUES ('after the backup')"))

    [archive] = archive.glob("conference-*.tar.gz")
    assert runner.invoke(args=["restore", "--yes", str(archive)]).exit_code == 0

    with neighbour.connect() as connection:
        assert connection.scalars(sa.text("SELECT text FROM note")).all() == ["after the backup"]
    neighbour.dispose()


def test_restoring_something_that_is_no_backup_stops_with_a_message(runner, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as archive:
        (tmp_path / "notes.txt").write_text("keine Sicherung")
        archive.add(tmp_path / "notes.txt", arcname="notes.txt")
    result = runner.invoke(args=["restore", "--yes", str(bogus)])
    assert result.exit_code == 1 and "not a backup of this kind of database" in result.output


def test_what_the_app_writes_is_readable_by_its_own_user_only(tmp_path):
    import io
    import os
    import stat

    from conference import create_app
    from conference.materials import storage

    os.umask(0o022)  # the usual default, as a server starts the app
    app = create_app(
        {"TESTING": True, "CONFERENCE_ENV": "testing", "DATABASE_URL": f"sqlite:///{tmp_path / 'own.sqlite3'}"}
    )
    app.instance_path = str(tmp_path / "instance")
    with app.app_context():
        db.create_all()
        stored, _size = storage.save(io.BytesIO(b"%PDF-1.7 Folien"), 1000)
        assert app.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "backups")]).exit_code == 0
        written = [
            storage.path_of(stored),
            *(tmp_path / "backups").glob("*.tar.gz"),
            tmp_path / "own.sqlite3",
            tmp_path / "instance",
            tmp_path / "backups",
        ]
        db.engine.dispose()
    assert {path.name: oct(stat.S_IMODE(path.stat().st_mode) & 0o077) for path in written} == {
        path.name: "0o0" for path in written
    }
