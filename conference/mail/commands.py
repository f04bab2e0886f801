import click
from flask.cli import AppGroup

from conference.mail import services

mail_commands = AppGroup("mail", help="Outgoing mail.")


@mail_commands.command("send")
def send_command() -> None:
    """Send every queued mail that is due (retries after a mail server failure)."""
    click.echo(f"{services.deliver_due()} mail(s) tried.")
