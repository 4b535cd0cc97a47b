"""A database the web app cannot use is one Chinese sentence naming the address (its password hidden) and what to
do — the server not running, a wrong name, an address of another kind, a folder it may not write — from the app and
from `jixiao serve`, never a traceback. The address is read as the batch commands read it (the variable, or the
owner-only file it names), and a PostgreSQL address without the driver's name takes the installed one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from jixiao.model.problems import JixiaoError
from jixiao.web.app import create_app
from jixiao.web.db import database_url, with_driver

from .web_support import free_port, postgres_server


def _refusal(url: str) -> str:
    with pytest.raises(JixiaoError) as caught:
        create_app(url, enqueue=lambda *a: None)
    (problem,) = caught.value.problems
    assert problem.code == "database.unavailable"
    return f"{problem.location.file}: {problem.message}"


def test_no_server_on_that_port_is_said_with_the_password_hidden() -> None:
    said = _refusal(f"postgresql+psycopg://jixiao:secret-pw@127.0.0.1:{free_port()}/jixiao")
    assert "连接被拒绝" in said and "请确认 PostgreSQL 已启动" in said
    assert "secret-pw" not in said and "jixiao:***@127.0.0.1" in said


def test_a_missing_database_and_a_missing_user_are_named(tmp_path: Path) -> None:
    with postgres_server(tmp_path) as url:
        base = url.rsplit("/", 1)[0]
        assert "数据库“nosuch”不存在" in _refusal(f"{base}/nosuch")
        assert "数据库用户“nobody”不存在" in _refusal(url.replace("postgres@", "nobody@"))


def test_an_address_of_another_kind_or_unreadable_shows_the_form() -> None:
    for url in ("mysql://user@host/db", "not an address"):
        said = _refusal(url)
        assert "只支持 SQLite 和 PostgreSQL" in said and "postgresql+psycopg://用户:密码@主机:5432/库名" in said


def test_a_sqlite_file_where_no_folder_can_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    said = _refusal(f"sqlite:///{tmp_path}/file/sub/jixiao.db")  # a folder under a file
    assert "无法创建或打开数据库文件" in said and "--data" in said


def test_postgres_addresses_as_other_tools_write_them_take_psycopg() -> None:
    assert with_driver("postgres://u:p@h/db") == "postgresql+psycopg://u:p@h/db"
    assert with_driver("postgresql://u@h:5433/db") == "postgresql+psycopg://u@h:5433/db"
    assert with_driver("postgresql+psycopg2://h/db") == "postgresql+psycopg://h/db"
    assert with_driver("sqlite:///x.db") == "sqlite:///x.db"


def test_the_address_is_read_from_the_owner_only_file_as_the_batch_reads_it(tmp_path: Path, monkeypatch) -> None:
    secret = tmp_path / "db.url"
    secret.write_text("postgres://u:pw@db.example/jixiao\n")
    secret.chmod(0o600)
    monkeypatch.delenv("JIXIAO_DATABASE_URL", raising=False)
    monkeypatch.setenv("JIXIAO_DATABASE_URL_FILE", str(secret))
    assert database_url() == "postgresql+psycopg://u:pw@db.example/jixiao"


def test_serve_says_it_in_chinese_and_exits_without_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "JIXIAO_DATABASE_URL": f"postgres://jixiao:secret-pw@127.0.0.1:{free_port()}/jixiao"}
    done = subprocess.run(
        [sys.executable, "-m", "jixiao.cli", "serve", "--no-worker", "--port", str(free_port())],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    said = done.stdout + done.stderr
    assert done.returncode != 0
    assert "无法使用数据库。连接被拒绝" in said and "Traceback" not in said and "secret-pw" not in said
