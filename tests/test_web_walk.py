"""What a walk through the pages as each role found: the name typed at sign-in kept after a wrong password, the
submission deadline typed as a date is written (2026年3月31日) and, refused, shown again as typed."""

from __future__ import annotations

import os
import re
import warnings
from datetime import date

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from jixiao.web.app import create_app  # noqa: E402
from jixiao.web.db import Deadline, User  # noqa: E402
from jixiao.web.security import hash_password  # noqa: E402

from .web_support import login  # noqa: E402

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("walk")
    os.environ["JIXIAO_DATA"] = str(tmp)
    application = create_app(f"sqlite:///{tmp / 'jixiao.db'}", enqueue=lambda job_id, url: None)
    with application.state.factory() as db:
        db.add(User(username="admin", password_hash=hash_password(PASSWORD), role="admin"))
        db.commit()
    return application


def test_a_wrong_password_keeps_the_name_typed(app):
    client = TestClient(app)
    token = re.search(r'name="login_token" value="([^"]+)"', client.get("/login").text).group(1)
    page = client.post("/login", data={"username": " admin ", "password": "wrong", "login_token": token})
    assert page.status_code == 401 and "用户名或密码错误" in page.text
    field = re.search(r'<input[^>]*id="username"[^>]*>', page.text).group(0)
    assert 'value="admin"' in field
    assert re.search(r'id="password"[^>]*autofocus', page.text)  # only the password to type again


@pytest.mark.parametrize(
    "typed", ["2026年3月31日", "２０２６／３／３１", "2026-03-31", "2026.3.31", "20260331", "2026 年 3 月 31 日"]
)
def test_the_deadline_typed_as_a_date_is_written(app, typed):
    client = TestClient(app)
    csrf = login(client, "admin", PASSWORD)
    with app.state.factory() as db:
        db.query(Deadline).delete()
        db.commit()
    done = client.post("/admin/deadline", data={"csrf_token": csrf, "year": "2025", "due": typed})
    assert done.status_code == 200 and "已设定2025年度自评截止日期为2026年3月31日" in done.text
    with app.state.factory() as db:
        assert db.get(Deadline, 2025).due == date(2026, 3, 31)


def test_a_deadline_that_names_no_day_comes_back_as_typed(app):
    client = TestClient(app)
    csrf = login(client, "admin", PASSWORD)
    page = client.post("/admin/deadline", data={"csrf_token": csrf, "year": "2024", "due": "2026年2月30日"})
    assert page.status_code == 422 and "“截止日期”应为日期，如 2025年3月31日，实际为“2026年2月30日”" in page.text
    assert re.search(r'id="dl-due"[^>]*value="2026年2月30日"', page.text)  # typed, kept to correct
    assert re.search(r'id="dl-year"[^>]*value="2024"', page.text)
    year = client.post("/admin/deadline", data={"csrf_token": csrf, "year": "3000", "due": "2026年3月1日"})
    assert year.status_code == 422 and 'value="2026年3月1日"' in year.text and "评价年度" in year.text
