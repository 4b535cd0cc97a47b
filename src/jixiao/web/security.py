"""Passwords (argon2), server-side sessions with secure cookies, CSRF tokens, login rate limiting."""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as DbSession

from .db import LoginAttempt, Session, User, now

__all__ = ["check_password", "hash_password", "login_blocked", "new_session", "record_login", "valid_csrf"]

_HASHER = PasswordHasher()
SESSION_HOURS = 12
MAX_FAILURES = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW = timedelta(minutes=15)


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


def login_blocked(db: DbSession, username: str, ip: str) -> bool:
    """Too many failed logins in the last 15 minutes: 5 for one user name, or 20 from one address (an office
    behind one NAT address must not be locked out by one person's typos)."""
    since = now() - WINDOW
    recent = (
        select(func.count()).select_from(LoginAttempt).where(LoginAttempt.success.is_(False), LoginAttempt.at >= since)
    )
    by_name = db.scalar(recent.where(LoginAttempt.username == username)) or 0
    by_address = db.scalar(recent.where(LoginAttempt.ip == ip)) or 0
    return by_name >= MAX_FAILURES or by_address >= MAX_FAILURES_PER_ADDRESS


def record_login(db: DbSession, username: str, ip: str, success: bool) -> None:
    db.add(LoginAttempt(username=username, ip=ip, success=success))
    if success:
        db.execute(delete(LoginAttempt).where(LoginAttempt.username == username, LoginAttempt.success.is_(False)))


def new_session(db: DbSession, user: User) -> Session:
    session = Session(
        token=secrets.token_urlsafe(32),
        user_id=user.id,
        csrf=secrets.token_urlsafe(32),
        expires_at=now() + timedelta(hours=SESSION_HOURS),
    )
    db.add(session)
    return session


def valid_csrf(session: Session | None, token: str | None) -> bool:
    return session is not None and token is not None and hmac.compare_digest(session.csrf, token)
