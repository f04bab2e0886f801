from pathlib import Path

import click

from conference.backup import services
from conference.files import instance_folder


@click.command("backup")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the archive (default: instance/backups).",
)
def backup_command(folder: Path | None) -> None:
    """Back up the database and the uploaded files into one archive, while the site runs."""
    try:
        path = services.create(folder or instance_folder("backups"))
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written: {path}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore_command(archive: Path, yes: bool) -> None:
    """Replace the database and the uploaded files with a backup (stop the site first)."""
    if not yes:
        click.confirm(f"Replace ALL data of this site with {archive.name}?", abort=True)
    try:
        services.restore(archive)
    except services.BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {archive}.")
