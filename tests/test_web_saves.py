"""Saves under load (issue 15): SQLite's write lock (web/sqlite_writers.py) is never kept by a connection whose
transaction is over — closed or invalidated without a commit or rollback, its id reused by the next connection (a
connection dropped unclosed was already rolled back by the pool's clean-up); a writer that waits for it says who
holds it; a save never writes on the event loop; and the kept parse of a saved text (service.load) stays while it
is used. Each wait is bounded here (a leaked lock fails in seconds, not after the lock's own 30 s). Behaviour
only: bench/web.py measures the speed."""

from __future__ import annotations

import asyncio
import logging
import re
import threading

import pytest
from sqlalchemy import create_engine, text

from jixiao.web import service
from jixiao.web.db import make_engine
from jixiao.web.sqlite_writers import one_writer_at_a_time

BOUND = 5  # seconds a write may take here before the lock counts as leaked


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'jixiao.db'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    yield engine
    engine.dispose()


def _writes_within(engine, seconds: float = BOUND) -> bool:
    """Whether a write in another thread commits within `seconds` (it goes on in the background if not)."""
    done = threading.Event()

    def write() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    threading.Thread(target=write, daemon=True).start()
    return done.wait(seconds)


def test_a_connection_invalidated_in_its_write_lets_the_next_writer_in(engine):
    connection = engine.connect()
    connection.execute(text("INSERT INTO t VALUES (1)"))  # takes the write lock
    closed = connection.connection.dbapi_connection  # kept: its id is not given to the next connection
    connection.invalidate()  # closed by the pool with no commit or rollback (SQLite rolls it back)
    connection.close()
    assert closed is not None
    assert _writes_within(engine), "the invalidated connection kept the write lock"
    with engine.connect() as reader:
        assert reader.execute(text("SELECT x FROM t")).scalars().all() == [2]


def test_a_writer_that_waits_too_long_names_the_holder(tmp_path, caplog):
    database = tmp_path / "w.db"
    engine = create_engine(f"sqlite:///{database}", connect_args={"check_same_thread": False, "timeout": 0.1})
    lock_file = tmp_path / "w.db.writer"
    lock_file.touch()
    one_writer_at_a_time(engine, database, lock_file, wait=0.3)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER)"))
    holder = engine.connect()
    holder.execute(text("INSERT INTO t VALUES (1)"))
    with (
        caplog.at_level(logging.WARNING, logger="jixiao.web.db"),
        pytest.raises(Exception, match="locked"),  # past the lock, SQLite's own (0.1 s here)
        engine.begin() as connection,
    ):
        connection.execute(text("UPDATE t SET x = 3"))
    holder.rollback()
    holder.close()
    engine.dispose()
    said = caplog.text
    assert "UPDATE t SET x = 3" in said and "INSERT INTO t VALUES (1)" in said and "MainThread" in said, said


def test_a_write_on_the_event_loop_is_said(engine, caplog):
    async def write() -> None:
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO t VALUES (1)"))

    with caplog.at_level(logging.WARNING, logger="jixiao.web.db"):
        asyncio.run(write())
    assert "event loop" in caplog.text


def test_a_workbook_upload_saves_off_the_event_loop(tmp_path, monkeypatch):
    """The upload route runs in the thread pool: its save (service.write) never on the loop."""
    from fastapi.testclient import TestClient

    from jixiao.cli import main
    from jixiao.web import views
    from jixiao.web.app import create_app
    from jixiao.web.db import Department, User
    from jixiao.web.security import hash_password

    from .web_support import login, version_of

    monkeypatch.setenv("JIXIAO_DATA", str(tmp_path / "data"))
    app = create_app(f"sqlite:///{tmp_path / 'app.db'}", enqueue=lambda *a: None)
    with app.state.factory() as db:
        department = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        db.add(department)
        db.flush()
        db.add(User(username="baoan", password_hash=hash_password("pw-123456789"), role="filler",
                    department_id=department.id))  # fmt: skip
        db.commit()
    workbook = tmp_path / "宝安.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(workbook)]) == 0
    on_loop: list[bool] = []
    real = views.write

    def write(*args, **kwargs):
        on_loop.append(asyncio._get_running_loop() is not None)
        return real(*args, **kwargs)

    monkeypatch.setattr(views, "write", write)
    client = TestClient(app)
    csrf = login(client, "baoan", "pw-123456789")
    created = client.post("/evaluations/new", data={"year": "2023", "csrf_token": csrf}, follow_redirects=False)
    evaluation_id = int(re.search(r"/evaluations/(\d+)", created.headers["location"]).group(1))
    page = client.get(f"/evaluations/{evaluation_id}")
    response = client.post(
        f"/evaluations/{evaluation_id}/upload",
        data={"csrf_token": csrf, "version": version_of(page.text)},
        files={"file": ("宝安.xlsx", workbook.read_bytes(), "application/octet-stream")},
    )
    assert response.status_code == 200 and "97.61 分 · 优" in response.text
    assert on_loop == [False]
    missing = client.post(
        f"/evaluations/{evaluation_id}/upload", data={"csrf_token": csrf, "version": version_of(response.text)}
    )
    assert missing.status_code == 422 and "请先选择要上传的填报工作簿" in missing.text


def test_the_kept_parse_of_a_text_in_use_stays(monkeypatch):
    """service.load keeps the latest LOADED_KEPT parses; one read again is kept as the newest, not dropped as the
    oldest."""
    made: list[str] = []

    def parse(text, rulebook_id, department, year, targets="", parsed=None):
        made.append(text)
        return service.Loaded(None, [], None, None)  # type: ignore[arg-type]

    monkeypatch.setattr(service, "_load", parse)
    monkeypatch.setattr(service, "_approved_targets_text", lambda evaluation: "")
    monkeypatch.setattr(service, "_LOADED", type(service._LOADED)())

    class Stored:
        rulebook_id, year, data_yaml = "r", 2023, ""
        department = type("D", (), {"name": "部门"})()

    evaluation = Stored()
    service.load(evaluation, "in use")  # type: ignore[arg-type]
    for i in range(service.LOADED_KEPT - 1):
        service.load(evaluation, f"other {i}")  # type: ignore[arg-type]
    service.load(evaluation, "in use")  # type: ignore[arg-type]  # read again: kept, now the newest
    service.load(evaluation, "one more")  # type: ignore[arg-type]  # the oldest out: "other 0"
    service.load(evaluation, "in use")  # type: ignore[arg-type]
    assert made.count("in use") == 1
    service.load(evaluation, "other 0")  # type: ignore[arg-type]
    assert made.count("other 0") == 2


def test_writers_beyond_the_thread_pool_do_not_stall_the_process(tmp_path, monkeypatch):
    """Routes that write before returning (a new evaluation's flush) keep the lock until the commit the middleware
    sends off: with more of them at once than the thread pool has threads (3 here, 40 served), that commit must not
    wait for a thread held by the writers waiting for the lock."""
    import time

    import httpx
    import uvicorn
    from anyio._core._eventloop import get_async_backend

    from jixiao.web.app import create_app
    from jixiao.web.db import Department, User
    from jixiao.web.security import hash_password

    from .web_support import free_port, login

    monkeypatch.setenv("JIXIAO_DATA", str(tmp_path / "data"))
    app = create_app(f"sqlite:///{tmp_path / 'app.db'}", enqueue=lambda *a: None)
    with app.state.factory() as db:
        department = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        db.add(department)
        db.flush()
        db.add(User(username="baoan", password_hash=hash_password("pw-123456789"), role="filler",
                    department_id=department.id))  # fmt: skip
        db.commit()

    async def three_threads(scope, receive, send):
        get_async_backend().current_default_thread_limiter().total_tokens = 3
        await app(scope, receive, send)

    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(three_threads, host="127.0.0.1", port=port, lifespan="off", log_level="warning")
    )
    threading.Thread(target=server.run, daemon=True).start()
    try:
        while not server.started:
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url) as signing_in:
            csrf = login(signing_in, "baoan", "pw-123456789")
            cookies = dict(signing_in.cookies)
        answers: dict[int, int | str] = {}

        def create(year: int) -> None:
            form = {"year": str(year), "rulebook": "shenzhen-baoan/department/2023", "csrf_token": csrf}
            try:
                with httpx.Client(base_url=url, cookies=cookies, timeout=BOUND) as client:
                    answers[year] = client.post("/evaluations/new", data=form).status_code
            except httpx.TimeoutException:
                answers[year] = "timed out"

        threads = [threading.Thread(target=create, args=(2010 + i,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert answers == {2010 + i: 303 for i in range(8)}  # each sent on to its new evaluation's page
    finally:
        server.should_exit = True


def test_every_way_of_writing_refuses_another_years_or_departments_data(tmp_path, monkeypatch):
    """The check that data names this evaluation's year and department lived in three routes (form, editor,
    upload); service.write took such data from any other caller — a batch import, a task, a route added later.
    It is the service's now: `write` itself refuses it, nothing saved, the errors beside the fields."""
    from pathlib import Path

    from jixiao.model.problems import has_errors
    from jixiao.web.app import create_app
    from jixiao.web.db import Department, Evaluation, User

    monkeypatch.setenv("JIXIAO_DATA", str(tmp_path / "data"))
    app = create_app(f"sqlite:///{tmp_path / 'jixiao.db'}", enqueue=lambda job_id, url: None)
    example = (Path(__file__).parents[1] / "examples/baoan-fulian-2023/data.yaml").read_text(encoding="utf-8")
    with app.state.factory() as db:
        baoan = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        other = Department(name="衡山县妇女联合会", region="湖南省衡阳市衡山县")
        db.add_all([baoan, other])
        db.flush()
        user = User(username="bureau", password_hash="-", role="reviewer", region="广东省深圳市")  # batch imports
        db.add(user)
        db.flush()
        evaluation, _ = service.create_evaluation(db, user, baoan, 2024, "shenzhen-baoan/department/2023", via="batch")
        db.commit()
        version = evaluation.version
        # the example names 评价年度 2023 (data.yaml's department.year): refused in the 2024 evaluation
        loaded = service.write(
            db, user, evaluation, via="batch", source="宝安.xlsx", expected_version=version, data_yaml=example
        )
        [wrong] = [p for p in loaded.problems if p.code == "web.other_year"]
        assert "本自评是2024年度" in wrong.message and wrong.location.file == "宝安.xlsx"
        assert wrong.location.field == "department.year" and has_errors(loaded.problems)
        # the right year but the other department's name: refused too
        renamed = example.replace("year: 2023", "year: 2024").replace(baoan.name, other.name)
        assert renamed != example
        loaded = service.write(db, user, evaluation, via="batch", expected_version=version, data_yaml=renamed)
        assert [p.code for p in loaded.problems if p.code.startswith("web.other")] == ["web.other_department"]
        db.commit()
        assert db.get(Evaluation, evaluation.id).version == version  # nothing saved either time
        # this year's own data: saved
        own = example.replace("year: 2023", "year: 2024")
        loaded = service.write(db, user, evaluation, via="batch", expected_version=version, data_yaml=own)
        assert not has_errors(loaded.problems)
        db.commit()
        assert db.get(Evaluation, evaluation.id).version == version + 1
