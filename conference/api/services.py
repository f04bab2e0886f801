"""The rules of organisers' API tokens: making one (its secret shown once), revoking it, and what a request with
one may do: only within its scopes, only at events its owner organises, only while it is valid and its owner's
account is active. Every use is recorded in the log of changes."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from conference.accounts import access
from conference.accounts.models import User
from conference.api.models import ApiToken, TokenScope
from conference.audit.models import AuditAction
from conference.audit.services import Actor, record
from conference.database import row_locked, write_transaction
from conference.events.models import Event
from conference.extensions import db
from conference.rules import Refusal

PREFIX = "cft_"  # tells a leaked secret for what it is (secret scanners look for such prefixes)
VALID_FOR_DAYS = (30, 90, 365)
MAX_NAME = 100


class TokenRefused(Refusal):
    """The request's token is missing, unknown, expired or revoked (401)."""


class NotAllowed(Refusal):
    """The token is valid, but not for this scope or event (403)."""


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to its owner once, never stored


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create(
    user_id: int,
    name: str,
    scopes: list[TokenScope],
    valid_for_days: int,
    now: datetime,
    submission_key: str = "",
    *,
    by: Actor | None,
) -> NewToken:
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise Refusal(
            _(
                "Please name the token (at most %(count)s characters), e.g. after the tool that uses it.",
                count=MAX_NAME,
            ),
            field="name",
        )
    if not scopes:
        raise Refusal(_("Please choose what the token may do."), field="scopes")
    if valid_for_days not in VALID_FOR_DAYS:
        raise Refusal(_("Please choose how long the token is valid."), field="valid_for_days")
    secret = PREFIX + secrets.token_urlsafe(32)
    with row_locked(User, user_id):
        made = sa.select(ApiToken.id).where(ApiToken.user_id == user_id, ApiToken.submission_key == submission_key)
        if submission_key and db.session.scalar(made) is not None:
            raise Refusal(
                _(
                    "This token was made already, and its secret shown then, once. If you did not copy it, revoke "
                    "the token and make a new one."
                )
            )
        token = ApiToken(
            submission_key=submission_key[:32],
            user_id=user_id,
            name=name,
            scopes=[scope.value for scope in scopes],
            secret_hash=_digest(secret),
            shown_start=secret[: len(PREFIX) + 4],
            created_at=now,
            expires_at=now + timedelta(days=valid_for_days),
        )
        db.session.add(token)
        record(AuditAction.API_TOKEN_CREATED, name, by=by)
    return NewToken(token, secret)


def tokens_of(user_id: int) -> list[ApiToken]:
    return list(
        db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.created_at.desc()))
    )


def revoke(token_id: int, user_id: int, now: datetime, *, by: Actor | None) -> ApiToken:
    """Revoke one of the user's tokens: it stops working at once."""
    with row_locked(User, user_id):
        token = db.session.get(ApiToken, token_id)
        if token is None or token.user_id != user_id:
            raise Refusal(_("This token does not exist."))
        if token.revoked_at is None:
            token.revoked_at = now
            record(AuditAction.API_TOKEN_REVOKED, token.name, by=by)
    return token


def authenticated(authorization: str | None, now: datetime) -> ApiToken:
    """The valid token of an ``Authorization: Bearer …`` header, its use noted; TokenRefused for any other."""
    scheme, _space, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.startswith(PREFIX) or len(secret) > 200:
        raise TokenRefused(_("Please send a valid API token: Authorization: Bearer cft_…"))
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.secret_hash == _digest(secret.strip())))
    if token is None or not token.user.is_active:
        raise TokenRefused(_("This API token is not valid."))
    if token.revoked_at is not None:
        raise TokenRefused(_("This API token has been revoked."))
    if not token.is_valid(now):
        raise TokenRefused(_("This API token has expired."))
    return token


def organised_by(token: ApiToken, event: Event) -> bool:
    """Whether the token's owner organises the event now (a lost assignment ends the token's reach at once)."""
    return access.may(token.user, access.Action.ORGANISE, event)


def allowed(token: ApiToken, scope: TokenScope, event: Event, what: str, now: datetime) -> None:
    """Refuse unless the token has ``scope`` and its owner organises ``event``; note the use (``what`` was done)."""
    if scope.value not in token.scopes:
        raise NotAllowed(_("This API token may not do this (it lacks the scope “%(scope)s”).", scope=scope.value))
    if not organised_by(token, event):
        raise NotAllowed(_("This API token is not valid for this event."))
    with write_transaction():
        db.session.get_one(ApiToken, token.id).last_used_at = now
        record(AuditAction.API_TOKEN_USED, f"{token.name}: {what}", event.id, by=token.user)
