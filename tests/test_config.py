import pytest

from conference import create_app
from conference.config import MissingSecretKey, from_environment, sqlalchemy_url


def test_production_without_secret_key_refuses_to_start(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(MissingSecretKey, match="SECRET_KEY is not set"):
        create_app({"CONFERENCE_ENV": "production", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})


def test_production_without_its_public_address_refuses_to_start(tmp_path):
    with pytest.raises(RuntimeError, match="PUBLIC_URL is not set"):
        create_app(
            {"CONFERENCE_ENV": "production", "SECRET_KEY": "x" * 32, "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"}
        )


def test_environment_overrides_instance_config(monkeypatch, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir()
    (instance / "config.py").write_text("SECRET_KEY = 'from-instance'\nMAIL_SERVER = 'mail.instance'\n")
    monkeypatch.setenv("MAIL_SERVER", "mail.environment")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("CONFERENCE_ENV", "production")
    monkeypatch.setenv("PUBLIC_URL", "https://tagung.example.org")

    import conference

    monkeypatch.setattr(conference.Flask, "auto_find_instance_path", lambda self: str(instance))
    app = create_app()

    assert app.config["SECRET_KEY"] == "from-instance"
    assert app.config["MAIL_SERVER"] == "mail.environment" and app.config["MAIL_PORT"] == 2525
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["PASSWORD_HASH_METHOD"] == "scrypt"  # tests hash with a cheap method; a site never does


def test_sqlite_in_the_instance_folder_is_the_default(monkeypatch, tmp_path):
    import conference

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setattr(conference.Flask, "auto_find_instance_path", lambda self: str(tmp_path))
    app = create_app({"CONFERENCE_ENV": "development"})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/conference.sqlite3"
    assert app.config["SESSION_COOKIE_SECURE"] is False  # development is served over plain http


def test_postgres_urls_get_the_psycopg_driver():
    assert sqlalchemy_url("postgres://u:p@db/conference") == "postgresql+psycopg://u:p@db/conference"
    assert sqlalchemy_url("postgresql://u@db/c") == "postgresql+psycopg://u@db/c"
    assert sqlalchemy_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"


def test_mail_flags_from_the_environment_are_parsed():
    assert from_environment({"MAIL_USE_TLS": "true", "MAIL_PORT": "587"}) == {"MAIL_USE_TLS": True, "MAIL_PORT": 587}
    assert from_environment({"MAIL_USE_TLS": "no"}) == {"MAIL_USE_TLS": False}
    assert from_environment({"HELPERS_NEED_TWO_FACTOR": "yes"}) == {"HELPERS_NEED_TWO_FACTOR": True}
    assert from_environment({"HELPERS_NEED_TWO_FACTOR": "0"}) == {"HELPERS_NEED_TWO_FACTOR": False}


def test_make_run_serves_on_the_port_asked_for_and_links_in_mail_follow_it(monkeypatch, tmp_path):
    import subprocess
    from pathlib import Path

    commands = subprocess.run(
        ["make", "-n", "run", "PORT=5001"], cwd=Path(__file__).parents[1], check=True, capture_output=True, text=True
    ).stdout
    [serve] = [line for line in commands.splitlines() if " run --host" in line]
    assert "FLASK_RUN_PORT=5001" in serve and "http://127.0.0.1:5001" in commands
    monkeypatch.setenv("FLASK_RUN_PORT", "5001")  # what flask run is started with
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    app = create_app({"CONFERENCE_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite3"})
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5001"
