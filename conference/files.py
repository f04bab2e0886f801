"""Where the app keeps files: under the instance folder (on several servers, a shared mount)."""

from pathlib import Path

from flask import current_app


def instance_folder(*parts: str) -> Path:
    path = Path(current_app.instance_path, *parts)
    path.mkdir(parents=True, exist_ok=True)
    return path


def uploads_folder(*parts: str) -> Path:
    """Uploaded files (logos, materials): what a backup must hold besides the database."""
    return instance_folder("uploads", *parts)
