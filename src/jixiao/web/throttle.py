"""Login throttling that holds under parallel requests.

Every attempt first *reserves* its place with one atomic statement in the database (an upsert that adds one and
returns the new count), before the password is checked: twenty guesses sent at once get the numbers 1 to 20, and
only the first `MAX_FAILURES` reach the password check. Each check runs in its own short transaction, so no lock is
held while the password hash is computed.

- Per account (`user:NAME`): after `MAX_FAILURES` failed attempts the account is locked; each further lock in a
  row lasts twice as long (15 min, 30 min, 1 h, … at most a day). A successful sign-in or the administrator
  clears it. Every lock is written to the audit log.
- Per address (`ip:ADDR`): a higher limit, `MAX_PER_ADDRESS` in 15 minutes; beyond it the address is *slowed*,
  not locked: one attempt every `SLOW_SECONDS`, and a browser that has signed in to the account before (its
  device cookie, see `KnownDevice`) is not slowed at all — the other people of a bureau behind the same NAT
  address keep working while one person's guessing is held to a crawl.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import CursorResult, Result
from sqlalchemy.orm import Session as DbSession
from sqlalchemy.orm import sessionmaker

from .db import AuditEntry, KnownDevice, LoginThrottle, User, now

__all__ = ["MAX_FAILURES", "MAX_PER_ADDRESS", "Verdict", "before_attempt", "locked_accounts", "succeeded", "unlock"]

MAX_FAILURES = 5
MAX_PER_ADDRESS = 30
WINDOW = timedelta(minutes=15)
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(hours=24)
SLOW_SECONDS = 10

_T = LoginThrottle.metadata.tables[LoginThrottle.__tablename__]  # the Table itself (insert … on conflict)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    message: str = ""  # Chinese, for the sign-in page when refused


def _fmt(moment: datetime) -> str:
    from .timefmt import local_time

    return local_time(moment, "%H:%M")


def _changed(result: Result[Any]) -> int:
    """Rows an UPDATE or DELETE changed. Session.execute is typed to return a Result; DML runs through a cursor
    and returns a CursorResult, which counts them."""
    if not isinstance(result, CursorResult):
        raise TypeError(f"UPDATE/DELETE gave {type(result).__name__}, not a CursorResult: rows changed unknown")
    return result.rowcount


def _reserve(db: DbSession, key: str, at: datetime):
    """Add one attempt to `key` atomically (unless it is locked) and return the row as it is now."""
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    locked = and_(_T.c.locked_until.is_not(None), _T.c.locked_until > at)
    expired = _T.c.window_start < at - WINDOW
    statement = (
        insert(_T)
        .values(key=key, attempts=1, window_start=at, locks=0)
        .on_conflict_do_update(
            index_elements=[_T.c.key],
            set_={
                "attempts": case((locked, _T.c.attempts), (expired, 1), else_=_T.c.attempts + 1),
                "window_start": case((and_(expired, ~locked), at), else_=_T.c.window_start),
            },
        )
        .returning(_T.c.attempts, _T.c.locked_until, _T.c.locks)
    )
    return db.execute(statement).one()


def _lock_account(db: DbSession, key: str, locks: int, at: datetime) -> datetime | None:
    """Lock the account unless a parallel request already did; return the end of the lock if this one did."""
    until = at + min(FIRST_LOCK * (2**locks), LONGEST_LOCK)
    result = db.execute(
        update(LoginThrottle)
        .where(
            LoginThrottle.key == key,
            LoginThrottle.attempts > MAX_FAILURES,
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until <= at),
        )
        .values(locked_until=until, locks=LoginThrottle.locks + 1, attempts=0, window_start=at)
    )
    return until if _changed(result) == 1 else None


def _slow_address(db: DbSession, key: str, at: datetime) -> bool:
    """One attempt every SLOW_SECONDS for an address past its limit: true if this request takes the slot."""
    result = db.execute(
        update(LoginThrottle)
        .where(
            LoginThrottle.key == key,
            or_(LoginThrottle.next_allowed.is_(None), LoginThrottle.next_allowed <= at),
        )
        .values(next_allowed=at + timedelta(seconds=SLOW_SECONDS))
    )
    return _changed(result) == 1


def _audit(db: DbSession, action: str, target: str, detail: str) -> None:
    db.add(AuditEntry(user_id=None, action=action, target=target, detail=detail, via="login"))


def known_device(db: DbSession, username: str, device_token: str | None) -> bool:
    """The browser has signed in to this account before (its device cookie names one of the account's devices)."""
    from .security import hash_token

    if not device_token or len(device_token) > 200:
        return False
    device = db.get(KnownDevice, hash_token(device_token))
    return device is not None and db.scalar(select(User.username).where(User.id == device.user_id)) == username


def before_attempt(factory: sessionmaker, username: str, ip: str, device_token: str | None = None) -> Verdict:
    """Reserve this attempt for the address and the account; refuse it when either is over its limit (the address
    limit does not apply to a browser that signed in to this account before)."""
    at = now()
    with factory() as db:
        address = f"ip:{ip}"[:200]
        attempts, _, _ = _reserve(db, address, at)
        if attempts > MAX_PER_ADDRESS and not known_device(db, username, device_token):
            if attempts == MAX_PER_ADDRESS + 1:
                _audit(
                    db, "address_slowed", address, f"15分钟内失败{MAX_PER_ADDRESS}次，此后每{SLOW_SECONDS}秒只受理一次"
                )
            if not _slow_address(db, address, at):
                db.commit()
                return Verdict(False, f"该网络地址登录尝试过于频繁，请{SLOW_SECONDS}秒后再试。")
        account = f"user:{username}"[:200]
        attempts, locked_until, locks = _reserve(db, account, at)
        if locked_until is not None and locked_until > at:
            db.commit()
            return Verdict(False, f"该账户因多次登录失败已暂时锁定，请于{_fmt(locked_until)}后再试，或请管理员解锁。")
        if attempts > MAX_FAILURES:
            until = _lock_account(db, account, locks, at)
            if until is not None:
                _audit(db, "account_locked", account, f"连续{MAX_FAILURES}次登录失败，锁定至{_fmt(until)}（来自 {ip}）")
            db.commit()
            return Verdict(False, "登录失败次数过多，该账户已暂时锁定，请稍后再试，或请管理员解锁。")
        db.commit()
    return Verdict(True)


def succeeded(factory: sessionmaker, username: str, ip: str) -> None:
    """A right password: the account starts afresh, and this attempt no longer counts against the address."""
    with factory() as db:
        db.execute(delete(LoginThrottle).where(LoginThrottle.key == f"user:{username}"[:200]))
        db.execute(
            update(LoginThrottle)
            .where(LoginThrottle.key == f"ip:{ip}"[:200], LoginThrottle.attempts > 0)
            .values(attempts=LoginThrottle.attempts - 1)
        )
        db.commit()


def locked_accounts(db: DbSession) -> list[tuple[str, datetime]]:
    rows = db.execute(
        LoginThrottle.__table__.select().where(
            LoginThrottle.key.startswith("user:"), LoginThrottle.locked_until > now()
        )
    )
    return [(row.key.removeprefix("user:"), row.locked_until) for row in rows]


def unlock(db: DbSession, username: str) -> bool:
    result = db.execute(delete(LoginThrottle).where(LoginThrottle.key == f"user:{username}"[:200]))
    return _changed(result) > 0
