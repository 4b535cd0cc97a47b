"""Database: SQLAlchemy models and the engine, SQLite in the data folder by default, PostgreSQL when
JIXIAO_DATABASE_URL says so. The schema is created and upgraded by Alembic only (migrations/)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression, relationship, sessionmaker

from jixiao.model.problems import JixiaoError, Location, Problem

from .sqlite_writers import one_writer_at_a_time

__all__ = [
    "AuditEntry",
    "Base",
    "Comment",
    "CycleDocument",
    "CycleVersion",
    "Deadline",
    "Department",
    "Evaluation",
    "Job",
    "KnownDevice",
    "LoginThrottle",
    "Session",
    "User",
    "Version",
    "database_url",
    "make_engine",
    "now",
    "private_dir",
    "private_file",
]

ROLES = {"filler": "填报人", "reviewer": "审核人", "admin": "管理员"}
STATUSES = {"draft": "草稿", "submitted": "已提交", "returned": "已退回", "approved": "已通过"}
NOT_STARTED = "未开始"  # a department of the region with no evaluation of that year yet


def now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Department(Base):
    __tablename__ = "departments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    region: Mapped[str] = mapped_column(String(200), default="")
    code: Mapped[str] = mapped_column(String(50), default="")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    region: Mapped[str] = mapped_column(String(200), default="")
    unit: Mapped[str] = mapped_column(String(200), default="")  # a reviewer's 审核单位 (深圳市财政局): the 落款
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    department: Mapped[Department | None] = relationship()


class Session(Base):
    """A signed-in browser. Only the SHA-256 of the cookie's token is stored: a copy of the database does not
    let anyone sign in."""

    __tablename__ = "sessions"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    csrf: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Login attempts of one account (`user:NAME`) or one address (`ip:ADDR`), counted atomically in the
    database so that parallel guesses cannot pass the limit (see throttle.py)."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # failed or in flight, in the current window
    window_start: Mapped[datetime] = mapped_column(DateTime, default=now)
    locked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    locks: Mapped[int] = mapped_column(Integer, default=0)  # locks in a row: each one lasts twice as long
    next_allowed: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)  # an address slowed down


class KnownDevice(Base):
    """A browser someone has signed in from before (the cookie's token hashed): past its address's limit, a sign-in
    from a known device of that account is not slowed — a colleague behind the same NAT address keeps working."""

    __tablename__ = "known_devices"
    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)


class Evaluation(Base):
    """One department's self-evaluation for one year; `version` guards against lost updates."""

    __tablename__ = "evaluations"
    __table_args__ = (UniqueConstraint("department_id", "year", name="uq_evaluation_department_year"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    rulebook_id: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    data_yaml: Mapped[str] = mapped_column(Text, default="")
    narrative_json: Mapped[str] = mapped_column(Text, default="{}")
    version: Mapped[int] = mapped_column(Integer, default=1)
    total: Mapped[str | None] = mapped_column(String(20), nullable=True)  # Decimal as text, cached for lists
    grade: Mapped[str | None] = mapped_column(String(10), nullable=True)
    deductions_json: Mapped[str] = mapped_column(Text, default="{}")  # indicator -> points, cached for the dashboard
    review_comment: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    department: Mapped[Department] = relationship()
    # Read with the row by the scope's evaluation statement (scope.py), so that a page or a save needs no statement
    # of its own for them; None when the row was loaded another way. What the evaluation's page and its scoring
    # depend on besides the row: the version of the department's targets document of the year (0: none), the
    # number of comments and the newest comment's id.
    targets_version: Mapped[int | None] = query_expression()
    comment_count: Mapped[int | None] = query_expression()
    last_comment_id: Mapped[int | None] = query_expression()


class Version(Base):
    __tablename__ = "evaluation_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    data_yaml: Mapped[str] = mapped_column(Text)
    narrative_json: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=now, index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(200), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    via: Mapped[str] = mapped_column(String(20), default="")  # how: form, lists, yaml, upload, batch, ...
    source: Mapped[str] = mapped_column(String(300), default="")  # the file it came from, if any
    user: Mapped[User | None] = relationship()


class Comment(Base):
    """A reviewer's 批注 on one indicator, one narrative section or the whole evaluation, and the answers to it
    (`parent_id`). The department sees them once the evaluation is returned."""

    __tablename__ = "evaluation_comments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(ForeignKey("evaluations.id"), index=True)
    anchor: Mapped[str] = mapped_column(String(200), default="")  # "indicator:ID", "section:NAME" or "" (whole)
    anchor_label: Mapped[str] = mapped_column(String(300), default="")
    text: Mapped[str] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("evaluation_comments.id"), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)  # the evaluation's version it was written on
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    user: Mapped[User | None] = relationship()


class Deadline(Base):
    """The day by which the departments must submit the evaluation of `year` (set by the administrator)."""

    __tablename__ = "deadlines"
    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    due: Mapped[date] = mapped_column(Date)


class CycleDocument(Base):
    """One of a department's four cycle documents of a year (targets, monitoring, recheck, rectification), as the
    YAML text the cycle loaders read; `version` guards against lost updates (see cycle_service.py)."""

    __tablename__ = "cycle_documents"
    __table_args__ = (UniqueConstraint("department_id", "year", "kind", name="uq_cycle_document"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("departments.id"), index=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    kind: Mapped[str] = mapped_column(String(20))  # targets | monitoring | recheck | rectification
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    department: Mapped[Department] = relationship()


class CycleVersion(Base):
    __tablename__ = "cycle_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("cycle_documents.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class DataVersion(Base):
    """One counter that database triggers move on every change to what the pages show (migration 0006); the page
    caches are keyed by it (freshness.py)."""

    __tablename__ = "data_version"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger)


class Job(Base):
    """A long job (a batch of reports or reviews) run by the task queue; progress and results are kept."""

    __tablename__ = "jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | running | done | failed
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    folder: Mapped[str] = mapped_column(String(500), default="")
    message: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=now)
    region: Mapped[str] = mapped_column(String(200), default="")  # the creator's region: who else may see it


def data_dir() -> Path:
    return Path(os.environ.get("JIXIAO_DATA", "data")).resolve()


def private_dir(path: Path) -> Path:
    """A folder only the server's own user may enter (uploads, job outputs, the database)."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path) -> Path:
    """Create `path` (if missing) readable and writable by the owner only; SQLite's -wal and -shm files take
    the database file's permissions."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    return path


def database_url() -> str:
    """The configured database (JIXIAO_DATABASE_URL, or the owner-only file JIXIAO_DATABASE_URL_FILE names, as the
    batch commands read it), else SQLite in the data folder."""
    from jixiao.batch.dburl import configured

    url = configured()
    return with_driver(url) if url else f"sqlite:///{data_dir() / 'jixiao.db'}"


# PostgreSQL addresses as other tools write them (psql, Heroku, Django's dj-database-url), to the driver installed
_POSTGRES_SCHEMES = ("postgres://", "postgresql://", "postgresql+psycopg2://", "postgresql+pg8000://")


def with_driver(url: str) -> str:
    """A PostgreSQL address without a driver (or naming one not installed) names psycopg, the one installed."""
    for scheme in _POSTGRES_SCHEMES:
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url.removeprefix(scheme)
    return url


def make_engine(url: str | None = None) -> Engine:
    url = with_driver(url or database_url())
    if not url.startswith(("sqlite:///", "postgresql+psycopg://")):
        raise JixiaoError([_problem(url, "只支持 SQLite 和 PostgreSQL 数据库。", example=True)])
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        try:
            if not path.parent.exists():
                private_dir(path.parent)
            private_file(path)
        except OSError as exc:  # a folder not ours, a read-only disk, a path through a file
            why = {
                PermissionError: "没有权限",
                FileNotFoundError: "路径中的目录不存在且无法创建",
                NotADirectoryError: "路径中有一段是文件而不是目录",
            }.get(type(exc), "磁盘拒绝写入")
            raise JixiaoError(
                [
                    _problem(
                        url,
                        f"无法创建或打开数据库文件（{why}）。请确认其所在目录可写，或用 --data 指定另一个数据目录。",
                    )
                ]
            ) from None
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # WAL: readers never wait for the writer
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            # NORMAL: SQLite's commit writes the WAL without waiting for the disk; the commit of a transaction that
            # wrote then waits for an fsync of the WAL that began after it (_GroupSync: one fsync for the commits
            # that arrived together), so a save the user was told succeeded survives a power cut, as with FULL —
            # without each writer holding the one write lock through its own fsync (sqlite_writers.py).
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        one_writer_at_a_time(engine, path, private_file(path.with_name(path.name + ".writer")))
        return engine
    try:
        return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    except ArgumentError:  # not a URL SQLAlchemy can read
        raise JixiaoError([_problem(url, "地址格式不正确。", example=True)]) from None


_EXAMPLE = "地址应形如 postgresql+psycopg://用户:密码@主机:5432/库名，或 sqlite:///文件路径。"


def _problem(url: str, why: str, example: bool = False) -> Problem:
    """`why` names what is wrong and what to do; `example`: the address itself is wrong, shown as it should be."""
    from jixiao.batch.dburl import mask

    return Problem("database.unavailable", f"无法使用数据库。{why}{_EXAMPLE if example else ''}", Location(mask(url)))


# what the driver says when it cannot connect (psycopg's and SQLite's words), and what the user is to do
_CONNECT_ERRORS = (
    (
        "connection refused",
        "连接被拒绝：该主机和端口上没有数据库服务在运行。请确认 PostgreSQL 已启动、主机和端口正确。",
    ),
    ("password authentication failed", "用户名或密码不正确。请核对地址中的用户名和密码（或 ~/.pgpass 中的配置）。"),
    ("no password supplied", "数据库要求密码，但地址中没有。请在地址中写上密码，或写入 ~/.pgpass。"),
    ("could not translate host name", "无法解析地址中的主机名。请核对主机名的拼写，或改用 IP 地址。"),
    ("name or service not known", "无法解析地址中的主机名。请核对主机名的拼写，或改用 IP 地址。"),
    ("timeout expired", "连接超时：数据库服务器没有回应。请确认主机可达、防火墙放行该端口。"),
    ("no pg_hba.conf entry", "数据库服务器不允许本机以该用户连接（pg_hba.conf）。请由数据库管理员放行。"),
    ("unable to open database file", "无法打开数据库文件。请确认其所在目录存在，且运行本程序的用户有读写权限。"),
    ("readonly database", "数据库文件是只读的。请确认运行本程序的用户对该文件及其目录有写权限。"),
    (
        "file is not a database",
        "该文件不是 SQLite 数据库（可能损坏或选错了文件）。请指定正确的数据库文件，或从备份恢复。",
    ),
)


def unavailable(url: str, exc: Exception) -> JixiaoError:
    """A database that could not be opened, said in Chinese with what to do (the password never shown)."""
    import re

    text = str(getattr(exc, "orig", None) or exc)
    lowered = text.lower()
    for words, why in _CONNECT_ERRORS:
        if words in lowered:
            return JixiaoError([_problem(url, why)])
    missing = re.search(r'(database|role) "([^"]+)" does not exist', text)
    if missing:
        what = "数据库" if missing[1] == "database" else "数据库用户"
        return JixiaoError([_problem(url, f"{what}“{missing[2]}”不存在。请先创建，或改正地址中的名称。")])
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return JixiaoError([_problem(url, f"{first[:300]}。请确认数据库服务正常、地址正确。")])


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
