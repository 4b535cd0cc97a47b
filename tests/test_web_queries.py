"""The web pages' database work does not grow with the region (issue 15), and their caches follow the data.

- The number of SQL statements of the dashboard, an evaluation page and a save is the same with 3 departments
  as with 40 (a query per department would show here, on a cache miss and on a hit alike).
- The data version (migration 0006, web/freshness.py) moves with every write to the tables the pages show,
  whoever writes them (raw SQL included), and not with writes to the others; a dashboard cached before a change
  shows the change.
Behaviour only: bench/web.py measures the latency.
"""

from __future__ import annotations

import os
import secrets
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, text
from starlette.testclient import TestClient

from jixiao.web.app import create_app
from jixiao.web.db import AuditEntry, Comment, CycleDocument, Deadline, Department, Evaluation, Session, User, now
from jixiao.web.freshness import data_version
from jixiao.web.security import hash_password, hash_token
from tests.web_support import PG_BIN, postgres_server

REGION = "测试省测试市"
DATA = """rulebook: shenzhen-baoan/department/2023
department:
  name: 测试部门
  year: '2023'
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def app(request, tmp_path):
    os.environ["JIXIAO_DATA"] = str(tmp_path / "data")
    if request.param == "sqlite":
        yield create_app(f"sqlite:///{tmp_path / 'jixiao.db'}", enqueue=lambda *a: None)
        return
    if PG_BIN is None:
        pytest.skip("PostgreSQL is installed by scripts/setup.sh")
    with postgres_server(tmp_path) as url:
        application = create_app(url, enqueue=lambda *a: None)
        yield application
        application.state.engine.dispose()


def add_departments(app, first: int, count: int) -> None:
    with app.state.factory() as db:
        for i in range(first, first + count):
            department = Department(name=f"测试部门{i:03d}", region=REGION)
            db.add(department)
            db.flush()
            for year in (2022, 2023):
                db.add(
                    Evaluation(
                        department_id=department.id,
                        year=year,
                        rulebook_id="shenzhen-baoan/department/2023",
                        data_yaml=DATA,
                        total=str(Decimal(60 + i % 40)),
                        grade="良",
                        deductions_json='{"预算执行率": "1.50"}',
                    )
                )
        db.commit()


def signed_in(app, username: str, **fields) -> tuple[TestClient, str]:
    """A client with a session made directly (the login page and its throttle are tested elsewhere)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with app.state.factory() as db:
        user = User(username=username, password_hash=hash_password("irrelevant-1"), **fields)
        db.add(user)
        db.flush()
        db.add(Session(token_hash=hash_token(token), user_id=user.id, csrf=csrf, expires_at=now() + timedelta(hours=1)))
        db.commit()
    client = TestClient(app)
    client.cookies.set("jixiao_session", token)
    return client, csrf


class Counter:
    def __init__(self, app) -> None:
        self.n = 0
        event.listen(app.state.engine, "before_cursor_execute", self._one)

    def _one(self, *args) -> None:
        self.n += 1

    def of(self, action) -> int:
        before = self.n
        response = action()
        assert response.status_code in (200, 303), response.status_code
        return self.n - before


def _first_evaluation(app) -> int:
    with app.state.factory() as db:
        return db.scalar(text("SELECT min(id) FROM evaluations WHERE year = 2023"))


def test_statements_per_page_do_not_grow_with_departments(app) -> None:
    add_departments(app, 0, 3)
    bureau, _ = signed_in(app, "bureau", role="reviewer", region=REGION)
    with app.state.factory() as db:
        department_id = db.scalar(text("SELECT min(id) FROM departments"))
    filler, csrf = signed_in(app, "filler", role="filler", department_id=department_id)
    evaluation_id = _first_evaluation(app)
    counter = Counter(app)
    version = [1]

    def counts() -> tuple[int, ...]:
        def save():
            response = filler.post(
                f"/evaluations/{evaluation_id}/yaml",
                data={"csrf_token": csrf, "version": version[0], "data_yaml": DATA},
                follow_redirects=False,
            )
            version[0] += 1
            return response

        dashboard = lambda: bureau.get("/bureau?year=2023")  # noqa: E731
        page = lambda: filler.get(f"/evaluations/{evaluation_id}")  # noqa: E731
        return (
            counter.of(dashboard),  # rendered (the data changed since the last time)
            counter.of(dashboard),  # from the cache
            counter.of(page),
            counter.of(page),
            counter.of(save),
        )

    few = counts()
    add_departments(app, 3, 37)
    many = counts()
    assert few == many, f"SQL statements per request with 3 departments {few}, with 40 {many}"
    assert many[1] <= many[0]  # a cached dashboard never costs more than a rendered one
    # an evaluation's page from the cache: the session, then the evaluation with its department, its targets' version
    # and its comments (scope's statement); a save: those two, whether the data's 部门名称 (DATA's 测试部门, not the
    # evaluation's department's name) is another department's, then the version and audit rows and the guarded
    # UPDATE — on PostgreSQL one statement, the INSERTs as WITH clauses of the UPDATE (service.write). The approved
    # targets of a version are kept (approved.approved_targets): no statement of their own.
    writes = 1 if app.state.engine.dialect.name == "postgresql" else 3
    assert many[2] == many[3] == 2 and many[4] == 3 + writes, many


def test_the_data_version_follows_every_write_the_pages_show(app) -> None:
    add_departments(app, 0, 1)
    factory = app.state.factory

    def version() -> int:
        with factory() as db:
            return data_version(db)

    def moves(change) -> bool:
        before = version()
        with factory() as db:
            change(db)
            db.commit()
        return version() > before

    evaluation_id = _first_evaluation(app)
    assert moves(lambda db: db.add(Department(name="新部门", region=REGION)))
    assert moves(lambda db: db.execute(text("UPDATE departments SET code = 'X1' WHERE name = '新部门'")))
    assert moves(lambda db: db.execute(text(f"UPDATE evaluations SET total = '99' WHERE id = {evaluation_id}")))
    assert moves(lambda db: db.add(Comment(evaluation_id=evaluation_id, text="请补充说明")))
    assert moves(lambda db: db.add(Deadline(year=2023, due=date(2024, 5, 31))))
    assert moves(lambda db: db.add(User(username="u1", password_hash="x", role="filler")))
    with factory() as db:
        department_id = db.scalar(text("SELECT min(id) FROM departments"))
    assert moves(lambda db: db.add(CycleDocument(department_id=department_id, year=2023, kind="targets", text="")))
    assert moves(lambda db: db.execute(text("DELETE FROM deadlines")))
    # writes the pages do not show leave it alone
    assert not moves(lambda db: db.add(AuditEntry(action="download", target="x", detail="", via="download")))


def test_a_cached_dashboard_shows_a_change_made_by_any_writer(app) -> None:
    add_departments(app, 0, 5)
    bureau, _ = signed_in(app, "bureau", role="reviewer", region=REGION)
    assert "87.5" not in bureau.get("/bureau?year=2023").text
    with app.state.engine.begin() as connection:  # not through the app: a script, a batch worker, psql
        connection.execute(text("UPDATE evaluations SET total = '87.5' WHERE id = :id"), {"id": _first_evaluation(app)})
    assert "87.5" in bureau.get("/bureau?year=2023").text
