import click
import sqlalchemy as sa
from flask.cli import AppGroup

from conference.accounts import services
from conference.accounts.models import EventRole, User, UserRole
from conference.events.models import Event
from conference.extensions import db

accounts_commands = AppGroup("accounts", help="Organiser accounts.")


@accounts_commands.command("create")
@click.argument("email")
@click.option("--admin", is_flag=True, help="An administrator: manages every event and all accounts.")
@click.option("--check-in", "check_in", is_flag=True, help="A check-in helper: only the door of the events assigned.")
@click.option("--name", default="", help="The name shown in the back office.")
@click.password_option(help="Asked for when not given.")
def create_command(email: str, admin: bool, check_in: bool, name: str, password: str) -> None:
    """Create an account; the password is asked for twice and stored hashed."""
    if db.session.scalar(sa.select(User.id).where(User.email == email.strip().lower())) is not None:
        raise click.ClickException(f"There is already an account for {email}.")
    if len(password) < 10:
        raise click.ClickException("Please choose a password of at least 10 characters.")
    role = UserRole.ADMINISTRATOR if admin else UserRole.CHECK_IN if check_in else UserRole.ORGANISER
    user = services.create_user(email, name or email, password, role)
    click.echo(f"Created {role.value} account {user.email}.")


@accounts_commands.command("assign")
@click.argument("email")
@click.argument("event_slug")
@click.option("--check-in", "check_in", is_flag=True, help="Only the check-in page of that event.")
def assign_command(email: str, event_slug: str, check_in: bool) -> None:
    """Let an account manage one event (or only check people in there)."""
    user = db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))
    event = db.session.scalar(sa.select(Event).where(Event.slug == event_slug))
    if user is None or event is None:
        raise click.ClickException("No such account or event.")
    role = EventRole.CHECK_IN if check_in or user.role == UserRole.CHECK_IN else EventRole.ORGANISER
    services.assign(user, event.id, role, by=None)
    click.echo(f"{user.email} is now {role.value} of {event.slug}.")
