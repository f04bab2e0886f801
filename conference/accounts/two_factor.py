"""Two-factor log-in: a code from an authenticator app (TOTP, RFC 6238, through pyotp), or a recovery code.

The app's secret is stored sealed (site.sealing), so a copy of the database alone cannot make
codes; a new SECRET_KEY means enrolling again (an administrator resets it). Each code is taken
once: the last time step used is kept. Recovery codes are random and stored as hashes, each good
for one log-in.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
from flask_babel import gettext as _

from conference.accounts.models import User
from conference.audit.models import AuditAction
from conference.audit.services import record
from conference.database import row_locked, write_transaction
from conference.rules import Refusal
from conference.site import sealing

ISSUER = "Tagungen"
RECOVERY_CODES = 10
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class TwoFactorRefused(Refusal):
    pass


def new_secret() -> str:
    """A new secret, sealed: while it waits in the session cookie for the first code, nobody can read it there."""
    return seal(pyotp.random_base32())


def seal(secret: str) -> str:
    return sealing.seal(secret, "two-factor")


def unseal(sealed: str | None) -> str | None:
    return sealing.unseal(sealed, "two-factor")


def setup_uri(user: User, secret: str) -> str:
    """What the authenticator app scans: otpauth://totp/…"""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def _step_of_code(secret: str, code: str, now: float) -> int | None:
    """The time step whose code this is (the one before and after count too: clocks drift), or None."""
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    return next(
        (
            candidate
            for candidate in (step, step - 1, step + 1)
            if hmac.compare_digest(totp.generate_otp(candidate), code)
        ),
        None,
    )


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    codes = [
        "-".join("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(5)) for _ in range(2))
        for _ in range(RECOVERY_CODES)
    ]
    user.recovery_codes = [_hash(code) for code in codes]
    return codes


def enable(user: User, sealed_secret: str, code: str) -> list[str]:
    """Switch it on once the app shows the right code; returns the recovery codes, to be shown once."""
    secret = unseal(sealed_secret)
    step = _step_of_code(secret, "".join(code.split()), time.time()) if secret else None
    if step is None:
        raise TwoFactorRefused(
            _("That code is not right. Check the time on your phone and try the newest code."), "code"
        )
    with write_transaction():
        user.totp_secret = sealed_secret
        user.totp_last_step = step
        codes = _new_recovery_codes(user)
        user.end_sessions()  # sessions begun with the password alone end
        record(AuditAction.TWO_FACTOR_ON, user.email, by=user)
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    with write_transaction():
        record(AuditAction.RECOVERY_CODES_RENEWED, user.email, by=user)
        return _new_recovery_codes(user)


def disable(user: User, *, by: User, end_sessions: bool = False) -> None:
    """Switch it off: by the account's owner, with a code, or by an administrator for a lost phone, who
    ends the account's sessions too."""
    with write_transaction():
        user.totp_secret, user.recovery_codes, user.totp_last_step = None, [], 0
        if end_sessions:
            user.end_sessions()
        record(AuditAction.TWO_FACTOR_OFF, user.email, by=by)


def verify(user_id: int, typed: str) -> bool:
    """A code from the app not used before, or an unused recovery code (which is then used up).

    Checked and marked as used under the account's lock: the same code sent twice at once works once.
    """
    code = "".join(typed.split()).lower()[:40]
    with row_locked(User, user_id) as user:
        secret = unseal(user.totp_secret)
        if secret is not None and code.isascii() and code.isdigit():
            step = _step_of_code(secret, code, time.time())
            if step is None or step <= user.totp_last_step:
                return False
            user.totp_last_step = step
            return True
        if _hash(code) in user.recovery_codes:
            user.recovery_codes = [kept for kept in user.recovery_codes if kept != _hash(code)]
            return True
        return False
