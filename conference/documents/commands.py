import click
from flask.cli import AppGroup

from conference.documents import jobs

documents_commands = AppGroup("documents", help="Documents made in the background.")


@documents_commands.command("run")
def run_command() -> None:
    """Run queued document jobs, and take over those whose process died."""
    click.echo(f"{jobs.run_pending()} job(s) run.")
