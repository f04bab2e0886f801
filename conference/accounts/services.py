"""Accounts: log-in with a throttle against guessing, and who may manage which event."""

import functools
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
from flask import current_app, render_template
from flask_babel import gettext as _
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.security import generate_password_hash

from conference.accounts.models import EventAssignment, EventRole, User, UserRole
from conference.audit.models import AuditAction
from conference.audit.services import record
from conference.database import write_transaction
from conference.events import signals as event_signals
from conference.events.models import Event
from conference.extensions import db
from conference.limits import services as limits
from conference.mail import services as mail
from conference.rules import Refusal
from conference.site.urls import absolute_url
from conference.tasks import services as tasks


@functools.cache
def _unknown_user_hash(method: str) -> str:
    """Compared against when the address is unknown, so every refusal takes as long as a real check."""
    return generate_password_hash("no such user", method)


class LoginRefused(Refusal):
    def __init__(self, message: str, locked: bool = False):
        super().__init__(message)
        self.locked = locked  # by the throttle: the owner may ask for a link that lets them past it


class AccountError(Refusal):
    pass


def authenticate(email: str, password: str, address: str, unlocked_user_id: int | None = None) -> User:
    """The active user with this address and password; raises LoginRefused otherwise.

    Every attempt is counted first, per typed address and per client address, in one atomic step
    each (limits.count): parallel guesses cannot slip past the count. A success takes its own
    attempt back. The password is checked whether or not the account exists or is active, so
    the answer takes as long either way. The owner who opened a mailed unlock link in this browser
    (``unlocked_user_id``) is not counted: guessing by others cannot lock them out.
    """
    email = email.strip().lower()
    user: User | None = db.session.scalar(sa.select(User).where(User.email == email))
    counted = user is None or user.id != unlocked_user_id
    if counted:
        try:
            limits.count("login-email", email)
            limits.count("login-address", address)
        except limits.TooManyRequests:
            raise LoginRefused(
                _("Too many failed attempts. Please wait 15 minutes and try again."), locked=True
            ) from None
    correct = (
        user or User(password_hash=_unknown_user_hash(current_app.config["PASSWORD_HASH_METHOD"]))
    ).check_password(password)
    if user is None or not user.is_active or not correct:
        raise LoginRefused(_("E-mail address or password is wrong."))
    if counted:  # (past the lock, the guessers' count stands: they stay locked out)
        limits.forget("login-email", email)
        limits.uncount("login-address", address)
    return user


def create_user(email: str, name: str, password: str, role: UserRole) -> User:
    with write_transaction():
        user = User(email=email.strip().lower(), name=name, role=role)
        user.set_password(password)
        db.session.add(user)
    return user


@event_signals.created.connect
def assign_the_creator(event: Event, by: User | None = None) -> None:
    """Who makes an event organises it (administrators organise every event anyway)."""
    if by is not None and not by.is_administrator:
        db.session.add(EventAssignment(user_id=by.id, event=event, role=EventRole.ORGANISER))


def assign(user: User, event_id: int, role: EventRole, *, by: User | None) -> None:
    """Give an account a role at an event (or another role than it had)."""
    if user.role == UserRole.CHECK_IN and role != EventRole.CHECK_IN:
        raise AccountError(_("A check-in helper's account can only be given the door of an event."))
    with write_transaction():
        assignment = db.session.scalar(
            sa.select(EventAssignment).where(EventAssignment.user_id == user.id, EventAssignment.event_id == event_id)
        ) or EventAssignment(user=user, event_id=event_id)
        if assignment.role == role:  # sent twice: nothing changes
            return
        assignment.role = role
        db.session.add(assignment)
        record(AuditAction.ACCOUNT_ASSIGNED, user.email, event_id, by=by)


def unassign(user_id: int, assignment_id: int, *, by: User | None) -> None:
    with write_transaction():
        assignment = db.session.get(EventAssignment, assignment_id)
        if assignment is None or assignment.user_id != user_id:
            raise AccountError(_("This assignment no longer exists."))
        db.session.delete(assignment)
        record(AuditAction.ACCOUNT_UNASSIGNED, assignment.user.email, assignment.event_id, by=by)


@dataclass
class Helper:
    """A check-in helper of one event, and whether taking the event away leaves their account with none."""

    user: User
    last_event: bool


@contextmanager
def _one_account_per_address() -> Iterator[None]:
    """The same address invited twice at the same moment (two clicks, two organisers): one account, and the other
    invitation refused as if it had come a moment later (PostgreSQL lets both look before either writes)."""
    try:
        yield
    except sa.exc.IntegrityError:
        raise AccountError(_("There is already an account with this address."), "email") from None


def helpers_of(event_id: int) -> list[Helper]:
    """The accounts given the check-in of this event (not its organisers), by name."""
    other = sa.orm.aliased(EventAssignment)
    others = (
        sa.select(sa.func.count(other.id))
        .where(other.user_id == User.id, other.event_id != event_id)
        .correlate(User)
        .scalar_subquery()
    )
    rows: sa.Result[User, int] = db.session.execute(
        sa.select(User, others)
        .join(EventAssignment)
        .where(EventAssignment.event_id == event_id, EventAssignment.role == EventRole.CHECK_IN)
        .order_by(User.name, User.id)
    )
    return [Helper(user, user.role == UserRole.CHECK_IN and not other_events) for user, other_events in rows]


def give_the_door(event_id: int, email: str, name: str, *, by: User | None) -> bool:
    """An organiser lets someone check people in at their event, and at no other: a new account of a check-in
    helper, whose owner chooses the password through the mailed link (and sets up two-factor log-in where the
    administrators require it of helpers, HELPERS_NEED_TWO_FACTOR), or a helper's account that has other events,
    told by mail. A deactivated helper's account is active again, with a password to choose anew. Organisers and
    administrators need no invitation: they are refused. Returns whether the account is new or active again."""
    email = email.strip().lower()
    with _one_account_per_address(), write_transaction():
        user: User | None = db.session.scalar(sa.select(User).where(User.email == email))
        if user is not None and user.role == UserRole.ADMINISTRATOR:
            raise AccountError(
                _("%(email)s belongs to an administrator, who can open every event's check-in anyway.", email=email),
                "email",
            )
        if user is not None and user.role == UserRole.ORGANISER:
            raise AccountError(
                _(
                    "%(email)s belongs to an organiser's account: an administrator can give it this event "
                    "on the accounts page.",
                    email=email,
                ),
                "email",
            )
        assigned = user is not None and any(assignment.event_id == event_id for assignment in user.assignments)
        if assigned and user is not None and user.is_active:
            raise AccountError(_("%(email)s can already check people in at this event.", email=email), "email")
        welcome = user is None or not user.is_active
        if user is None:
            user = create_user(email, name, secrets.token_urlsafe(32), UserRole.CHECK_IN)
            record(AuditAction.ACCOUNT_INVITED, user.email, event_id, by=by)
        elif not user.is_active:
            user.is_active = True
            user.set_password(secrets.token_urlsafe(32))  # whoever knew the old one does not get in with it
            record(AuditAction.ACCOUNT_CHANGED, user.email, event_id, by=by)
        if welcome:
            user.two_factor_required = user.two_factor_required or current_app.config["HELPERS_NEED_TWO_FACTOR"]
            send_reset_link(user.email, welcome=True, helper_at=event_id, invited_by=by.name if by else "")
        else:
            mail.queue("door_given", user.email, user_id=user.id, event_id=event_id, invited_by=by.name if by else "")
        if not assigned:
            db.session.add(EventAssignment(user=user, event_id=event_id, role=EventRole.CHECK_IN))
            record(AuditAction.ACCOUNT_ASSIGNED, user.email, event_id, by=by)
    return welcome


def take_the_door(event_id: int, user_id: int, *, by: User) -> bool:
    """An organiser takes the check-in of their event away from a helper. A helper's account left with no event is
    deactivated (it could do nothing), which ends its sessions; returns whether it was."""
    with write_transaction():
        assignment = db.session.scalar(
            sa.select(EventAssignment).where(
                EventAssignment.event_id == event_id,
                EventAssignment.user_id == user_id,
                EventAssignment.role == EventRole.CHECK_IN,
            )
        )
        if assignment is None:
            raise AccountError(_("This helper can no longer check people in at this event."))
        user = assignment.user
        user.assignments.remove(assignment)
        record(AuditAction.ACCOUNT_UNASSIGNED, user.email, event_id, by=by)
        deactivated = user.role == UserRole.CHECK_IN and not user.assignments and user.is_active
        if deactivated:
            user.is_active = False
            user.end_sessions()
            record(AuditAction.ACCOUNT_CHANGED, user.email, event_id, by=by)
    return deactivated


@mail.builder("door_given")
def build_door_mail(context: dict[str, Any]) -> EmailMessage:
    user, event = db.session.get_one(User, context["user_id"]), db.session.get_one(Event, context["event_id"])
    message = _mail_about(event, user.email, _("Check-in: %(event)s", event=event.title))
    message.set_content(
        render_template(
            "accounts/door_mail.txt",
            user=user,
            event=event,
            invited_by=context.get("invited_by", ""),
            door=absolute_url("check_in.door", event_id=event.id),
        )
    )
    return message


def change(user: User, by: User, name: str, role: UserRole, is_active: bool, two_factor_required: bool) -> None:
    """An administrator changes an account; deactivating it ends its sessions."""
    if user.id == by.id and (not is_active or role != UserRole.ADMINISTRATOR):
        raise AccountError(_("You cannot take away your own administrator rights or deactivate yourself."))
    with write_transaction():
        if user.is_active and not is_active:
            user.end_sessions()
        user.name, user.role, user.is_active, user.two_factor_required = name, role, is_active, two_factor_required
        record(AuditAction.ACCOUNT_CHANGED, user.email, by=by)


def managed_events(user: User) -> list[Event]:
    query = sa.select(Event).order_by(Event.starts_at.desc())
    if not user.is_administrator:
        query = query.join(EventAssignment).where(EventAssignment.user_id == user.id)
    return list(db.session.scalars(query))


RESET_MAX_AGE = 60 * 60  # seconds a reset link stays valid


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def reset_token(user: User) -> str:
    # Bound to the current password hash: the link stops working once it has been used.
    return _reset_serializer().dumps({"id": user.id, "hash": user.password_hash[-16:]})


def user_for_reset_token(token: str) -> User | None:
    try:
        data = _reset_serializer().loads(token[:500], max_age=RESET_MAX_AGE)
    except BadData:
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) and isinstance(data.get("id"), int) else None
    if user is None or not user.is_active or user.password_hash[-16:] != data.get("hash"):
        return None
    return user


def send_reset_link(email: str, welcome: bool = False, helper_at: int | None = None, invited_by: str = "") -> None:
    """Mail a link to choose a password to an active account with this address; says nothing either way.

    Whether the address has an account is looked up by a background task, so the request takes
    the same time for known and unknown addresses. ``helper_at``: the welcome of a check-in helper of that event,
    ``invited_by`` the organiser who invited them.
    """
    with write_transaction():
        tasks.enqueue(
            "accounts.reset_link",
            event_id=helper_at,
            email=email.strip().lower()[:254],
            welcome=welcome,
            helper_at=helper_at,
            invited_by=invited_by,
        )


@tasks.handler("accounts.reset_link")
def queue_reset_mail(email: str, welcome: bool, helper_at: int | None = None, invited_by: str = "") -> None:
    user = db.session.scalar(sa.select(User).where(User.email == email, User.is_active.is_(True)))
    if user is not None:
        with write_transaction():
            mail.queue(
                "password_reset",
                user.email,
                user_id=user.id,
                welcome=welcome,
                helper_at=helper_at,
                invited_by=invited_by,
            )


UNLOCK_MAX_AGE = 15 * 60  # seconds an unlock link stays valid, and its unlocking in the browser


def send_unlock_link(email: str, password_known: bool = False) -> None:
    """Mail the owner of an active account with this address a one-time link that lets them log in although
    guessing by others has locked the log-in; says nothing either way (a background task looks the address up).
    ``password_known``: the lock came at the code step, so someone knows the password: the mail says to change it."""
    with write_transaction():
        tasks.enqueue("accounts.unlock_link", email=email.strip().lower()[:254], password_known=password_known)


@tasks.handler("accounts.unlock_link")
def queue_unlock_mail(email: str, password_known: bool = False) -> None:
    user = db.session.scalar(sa.select(User).where(User.email == email, User.is_active.is_(True)))
    if user is not None:
        with write_transaction():
            user.unlock_nonce = secrets.token_hex(16)  # a link asked for earlier stops working
            mail.queue("unlock", user.email, user_id=user.id, password_known=password_known)


def _unlock_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="unlock")


def user_for_unlock_token(token: str) -> User | None:
    """The account whose unused unlock link this is, within UNLOCK_MAX_AGE."""
    try:
        data = _unlock_serializer().loads(token[:500], max_age=UNLOCK_MAX_AGE)
    except BadData:
        return None
    user = db.session.get(User, data.get("id")) if isinstance(data, dict) and isinstance(data.get("id"), int) else None
    if user is None or not user.is_active or user.unlock_nonce is None or user.unlock_nonce != data.get("nonce"):
        return None
    return user


def use_unlock_link(user: User) -> None:
    with write_transaction():
        user.unlock_nonce = None


@mail.builder("unlock")
def build_unlock_mail(context: dict[str, Any]) -> EmailMessage:
    user = db.session.get_one(User, context["user_id"])
    message = mail.new_message(user.email, _("A link to log in despite the lock"))
    link = absolute_url(
        "accounts.unlock", token=_unlock_serializer().dumps({"id": user.id, "nonce": user.unlock_nonce})
    )
    message.set_content(
        render_template(
            "accounts/unlock_mail.txt", user=user, link=link, password_known=context.get("password_known", False)
        )
    )
    return message


def invite(email: str, name: str, role: UserRole, *, by: User) -> User:
    """A new account whose owner chooses the password through a mailed link (valid one hour)."""
    if db.session.scalar(sa.select(User.id).where(User.email == email.strip().lower())) is not None:
        raise AccountError(_("There is already an account with this address."), "email")
    with _one_account_per_address(), write_transaction():
        user = create_user(email, name, secrets.token_urlsafe(32), role)
        send_reset_link(user.email, welcome=True)
        record(AuditAction.ACCOUNT_INVITED, user.email, by=by)
    return user


def set_password(user: User, password: str) -> None:
    """A new password; every session of the account ends with the old one."""
    with write_transaction():
        user.set_password(password)


def end_sessions(user: User) -> None:
    with write_transaction():
        user.end_sessions()


@mail.builder("password_reset")
def build_reset_mail(context: dict[str, Any]) -> EmailMessage:
    user = db.session.get_one(User, context["user_id"])
    welcome = context.get("welcome", False)
    event = db.session.get(Event, context["helper_at"]) if context.get("helper_at") else None
    subject = (
        (_("Your account for the check-in") if event else _("Your organiser account"))
        if welcome
        else _("Reset your password")
    )
    message = _mail_about(event, user.email, subject)
    link = absolute_url("accounts.reset_password", token=reset_token(user), welcome=1 if welcome else None)
    message.set_content(
        render_template(
            "accounts/reset_mail.txt",
            user=user,
            link=link,
            welcome=welcome,
            event=event,
            invited_by=context.get("invited_by", ""),
            door=absolute_url("check_in.door", event_id=event.id) if event else None,
        )
    )
    return message


def _mail_about(event: Event | None, recipient: str, subject: str) -> EmailMessage:
    """An account's mail; one about an event's door in the name of the event's contact, who answers questions."""
    if event is None:
        return mail.new_message(recipient, subject)
    return mail.new_message(
        recipient, subject, sender_name=event.contact_name or event.title, reply_to=event.contact_email
    )
