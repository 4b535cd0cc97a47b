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
        db.add(Department(name="深圳市福田区妇女联合会", region="广东省深圳市福田区"))
        db.add(
            User(
                username="baoan",
                display_name="宝安区妇联财务",
                password_hash=hash_password(PASSWORD),
                role="filler",
                department_id=department.id,
            )
        )
        db.add(
            User(
                username="caizheng",
                display_name="深圳市财政局绩效处",
                password_hash=hash_password(PASSWORD),
                role="reviewer",
                region="广东省深圳市",
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


def _browser(p):
    return p.chromium.launch(
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


def _sign_in_by_keyboard(page, server: str, username: str) -> None:
    """Only the keyboard: the fields are labelled and reachable in order."""
    page.goto(f"{server}/login")
    page.get_by_label("用户名").focus()
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def test_a_whole_year_for_the_department_and_the_bureau(server, tmp_path):
    """The department fills in and submits; the bureau reads it with its narrative, comments on an indicator and
    returns it; the department sees the comment, answers and submits again; the bureau approves. No page breaks
    the Content-Security-Policy; the main action of each page is in the first screen."""
    from jixiao.cli import main

    shots = Path(os.environ.get("JIXIAO_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    workbook = tmp_path / "宝安填报.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(workbook)]) == 0
    violations: list[str] = []
    with playwright.sync_playwright() as p:
        browser = _browser(p)
        department = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        bureau = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        for page in (department, bureau):
            page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)

        _sign_in_by_keyboard(department, server, "baoan")
        department.fill("input[name=year]", "2022")
        department.click('form[action="/evaluations/new"] button[type=submit]')  # rulebook chosen from the region
        department.wait_for_url("**/evaluations/*")
        assert "按部门所在地区“广东省深圳市宝安区”匹配到" in department.inner_text("#rulebook")
        assert department.is_visible("#upload-file") and department.locator("#submit").bounding_box()["y"] < 900
        department.set_input_files("#upload-file", str(workbook))
        department.click("#upload-form button[type=submit]")
        department.wait_for_selector("#scores")
        assert "工作簿已导入" in department.inner_text("#message")
        department.fill("textarea[name='n:problems']", "部分季度支出进度偏慢。")
        department.click('form[action$="/narrative"] button[type=submit]')
        department.wait_for_selector("#message")
        department.screenshot(path=str(shots / "10-department-filled.png"))
        department.click("#submit")
        department.wait_for_selector("#message")
        assert "已提交审核" in department.inner_text("#message")

        _sign_in_by_keyboard(bureau, server, "caizheng")
        bureau.goto(f"{server}/bureau?year=2022")
        assert "未开始 1　草稿 0　已提交 1" in bureau.inner_text("#counts")
        assert "深圳市福田区妇女联合会" in bureau.inner_text("#reminders")
        bureau.screenshot(path=str(shots / "11-bureau-dashboard.png"))
        bureau.click("#ranking >> text=深圳市宝安区妇女联合会")
        bureau.wait_for_selector("#narrative-view")
        assert "部分季度支出进度偏慢。" in bureau.inner_text("#narrative-view")
        bureau.select_option("#anchor", label="指标：预算执行率")
        bureau.fill("#comment-text", "第二季度执行率偏低，请说明原因。")
        bureau.click("#comment-form button[type=submit]")
        bureau.wait_for_selector("#comments")
        bureau.fill("#return-comment", "请按批注补充说明。")
        bureau.click('form[action$="/return"] button[type=submit]')
        bureau.wait_for_selector("#message")
        bureau.screenshot(path=str(shots / "12-bureau-returned.png"), full_page=True)

        department.reload()
        assert "第二季度执行率偏低，请说明原因。" in department.inner_text("#comments")
        department.fill("#comments textarea[name=text]", "第二季度因项目延期，已在问题部分补充。")
        department.click("#comments form button[type=submit]")
        department.wait_for_selector("#message")
        department.screenshot(path=str(shots / "13-department-answered.png"))
        department.click("#submit")
        department.wait_for_selector("#message")

        bureau.reload()
        assert "第二季度因项目延期" in bureau.inner_text("#comments")
        bureau.click('form[action$="/approve"] button[type=submit]')
        bureau.wait_for_selector("#message")
        assert "已审核通过" in bureau.inner_text("#message") and bureau.inner_text("#status") == "已通过"
        bureau.goto(f"{server}/bureau?year=2022")
        assert "已通过 1" in bureau.inner_text("#counts")
        bureau.screenshot(path=str(shots / "14-bureau-approved.png"))
        browser.close()
    assert not violations, violations
