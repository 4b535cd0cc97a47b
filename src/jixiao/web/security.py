"""Passwords (argon2), server-side sessions whose tokens are stored hashed, CSRF tokens.

Login throttling is in throttle.py."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import joinedload

from .db import Session, User, now

__all__ = [
    "MIN_PASSWORD",
    "check_password",
    "find_session",
    "hash_password",
    "hash_token",
    "new_session",
    "valid_csrf",
]

_HASHER = PasswordHasher()
SESSION_HOURS = 12
MIN_PASSWORD = 8


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.active:
        _HASHER.hash(password)  # same work as a real check: no timing hint that the name does not exist
        return False
    try:
        return _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_token(token: str) -> str:
    """What the database keeps of a session token: its SHA-256 (the token has 256 random bits, no salt needed)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def new_session(db: DbSession, user: User) -> tuple[Session, str]:
    """A new session for `user`; returns it and the token for the cookie (which is not stored)."""
    token = secrets.token_urlsafe(32)
    session = Session(
        token_hash=hash_token(token),
        user_id=user.id,
        csrf=secrets.token_urlsafe(32),
        expires_at=now() + timedelta(hours=SESSION_HOURS),
    )
    db.add(session)
    return session, token


# one statement, built once (no statement construction or cache key per request): the session and its user
_FIND = select(Session).options(joinedload(Session.user)).where(Session.token_hash == bindparam("token_hash"))


def find_session(db: DbSession, token: str | None) -> Session | None:
    if not token or len(token) > 200:
        return None
    session = db.scalars(_FIND, {"token_hash": hash_token(token)}).first()
    if session is None or session.expires_at < now() or not session.user.active:
        return None
    return session


def end_sessions(db: DbSession, user: User) -> None:
    """Sign a user out everywhere (password changed or reset, account disabled)."""
    db.execute(delete(Session).where(Session.user_id == user.id))


def valid_csrf(session: Session | None, token: str | None) -> bool:
    return session is not None and bool(token) and hmac.compare_digest(session.csrf.encode(), str(token).encode())
