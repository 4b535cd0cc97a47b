"""Database and queue addresses that hold a password: never in a task's payload, never shown or logged whole.

A distributed batch's task used to carry the database URL, so its password sat in Redis (and in any log of the
task's arguments). Now a task carries a reference — the URL without its password (`reference`) — and each worker
finds the password where only its owner can read it (`resolve`): the URL in the environment variable
JIXIAO_DATABASE_URL, or in the file named by JIXIAO_DATABASE_URL_FILE (refused unless only its owner can read
it), used when it names the same user, host and database; else the reference as it is (PostgreSQL then reads
PGPASSWORD or ~/.pgpass). `mask` is how any URL is shown: its password as ***.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from jixiao.model.problems import JixiaoError, Location, Problem

__all__ = ["DATABASE_ENV", "DATABASE_FILE_ENV", "configured", "mask", "reference", "resolve"]

DATABASE_ENV = "JIXIAO_DATABASE_URL"
DATABASE_FILE_ENV = "JIXIAO_DATABASE_URL_FILE"

# scheme://user:password@host… — the user part has no ':' '/' '@'; the password runs to the last '@' before the host.
_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*):(?P<password>[^\s]*)@(?P<tail>[^@\s]*)")


def mask(text: str) -> str:
    """A URL (or a message holding URLs) as it may be printed or logged: postgresql+psycopg://user:***@host/db."""
    return _PASSWORD.sub(lambda m: f"{m['head']}:***@{m['tail']}" if m["password"] else m[0], text)


def reference(url: str) -> str:
    """What a task may carry instead of the URL: the same address without its password (user@host/db)."""
    return _PASSWORD.sub(lambda m: f"{m['head']}@{m['tail']}", url)


def has_password(url: str) -> bool:
    found = _PASSWORD.search(url)
    return found is not None and bool(found["password"])


def configured() -> str | None:
    """The database URL this machine's owner set: JIXIAO_DATABASE_URL, else the file JIXIAO_DATABASE_URL_FILE names."""
    url = os.environ.get(DATABASE_ENV, "").strip()
    if url:
        return url
    name = os.environ.get(DATABASE_FILE_ENV, "").strip()
    return _read_private(Path(name)) if name else None


def resolve(ref: str) -> str:
    """A task's reference back to the URL to connect with: the configured URL when it names the same database
    (same scheme, user, host and path), else the reference itself."""
    url = configured()
    if url is not None and reference(url) == ref:
        return url
    return ref


def _read_private(path: Path) -> str:
    try:
        info = path.stat()
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _refused(path, f"无法读取存放数据库地址的文件（{reason}）。请检查 {DATABASE_FILE_ENV}。") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise _refused(
            path,
            f"存放数据库地址（含密码）的文件其他用户也可读写（权限 {stat.filemode(info.st_mode)}）。"
            f"请执行 chmod 600 {path} 后重试。",
        )
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise _refused(
            path, "存放数据库地址（含密码）的文件不属于当前用户。请由运行 jixiao 的用户创建该文件，权限设为 600。"
        )
    text = path.read_text(encoding="utf-8").strip()
    if not text:
        raise _refused(
            path, "存放数据库地址的文件是空的。请在文件中写入一行地址，如 postgresql+psycopg://用户:密码@主机/库名。"
        )
    return text


def _refused(path: Path, message: str) -> JixiaoError:
    return JixiaoError([Problem("batch.database_file", message, Location(str(path)))])
