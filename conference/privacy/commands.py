import click
from flask.cli import AppGroup

from conference.privacy import services

privacy_commands = AppGroup("privacy", help="Data protection.")


@privacy_commands.command("purge")
def purge_command() -> None:
    """Delete the personal data of events whose retention period is over (also runs every six hours)."""
    click.echo(f"Personal data of {services.purge()} registration(s) deleted.")
