"""SQLite's group commit (web/db.py, issue 15): the connections run with synchronous=NORMAL, and a commit that
wrote returns only after an fsync of the WAL file that began once its rows were committed (seen by another
connection), so what the user is told was saved is on the disk; one fsync may cover several commits made
together; a transaction that only read waits for none. Behaviour only: bench/web.py measures the speed."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import select, text

from jixiao.web import db as dbmod
from jixiao.web.db import Department, make_engine, session_factory
from jixiao.web.migrate import upgrade


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'jixiao.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


def _watch_fsync(monkeypatch, database: Path, events: list, lock: threading.Lock, pause: float = 0.0) -> None:
    """Record each fsync of the WAL file with the departments another connection sees as it starts."""
    real = os.fsync

    def fsync(fd: int) -> None:
        name = os.readlink(f"/proc/self/fd/{fd}")
        if name.endswith("-wal"):
            other = sqlite3.connect(database)
            try:
                seen = {row[0] for row in other.execute("SELECT name FROM departments")}
            finally:
                other.close()
            time.sleep(pause)
            real(fd)
            with lock:
                events.append(("fsync", seen))
        else:
            real(fd)

    monkeypatch.setattr(dbmod.os, "fsync", fsync)


def test_pragmas_are_wal_and_normal(engine):
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL; the fsync is ours


def test_a_write_returns_after_its_fsync_and_a_read_waits_for_none(engine, tmp_path, monkeypatch):
    events: list = []
    lock = threading.Lock()
    _watch_fsync(monkeypatch, tmp_path / "jixiao.db", events, lock)
    factory = session_factory(engine)
    with factory() as db:
        db.add(Department(name="甲局", region="测试市"))
        db.commit()
        with lock:
            events.append(("returned", "甲局"))
    # the fsync began after the row was committed (another connection saw it), and the commit returned after it
    assert events == [("fsync", {"甲局"}), ("returned", "甲局")]
    with factory() as db:
        assert db.scalars(select(Department.name)).all() == ["甲局"]
        db.commit()  # read only: nothing to make durable
    assert len(events) == 2


def test_commits_made_together_share_fsyncs_and_each_waits_for_one_after_it(engine, tmp_path, monkeypatch):
    events: list = []
    lock = threading.Lock()
    # a slow disk: 0.3 s a fsync, while the other writers commit (about a millisecond each) and wait
    _watch_fsync(monkeypatch, tmp_path / "jixiao.db", events, lock, pause=0.3)
    factory = session_factory(engine)
    names = [f"部门{i}" for i in range(8)]

    def save(name: str) -> None:
        with factory() as db:
            db.add(Department(name=name, region="测试市"))
            db.commit()
            with lock:
                events.append(("returned", name))

    threads = [threading.Thread(target=save, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    syncs = [seen for kind, seen in events if kind == "fsync"]
    assert len(syncs) < len(names)  # grouped: fewer fsyncs than commits
    for name in names:  # each commit returned after a fsync that began once it was committed
        returned = events.index(("returned", name))
        assert any(kind == "fsync" and name in seen for kind, seen in events[:returned]), name
    with factory() as db:
        assert sorted(db.scalars(select(Department.name))) == sorted(names)


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request, tmp_path):
    from tests.web_support import PG_BIN, postgres_server

    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'jixiao.db'}")
        upgrade(engine)
        yield engine
        engine.dispose()
        return
    if PG_BIN is None:
        pytest.skip("PostgreSQL is installed by scripts/setup.sh")
    with postgres_server(tmp_path) as url:
        engine = make_engine(url)
        upgrade(engine)
        yield engine
        engine.dispose()


def test_a_save_that_lost_the_race_is_a_conflict_and_loses_nothing(any_engine):
    """Two requests read version 1; the first saves (version 2); the second, whose check against the version it
    read passed before the first had written, is refused by the guarded UPDATE: Conflict with the current row,
    the first's text kept, one version row and one audit entry (not two saves over each other)."""
    from jixiao.web.db import AuditEntry, Evaluation, User, Version
    from jixiao.web.service import Conflict, write

    factory = session_factory(any_engine)
    with factory() as db:
        department = Department(name="甲局", region="测试市")
        db.add(department)
        db.flush()
        db.add(User(username="tian", password_hash="x", role="filler", department_id=department.id))
        evaluation = Evaluation(
            department_id=department.id,
            year=2023,
            rulebook_id="shenzhen-baoan/department/2023",
            data_yaml="department:\n  name: 甲局\n  year: '2023'\n",
        )
        db.add(evaluation)
        db.commit()
        evaluation_id = evaluation.id
    first, second = factory(), factory()
    try:
        mine, theirs = (s.get(Evaluation, evaluation_id) for s in (first, second))
        assert mine is not None and theirs is not None and mine.version == theirs.version == 1
        users = [s.scalars(select(User)).one() for s in (first, second)]
        text = "department:\n  name: 甲局\n  year: '2023'\n# 第一位的修改\n"
        write(first, users[0], mine, via="yaml", expected_version=1, data_yaml=text)
        first.commit()
        with pytest.raises(Conflict) as refused:
            write(second, users[1], theirs, via="yaml", expected_version=1, data_yaml=text.replace("一", "二"))
        assert refused.value.current.version == 2  # the row as it is now, for the conflict page
        second.rollback()
    finally:
        first.close()
        second.close()
    with factory() as db:
        stored = db.get(Evaluation, evaluation_id)
        assert stored is not None and stored.version == 2 and "第一位的修改" in stored.data_yaml
        assert db.scalars(select(Version.version).where(Version.evaluation_id == evaluation_id)).all() == [2]
        assert len(db.scalars(select(AuditEntry).where(AuditEntry.action == "save")).all()) == 1
