"""What walking the pages as each role found (department officer, bureau reviewer, administrator, signed out), each
checked here through the app's HTTP interface; the browser's part is in tests/test_browser.py."""

from __future__ import annotations

import os
import re
import warnings
from datetime import UTC
from pathlib import Path
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


def test_the_review_jobs_opinion_is_signed_by_the_bureau_and_dated(app):
    """The 审核意见.docx of a bureau's batch review carried blank lines in its 落款 (审核单位（盖章）：____, 年 月 日)
    though the job knows who made it and when: now the reviewer's unit (set by the administrator: 添加用户, or beside
    the reviewer's 辖区), the reviewer's name and the job's day in Beijing time, written 2026年12月2日."""
    from pathlib import Path

    from docx import Document as read_docx

    from jixiao.web.db import Job
    from jixiao.web.tasks import run_job
    from jixiao.web.timefmt import SHANGHAI, cn_date

    admin = TestClient(app)
    csrf = login(admin, "admin", PASSWORD)
    added = admin.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "zhangmin",
            "display_name": "张敏",
            "password": PASSWORD,
            "role": "reviewer",
            "region": "广东省深圳市",
            "unit": "深圳市财政局",
        },
    )
    assert added.status_code == 200 and "已添加用户" in added.text
    with app.state.factory() as db:
        reviewer = db.query(User).filter_by(username="zhangmin").one()
        reviewer.must_change_password = False
        assert reviewer.unit == "深圳市财政局"
        db.commit()
        reviewer_id = reviewer.id
    # the unit is set beside the 辖区 too; a form sending the 辖区 alone leaves it
    moved = admin.post(f"/admin/users/{reviewer_id}/region", data={"csrf_token": csrf, "region": "广东省深圳市"})
    assert moved.status_code == 200
    with app.state.factory() as db:
        assert db.get(User, reviewer_id).unit == "深圳市财政局"
    seed = Path(__file__).resolve().parent / "fixtures" / "seeds" / "004_6448f6cab597d7a3.txt"
    client = TestClient(app)
    csrf = login(client, "zhangmin", PASSWORD)
    response = client.post(
        "/bureau/batch",
        data={"csrf_token": csrf, "kind": "reviews"},
        files=[("files", ("衡山县妇联.txt", seed.read_bytes(), "text/plain"))],
        follow_redirects=False,
    )
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    run_job(job_id, str(app.state.engine.url))
    with app.state.factory() as db:
        job = db.get(Job, job_id)
        folder, made = Path(job.folder), job.created_at
    opinion = read_docx(str(folder / "output" / "衡山县妇联_审核意见.docx"))
    lines = [p.text for p in opinion.paragraphs if p.text.strip()]
    day = cn_date(made.replace(tzinfo=UTC).astimezone(SHANGHAI).date())
    assert re.fullmatch(r"\d{4}年[1-9]\d?月[1-9]\d?日", day)
    assert "审核单位（盖章）：深圳市财政局" in lines and "审核人：张敏" in lines and day in lines, lines[-6:]


def test_section_headings_name_the_year_and_the_log_names_no_file(app):
    """Walking the evaluation page as the reviewer: a narrative section the outline heads “{year}年部门预算编制情况”
    was shown as “年部门预算编制情况” (the year cut out), in the report's text boxes and the 批注 list; the report
    writes 2023年部门预算编制情况. And the 操作日志 said a cycle document was saved as “绩效目标（targets.yaml）”,
    the command line's file name, which no web user has seen."""
    evaluation_id = _example(app)
    _example_document(app, "monitoring")
    client = TestClient(app)
    login(client, "wang", PASSWORD)
    page = client.get(f"/evaluations/{evaluation_id}").text
    assert ">2023年部门预算编制情况<" in page and ">年部门预算编制情况<" not in page
    admin = TestClient(app)
    login(admin, "admin", PASSWORD)
    log = admin.get("/audit").text
    assert "2023年度 运行监控（第1版）" in log and ".yaml" not in log
    # the entry's 对象 names the document by its department and year, not by its number (运行监控 #2)
    assert "<td>深圳市宝安区妇女联合会 2023年度运行监控</td>" in log and "运行监控 #" not in log


def _example(app) -> int:
    """The 宝安 example saved as wang's 2023 evaluation (once for the module); its id."""
    from jixiao.web.db import Evaluation
    from jixiao.web.service import create_evaluation, write

    from .web_support import EXAMPLE

    with app.state.factory() as db:
        filler = db.query(User).filter_by(username="wang").one()
        department = db.get(Department, filler.department_id)
        evaluation, created = create_evaluation(db, filler, department, 2023, "shenzhen-baoan/department/2023")
        if created:
            data = (EXAMPLE / "data.yaml").read_text("utf-8")
            write(db, filler, evaluation, via="yaml", expected_version=evaluation.version, data_yaml=data)
        db.commit()
        assert db.get(Evaluation, evaluation.id).version == 2
        return evaluation.id


def _example_document(app, kind: str) -> int:
    """The 宝安 example's 绩效目标 (the department's part) or 运行监控 saved for wang's department once; its id."""
    from jixiao.web.cycle_service import document, write_document

    from .web_support import EXAMPLE

    with app.state.factory() as db:
        filler = db.query(User).filter_by(username="wang").one()
        department = db.get(Department, filler.department_id)
        if document(db, department, 2023, kind) is None:
            text = (EXAMPLE / f"{kind}.yaml").read_text("utf-8").split("\napproval:")[0] + "\n"
            write_document(db, filler, department, 2023, kind, text, 0)
            db.commit()
        return department.id


def test_a_versions_rates_have_two_decimals(app):
    """A version's figures: a rate written 100% or 52% in the data was shown so (and 1 as 100%), beside 98.78%
    in the same column; the department's tables print every rate with two decimals (100.00%, 52.00%)."""
    evaluation_id = _example(app)
    client = TestClient(app)
    login(client, "wang", PASSWORD)
    page = client.get(f"/evaluations/{evaluation_id}/versions/2").text
    assert "<td>介入处置率</td><td>100.00%</td>" in page
    assert "<td>“三公”经费控制率</td><td>52.00%</td>" in page and "<td>预算执行率</td><td>98.78%</td>" in page
    assert not re.search(r"<td>\d+%</td>", page)


def test_an_upload_sent_too_slowly_is_refused(app, monkeypatch):
    """A body that stops coming (a slow or stalled sender: 1 byte now and then) held its connection and its part of
    the 60 MB for as long as the sender liked; now each part must come within BODY_IDLE seconds and the whole at
    BODY_RATE on average, else a Chinese page (408) saying what to do. A body sent at a normal pace is untouched."""
    import asyncio

    from jixiao.web import app as web_app

    monkeypatch.setattr(web_app, "BODY_IDLE", 0.3)

    def run(body: bytes, stall: bool, length: bool = True) -> tuple[int, str]:
        sent: list[dict] = []
        part = body[:10] if stall else body  # stalled: 10 bytes, then nothing more of what was declared
        queue = [{"type": "http.request", "body": part, "more_body": stall}]

        async def receive():
            if queue:
                return queue.pop(0)
            await asyncio.sleep(3600)  # the sender stalls
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        scope = {
            "type": "http",
            "method": "POST",
            "path": "/login",
            "raw_path": b"/login",
            "query_string": b"",
            "headers": [
                (b"content-type", b"application/x-www-form-urlencoded"),
                (b"host", b"testserver"),
                *([(b"content-length", str(len(body)).encode())] if length else []),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("testserver", 80),
            "scheme": "http",
            "http_version": "1.1",
            "root_path": "",
        }

        async def main():
            await asyncio.wait_for(app(scope, receive, send), 10)

        asyncio.run(main())
        start = next(m for m in sent if m["type"] == "http.response.start")
        text = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body").decode()
        return start["status"], text

    form = b"username=admin&password=x&login_token=y"
    status, text = run(form, stall=True)
    assert status == 408 and "上传超时" in text and "请检查网络后重新上传" in text
    status, text = run(form, stall=False)  # all of it at once: the sign-in answers (the token is wrong)
    assert status != 408 and "上传超时" not in text
    # a body over the limit that declared no length (sent in chunks): the form parser's own 400 was sent before
    monkeypatch.setattr(web_app, "MAX_BODY", 20)
    status, text = run(form, stall=False, length=False)
    assert status == 413 and "上传内容过大" in text


def test_a_refused_text_leaves_the_form_showing_the_stored_figures(app):
    """Walking the page: a text (全部数据) refused for a syntax error came back with the base-data form and the
    tables empty — they showed the refused text's data, which did not parse — and the score 总分不完整; a save of
    the form from that page would have removed the stored figures. Now the form, tables and score are the stored
    data's, the editor keeps the text as typed, the error is listed at its line."""
    from .web_support import csrf_of, version_of

    evaluation_id = _example(app)
    client = TestClient(app)
    login(client, "wang", PASSWORD)
    shown = client.get(f"/evaluations/{evaluation_id}").text
    page = client.post(
        f"/evaluations/{evaluation_id}/yaml",
        data={"csrf_token": csrf_of(shown), "version": str(version_of(shown)), "data_yaml": "部门:\n  名称: [\n"},
    )
    assert page.status_code == 422 and "数据有误，未保存" in page.text
    assert "全部数据第3行" in page.text and "名称: [" in page.text  # the error at its line, the text as typed
    total = re.search(r'<input[^>]*id="f-budget\.initial\.total"[^>]*>', page.text).group(0)
    assert 'value="2,377.56"' in total, total
    assert re.search(r'name="l:quarterly:0:time_rate" value="[^"]+"', page.text)
    assert "97.61" in page.text and "总分不完整" not in page.text


def test_a_refused_cycle_text_says_where_in_the_pages_words(app):
    """The cycle editor's refusal asked to fix the text “按下列提示（文件:行）”, a programmer's notation (the page has
    no file); each problem is said as 运行监控内容第N行（字段“…”）: the message says 所在行与字段."""
    evaluation_id = _example(app)
    client = TestClient(app)
    csrf = login(client, "wang", PASSWORD)
    shown = client.get(f"/evaluations/{evaluation_id}/monitoring").text
    version = re.search(r'name="doc_version" value="(\d+)"', shown).group(1)
    page = client.post(
        f"/evaluations/{evaluation_id}/monitoring",
        data={"csrf_token": csrf, "doc_version": version, "text": "年度: 二〇二三\n监控节点:\n  - 月份: 十三\n"},
    )
    assert page.status_code == 422 and "运行监控内容第" in page.text
    assert "（所在行与字段）" in page.text and "文件:行" not in page.text


def test_the_targets_page_prints_amounts_as_the_form_does(app):
    """The 绩效目标 page's 申报表 said 年度资金总额 2377.56 万元, where the department's 申报表 prints 2,377.56."""
    evaluation_id = _example(app)
    _example_document(app, "targets")
    client = TestClient(app)
    login(client, "wang", PASSWORD)
    page = client.get(f"/evaluations/{evaluation_id}/targets").text
    assert "年度资金总额 2,377.56 万元" in page and "2377.56 万元" not in page


def test_the_import_summary_keeps_a_formula_looking_name_as_text(app, tmp_path):
    """导入结果.xlsx of a batch import wrote each uploaded file's name into a cell as it was: a workbook named
    =HYPERLINK("http://…","点击").xlsx became a live formula in the bureau's summary (openpyxl writes text starting
    with = as one). Now it is text, as the dashboard's export keeps a department's name."""
    from openpyxl import load_workbook

    from jixiao.web.db import Job
    from jixiao.web.tasks import run_job

    from .web_support import example_workbook

    client, csrf = _bureau(app)
    workbook = example_workbook(tmp_path, 2022)
    response = client.post(
        "/bureau/batch",
        data={"csrf_token": csrf, "kind": "workbooks"},
        files=[("files", ("=1+2.xlsx", workbook.read_bytes(), "application/octet-stream"))],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:300]
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    run_job(job_id, str(app.state.engine.url))
    with app.state.factory() as db:
        folder = Path(db.get(Job, job_id).folder)
    cell = load_workbook(folder / "output" / "导入结果.xlsx")["导入结果"]["A2"]
    assert cell.data_type == "s" and cell.value == "'=1+2.xlsx", (cell.value, cell.data_type)


def test_the_cycle_editor_writes_dates_as_people_do(app):
    """The cycle pages' editor showed dates as 2023-07-10 and asked for one “如“2023-07-31””; the department's and the
    bureau's documents write 2023年7月10日. The editor now shows a date key's date so, saves it as before
    (2023-07-10 in the stored text and the command line's files), and a message quotes its example so."""
    import html

    from jixiao.web.cycle_service import document

    evaluation_id = _example(app)
    department_id = _example_document(app, "monitoring")
    client = TestClient(app)
    csrf = login(client, "wang", PASSWORD)
    shown = client.get(f"/evaluations/{evaluation_id}/monitoring").text

    text = html.unescape(re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', shown, re.S).group(1))
    assert "答复日期: 2023年7月10日" in text and "2023-07-10" not in text
    version = re.search(r'name="doc_version" value="(\d+)"', shown).group(1)
    saved = client.post(
        f"/evaluations/{evaluation_id}/monitoring",
        data={"csrf_token": csrf, "doc_version": version, "text": text},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    with app.state.factory() as db:
        stored = document(db, db.get(Department, department_id), 2023, "monitoring").text
    assert "date: 2023-07-10" in stored and "2023年7月10日" not in stored
    wrong = client.post(
        f"/evaluations/{evaluation_id}/monitoring",
        data={"csrf_token": csrf, "doc_version": str(int(version) + 1), "text": text.replace("7月10日", "13月10日")},
    )
    assert wrong.status_code == 422 and "如“2023年7月31日”" in wrong.text and "2023-07-31" not in wrong.text


def test_the_pages_charts_print_rates_with_two_decimals_and_read_out(app):
    """The evaluation page's chart of each 一级指标's 得分率 printed 100% and 97.7% (a score's format) beside
    94.95%, and a screen reader heard only “图表”; now 100.00%, 97.70%, and the label reads each bar."""
    evaluation_id = _example(app)
    client = TestClient(app)
    login(client, "wang", PASSWORD)
    chart = re.search(r'<div id="chart">(.*?)</div>', client.get(f"/evaluations/{evaluation_id}").text, re.S).group(1)
    # 宝安 2023: 部门决策 20/20, 部门管理 18.99/20 = 94.95%, 部门绩效 58.62/60 = 97.70%
    assert ">100.00%<" in chart and ">94.95%<" in chart and ">97.70%<" in chart and ">97.7%<" not in chart
    assert 'aria-label="部门决策 100.00%；部门管理 94.95%；部门绩效 97.70%"' in chart


def test_a_job_whose_every_file_was_refused_says_so(app):
    """A batch of files all refused as they were uploaded (an .exe, a damaged .docx) made a job whose page said
    已审核 0 份报告 below the reasons, as if the review had found nothing; now it says nothing was left to review
    and to upload again after fixing what the reasons say."""
    from jixiao.web.db import Job
    from jixiao.web.tasks import run_job

    client, csrf = _bureau(app)
    files = [("files", ("x.exe", b"MZ", "application/octet-stream")), ("files", ("坏.docx", b"PK\x03\x04", "x"))]
    response = client.post(
        "/bureau/batch", data={"csrf_token": csrf, "kind": "reviews"}, files=files, follow_redirects=False
    )
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    run_job(job_id, str(app.state.engine.url))
    with app.state.factory() as db:
        assert db.get(Job, job_id).status == "done"
    page = client.get(f"/jobs/{job_id}").text
    assert "没有可审核的报告：上传的文件都未通过检查" in page and "已审核 0 份报告" not in page
    assert "x.exe：文件类型不对" in page


def test_the_forms_amounts_are_shown_as_finance_staff_write_them(app):
    """The base-data form and the tables showed 万元 amounts as stored — 2377.56, 123.1, 0 — where the department's
    tables print 2,377.56, 123.10, 0.00. Shown so now; saved untouched, each is the same amount (no “读作” note, the
    score unchanged)."""
    from .web_support import csrf_of, version_of

    evaluation_id = _example(app)
    client = TestClient(app)
    login(client, "wang", PASSWORD)
    shown = client.get(f"/evaluations/{evaluation_id}").text

    def value(name: str, text: str) -> str:
        return re.search(rf'name="{re.escape(name)}" value="([^"]*)"', text).group(1)

    assert value("f:budget.initial.total", shown) == "2,377.56"
    assert value("f:budget.adjustment.amount", shown) == "123.10" and value("f:assets.fixed_idle", shown) == "0.00"
    assert value("l:units:0:project_funds", shown) == "801.25"
    fields = dict(re.findall(r'name="(f:[^"]+)" value="([^"]*)"', shown))
    saved = client.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf_of(shown), "version": str(version_of(shown)), **fields},
    )
    assert saved.status_code == 200 and "读作" not in saved.text and "97.61" in saved.text
    assert value("f:budget.initial.total", saved.text) == "2,377.56"


def _bureau(app) -> tuple[TestClient, str]:
    """The 深圳市 bureau's reviewer (made once for the module), signed in: the client and its form token."""
    with app.state.factory() as db:
        if not db.query(User).filter_by(username="bureau").count():
            db.add(
                User(username="bureau", password_hash=hash_password(PASSWORD), role="reviewer", region="广东省深圳市")
            )
            db.commit()
    client = TestClient(app)
    return client, login(client, "bureau", PASSWORD)
