"""In a real browser (Debian's chromium driven by Playwright) against a real server: log in, upload the 宝安
workbook, see 97.61, open one indicator's trace, download the Word report. Screenshots are written to
JIXIAO_SCREENSHOTS (or the test's tmp folder) to be looked at."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
playwright = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by scripts/setup.sh")

PASSWORD = "browser-test-password"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    import uvicorn

    from jixiao.web.app import create_app
    from jixiao.web.db import Department, User
    from jixiao.web.security import hash_password
    from jixiao.web.tasks import run_job

    from .web_support import free_port

    tmp = tmp_path_factory.mktemp("browser")
    os.environ["JIXIAO_DATA"] = str(tmp)
    app = create_app(f"sqlite:///{tmp / 'jixiao.db'}", enqueue=lambda job_id, url: run_job(job_id, url))
    with app.state.factory() as db:
        department = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        db.add(department)
        db.flush()
        db.add(
            User(
                username="baoan",
                display_name="宝安区妇联财务",
                password_hash=hash_password(PASSWORD),
                role="filler",
                department_id=department.id,
            )
        )
        db.commit()
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    while not instance.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


def test_fill_in_and_score_in_a_browser(server, tmp_path):
    from jixiao.cli import main

    shots = Path(os.environ.get("JIXIAO_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    workbook = tmp_path / "宝安填报.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(workbook)]) == 0
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True, locale="zh-CN")
        page.goto(f"{server}/login")
        page.screenshot(path=str(shots / "01-login.png"))
        page.fill("#username", "baoan")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url("**/evaluations")
        page.fill("input[name=year]", "2023")
        page.select_option("select[name=rulebook]", "shenzhen-baoan/department/2023")
        page.click('form[action="/evaluations/new"] button[type=submit]')
        page.wait_for_url("**/evaluations/*")
        page.set_input_files("input[type=file][name=file]", str(workbook))
        page.click('form[action$="/upload"] button[type=submit]')
        page.wait_for_selector("#scores")
        assert "97.61 分 · 优" in page.inner_text("#total")
        page.screenshot(path=str(shots / "02-scores.png"), full_page=True)
        page.click("#scores >> text=预算执行率")
        page.wait_for_selector("#steps")
        assert "0.38715" in page.inner_text("#steps")
        assert page.inner_text("#indicator-score") == "5.62"
        page.screenshot(path=str(shots / "03-trace.png"), full_page=True)
        page.go_back()
        with page.expect_download() as download_info:
            page.click("text=下载自评报告（Word）")
        target = tmp_path / "report.docx"
        download_info.value.save_as(str(target))
        browser.close()
    from docx import Document as read_docx

    text = "\n".join(par.text for par in read_docx(str(target)).paragraphs)
    assert "自评得分为97.61分" in text
