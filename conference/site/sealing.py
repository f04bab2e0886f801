"""Secrets the app must read again (an authenticator's, a webhook's), stored encrypted (Fernet) with a key derived
from SECRET_KEY and the secret's purpose: a copy of the database alone does not give them away. A new SECRET_KEY
makes them unreadable (enrolled again, made again)."""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app


def _fernet(purpose: str) -> Fernet:
    key = hashlib.sha256(f"{purpose}:".encode() + current_app.config["SECRET_KEY"].encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str, purpose: str) -> str:
    return _fernet(purpose).encrypt(secret.encode()).decode()


def unseal(sealed: str | None, purpose: str) -> str | None:
    if sealed is None:
        return None
    try:
        return _fernet(purpose).decrypt(sealed.encode()).decode()
    except InvalidToken:
        return None  # sealed under another SECRET_KEY
