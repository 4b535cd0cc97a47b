"""What the web's cycle forms say about a wrong value: the document, the editor's line and the field in Chinese, what
was expected and how to fix it, and the typed text kept after a refusal — a date that is none, a 整改期限 on a public
holiday, an empty answer."""

from __future__ import annotations

import html
import os
import re
import warnings
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from jixiao.web.app import create_app  # noqa: E402
from jixiao.web.db import Department, User  # noqa: E402
from jixiao.web.security import hash_password  # noqa: E402
from jixiao.web.service import create_evaluation  # noqa: E402

from .web_support import login  # noqa: E402

PASSWORD = "correct-horse-battery"
BAOAN = Path(__file__).resolve().parents[1] / "examples" / "baoan-fulian-2023"
ANSWER = "    answer: {decision: 继续执行, date: 2023-07-10, note: 基地评审集中在下半年，已制定推进计划表}   # 示例"


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cycle-errors")
    os.environ["JIXIAO_DATA"] = str(tmp / "data")
    app = create_app(f"sqlite:///{tmp / 'jixiao.db'}")
    with app.state.factory() as db:
        baoan = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        db.add(baoan)
        db.flush()
        hashed = hash_password(PASSWORD)
        admin = User(username="admin", password_hash=hashed, role="admin")
        db.add_all(
            [
                admin,
                User(username="baoan", password_hash=hashed, role="filler", department_id=baoan.id),
                User(username="bureau", password_hash=hashed, role="reviewer", region="广东省深圳市"),
            ]
        )
        db.flush()
        evaluation, _ = create_evaluation(db, admin, baoan, 2023, "shenzhen-baoan/department/2023")
        eid = evaluation.id
        db.commit()
    clients = {}
    for name in ("baoan", "bureau"):
        client = TestClient(app)
        clients[name] = (client, login(client, name, PASSWORD))
    return clients, eid


def save(world, who: str, kind: str, text: str):
    clients, eid = world
    client, csrf = clients[who]
    page = client.get(f"/evaluations/{eid}/{kind}").text
    version = re.search(r'name="doc_version" value="(\d+)"', page).group(1)
    return client.post(
        f"/evaluations/{eid}/{kind}",
        data={"csrf_token": csrf, "doc_version": version, "text": text},
        follow_redirects=True,
    )


def problems(page: str) -> str:
    found = re.search(r'<ul class="plain" id="problems">(.*?)</ul>', page, re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", found.group(1))) if found else ""


def editor(page: str) -> str:
    return html.unescape(re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def test_a_date_that_is_none(world):
    text = (BAOAN / "monitoring.yaml").read_text("utf-8").replace("date: 2023-07-10", "date: 2023-02-30")
    r = save(world, "baoan", "monitoring", text)
    assert r.status_code == 422
    said = problems(r.text)
    # line 15 of monitoring.yaml holds June's answer; the field as the editor names it
    assert "运行监控内容第15行（字段“监控节点第2项·部门答复·答复日期”）" in said
    assert "“答复日期”应为日期，如“2023年7月31日”，实际为“2023年2月30日”（2023年2月只有28天）" in said
    assert "答复日期: 2023年2月30日" in editor(r.text)  # kept as typed, its keys and dates as the editor writes


def test_an_empty_answer(world):
    monitoring = (BAOAN / "monitoring.yaml").read_text("utf-8")
    # the decision left empty: refused, saying what may be chosen
    r = save(world, "baoan", "monitoring", monitoring.replace("decision: 继续执行", "decision: "))
    assert r.status_code == 422
    said = problems(r.text)
    assert "运行监控内容第15行（字段“监控节点第2项·部门答复·答复”）" in said
    assert "缺少“部门答复”。请填写继续执行、调剂、取消之一。" in said
    assert "部门答复: {答复: , 答复日期: 2023年7月10日" in editor(r.text)  # the typed line kept
    # the whole answer left empty: saved, and said on the page (it counts as not answered)
    r = save(world, "baoan", "monitoring", monitoring.replace(ANSWER, "    answer:"))
    assert r.status_code == 200 and "运行监控已保存" in r.text
    said = problems(r.text)
    assert "运行监控内容第15行（字段“监控节点第2项·部门答复”）" in said
    assert "6月节点的“部门答复”是空的，按尚未答复计" in said and "请删去这一行" in said
    assert "请查看下方的1条提示" in r.text


def test_a_deadline_on_a_holiday(world):
    rectification = (BAOAN / "rectification.yaml").read_text("utf-8")
    raised = "\n".join(
        re.sub(r"status: \S+", "status: 未开始", line)
        for line in rectification.splitlines()
        if not line.strip().startswith(("done_date:", "evidence:"))
    )
    r = save(world, "bureau", "rectification", raised.replace("deadline: 2024-09-30", "deadline: 2024-10-01"))
    assert r.status_code == 200 and "整改已保存" in r.text  # a warning: the bureau decides
    said = problems(r.text)
    line = next(n for n, t in enumerate(raised.splitlines(), 1) if "deadline: 2024-09-30" in t)
    assert f"整改内容第{line}行（字段“整改事项第2项·整改期限”）" in said
    assert "整改期限2024年10月1日在国庆节假期中" in said and "国办发明电〔2023〕7号" in said
    assert "可改为节前最后一个工作日2024年9月30日或节后第一个工作日2024年10月8日" in said
    # a deadline that is no date is refused at its line, the text kept
    r = save(world, "bureau", "rectification", raised.replace("deadline: 2024-09-30", "deadline: 2024-9-31"))
    assert r.status_code == 422
    assert "“整改期限”应为日期" in problems(r.text) and "（2024年9月只有30天）" in problems(r.text)
    assert "整改期限: 2024-9-31" in editor(r.text)


def test_a_workbooks_unread_column_is_said_after_the_upload(world):
    """A 监控表 with a column the reader does not know, figures under it: saved (the figures it knows are read), and
    the page says which column at which cell was not read — it was lost with the redirect before."""
    import io

    from openpyxl import load_workbook

    from jixiao.cycle.monitoring import load_monitoring
    from jixiao.cycle.workbook_out import monitoring_workbook

    clients, eid = world
    client, csrf = clients["baoan"]
    page = client.get(f"/evaluations/{eid}/monitoring").text
    version = int(re.search(r'name="doc_version" value="(\d+)"', page).group(1))
    book = load_workbook(io.BytesIO(monitoring_workbook(load_monitoring(BAOAN))))
    sheet = book["运行监控"]
    header = next(row[0].row for row in sheet.iter_rows(min_col=1, max_col=1) if row[0].value == "监控节点")
    column = sheet.max_column + 1
    sheet.cell(header, column, "执行进度说明")
    sheet.cell(header + 1, column, "序时推进")
    content = io.BytesIO()
    book.save(content)
    r = client.post(
        f"/evaluations/{eid}/monitoring",
        data={"csrf_token": csrf, "action": "upload", "doc_version": str(version)},
        files={"workbook": ("监控.xlsx", content.getvalue(), "application/octet-stream")},
    )
    assert r.status_code == 200 and f"已由工作簿“监控.xlsx”导入并保存（第{version + 1}版）" in r.text
    said = problems(r.text)
    letter = sheet.cell(header, column).column_letter
    assert f"监控.xlsx 工作表“运行监控”A{header}" in said and f"{letter}{header}“执行进度说明”" in said
    assert "其下数据未读取" in said
