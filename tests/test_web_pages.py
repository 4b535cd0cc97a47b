"""What walking the pages as each role found (department officer, bureau reviewer, administrator, signed out), each
checked here through the app's HTTP interface; the browser's part is in tests/test_browser.py."""

from __future__ import annotations

import os
import warnings
from urllib.parse import unquote

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from jixiao.web.app import create_app  # noqa: E402
from jixiao.web.db import Department, User  # noqa: E402
from jixiao.web.security import hash_password  # noqa: E402

from .web_support import login  # noqa: E402

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pages")
    os.environ["JIXIAO_DATA"] = str(tmp)
    application = create_app(f"sqlite:///{tmp / 'jixiao.db'}", enqueue=lambda job_id, url: None)
    with application.state.factory() as db:
        department = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        db.add(department)
        db.flush()
        db.add(User(username="admin", password_hash=hash_password(PASSWORD), role="admin"))
        db.add(User(username="wang", password_hash=hash_password(PASSWORD), role="filler", department_id=department.id))
        db.commit()
    return application


@pytest.mark.parametrize(
    ("sent_from", "back_to"),
    [
        ("/evaluations/1/form", "/evaluations/1"),  # a refused save is shown at the form's own address
        ("/evaluations/1/narrative", "/evaluations/1"),
        ("/admin/users", "/admin"),  # an add-user refused (name taken) is shown at /admin/users
        ("/admin/deadline", "/admin"),
        ("/evaluations/new", "/evaluations"),
        ("/evaluations/1/targets", "/evaluations/1/targets"),  # a page: itself
        ("/bureau?year=2022&status=draft", "/bureau?year=2022&status=draft"),
    ],
)
def test_a_form_sent_after_the_session_ended_leads_back_to_a_page(app, sent_from, back_to):
    """A form sent from a refused save's page (shown at the form's own address, which answers POST only) after the
    session ended: the sign-in led to that address, a GET of it 不支持的操作 with only 返回首页 — what was typed
    (kept in the window for the page) never came back. Now to the page the form belongs to."""
    client = TestClient(app)
    target = "/evaluations/1/form" if sent_from.startswith("/evaluations/1") else "/admin/users"
    sent = client.post(
        target, data={"csrf_token": "x"}, headers={"referer": f"http://testserver{sent_from}"}, follow_redirects=False
    )
    assert sent.status_code == 303
    assert unquote(sent.headers["location"].split("next=", 1)[1]) == back_to
    csrf = login(client, "admin", PASSWORD)
    assert csrf
    shown = client.get(back_to)
    assert shown.status_code in (200, 403, 404), shown.status_code  # a page (the evaluation need not exist)
    assert "不支持的操作" not in shown.text
