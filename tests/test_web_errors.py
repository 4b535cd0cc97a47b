"""The last net of the web app: an unexpected error after the request's database session was rolled back and
closed (a failed statement) still answers with the Chinese error page, not a second failure while rendering it."""

from __future__ import annotations

import logging

from fastapi import Request
from fastapi.testclient import TestClient
from sqlalchemy import text

from jixiao.web.app import create_app
from jixiao.web.db import User
from jixiao.web.deps import Db, SignedIn
from jixiao.web.security import hash_password

from .web_support import login


def test_an_error_after_a_failed_statement_shows_the_error_page(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("JIXIAO_DATA", str(tmp_path / "data"))
    app = create_app(f"sqlite:///{tmp_path / 'app.db'}", enqueue=lambda *a: None)
    with app.state.factory() as db:
        db.add(User(username="bureau", password_hash=hash_password("pw-123456789"), role="reviewer", region="测试省"))
        db.commit()

    def broken(request: Request, actor: SignedIn, db: Db):  # a route whose statement fails, after sign-in
        db.execute(text("SELECT * FROM no_such_table"))

    app.add_api_route("/broken", broken)
    client = TestClient(app, raise_server_exceptions=False)
    login(client, "bureau", "pw-123456789")
    with caplog.at_level(logging.ERROR):
        response = client.get("/broken")
    assert response.status_code == 500 and "系统内部错误" in response.text
    assert "no_such_table" not in response.text and "Traceback" not in response.text
    # logged once, for the route's own failure: rendering the page did not fail too
    assert caplog.text.count("unexpected error on GET /broken") == 1 and "DetachedInstance" not in caplog.text
