"""The web app through its HTTP API, on SQLite and on a real PostgreSQL: login and its limits, CSRF, who may
see and change what (also by URL and form tampering), workbook upload, no lost update, the review flow,
uploads refused before parsing, downloads, the bureau dashboard, batch jobs, migrations."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from jixiao.web import uploads  # noqa: E402
from jixiao.web.app import create_app  # noqa: E402
from jixiao.web.db import Base, Department, Evaluation, Job, User  # noqa: E402
from jixiao.web.security import hash_password  # noqa: E402
from jixiao.web.tasks import run_job  # noqa: E402

from .web_support import PG_BIN, as_year, login, postgres_server, version_of, wait_for  # noqa: E402

PASSWORD = "correct-horse-battery"
BAOAN = "深圳市宝安区妇女联合会"
SEED_004 = Path(__file__).resolve().parent / "fixtures" / "seeds" / "004_6448f6cab597d7a3.txt"


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp(request.param)
    if request.param == "sqlite":
        yield f"sqlite:///{tmp / 'jixiao.db'}"
        return
    if PG_BIN is None:
        pytest.skip("PostgreSQL is installed by scripts/setup.sh")
    with postgres_server(tmp) as url:
        yield url


@pytest.fixture(scope="module")
def app(database_url, tmp_path_factory):
    os.environ["JIXIAO_DATA"] = str(tmp_path_factory.mktemp("data"))
    application = create_app(database_url, enqueue=lambda job_id, url: run_job(job_id, url))
    with application.state.factory() as db:
        a = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        b = Department(name="衡山县妇女联合会", region="湖南省衡阳市衡山县")
        db.add_all([a, b])
        db.flush()
        db.add_all(
            [
                User(username="admin", password_hash=hash_password(PASSWORD), role="admin"),
                User(username="baoan", password_hash=hash_password(PASSWORD), role="filler", department_id=a.id),
                User(username="hengshan", password_hash=hash_password(PASSWORD), role="filler", department_id=b.id),
                User(username="bureau", password_hash=hash_password(PASSWORD), role="reviewer", region="广东省深圳市"),
            ]
        )
        db.commit()
    return application


def client(app, username: str | None = None) -> tuple[TestClient, str]:
    c = TestClient(app)
    return c, (login(c, username, PASSWORD) if username else "")


def new_evaluation(app, username: str, year: int, rulebook: str) -> int:
    c, csrf = client(app, username)
    response = c.post(
        "/evaluations/new", data={"year": str(year), "rulebook": rulebook, "csrf_token": csrf}, follow_redirects=False
    )
    return int(re.search(r"/evaluations/(\d+)", response.headers["location"]).group(1))


@pytest.fixture(scope="module")
def baoan_id(app, tmp_path_factory):
    """The 宝安 evaluation, filled by uploading the example as a workbook."""
    from jixiao.cli import main

    evaluation_id = new_evaluation(app, "baoan", 2023, "shenzhen-baoan/department/2023")
    workbook = tmp_path_factory.mktemp("wb") / "宝安.xlsx"
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(workbook)]) == 0
    c, csrf = client(app, "baoan")
    page = c.get(f"/evaluations/{evaluation_id}")
    response = c.post(
        f"/evaluations/{evaluation_id}/upload",
        data={"csrf_token": csrf, "version": version_of(page.text)},
        files={
            "file": (
                "宝安.xlsx",
                workbook.read_bytes(),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        },
    )
    assert response.status_code == 200 and "97.61 分 · 优" in response.text
    return evaluation_id


def test_login_wrong_password_and_rate_limit(app):
    c = TestClient(app)
    page = c.get("/login")
    token = csrf_token = page.text.split('name="login_token" value="')[1].split('"')[0]
    for _ in range(5):
        r = c.post("/login", data={"username": "victim", "password": "guess", "login_token": token})
        assert r.status_code == 401 and "用户名或密码错误" in r.text
    r = c.post("/login", data={"username": "victim", "password": "guess", "login_token": csrf_token})
    assert r.status_code == 429 and "登录失败次数过多" in r.text


def test_pages_need_login(app):
    r = TestClient(app).get("/evaluations/1", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # signed in from a link to a filtered page, the user lands on that page, its filters kept (not /bureau's default)
    c = TestClient(app)
    r = c.get("/bureau?year=2022&status=draft", follow_redirects=False)
    assert r.headers["location"] == "/login?next=/bureau%3Fyear%3D2022%26status%3Ddraft"
    page = c.get(r.headers["location"]).text
    assert 'name="next" value="/bureau?year=2022&amp;status=draft"' in page
    token = re.search(r'name="login_token" value="([^"]+)"', page).group(1)
    data = {"username": "bureau", "password": PASSWORD, "login_token": token, "next": "/bureau?year=2022&status=draft"}
    signed = c.post("/login", data=data, follow_redirects=False)
    assert signed.headers["location"] == "/bureau?year=2022&status=draft"


def test_a_department_of_a_region_without_rulebook_is_asked_to_choose_one(app):
    """新建 with the default (按部门所在地区自动选择) led a department of a region without a rulebook to an error page
    with only 返回首页: the list is required to be chosen from, and says why."""
    with app.state.factory() as db:
        futian = Department(name="深圳市福田区妇女联合会", region="广东省深圳市福田区")
        db.add(futian)
        db.flush()
        db.add(User(username="futian", password_hash=hash_password(PASSWORD), role="filler", department_id=futian.id))
        db.commit()
    c, _ = client(app, "futian")
    page = c.get("/evaluations").text
    assert '<select id="rulebook" name="rulebook" required>' in page
    assert "请选择（本部门所在地区没有默认的指标体系）" in page
    c, _ = client(app, "baoan")  # a region with its rulebook: chosen by default as before
    assert '<select id="rulebook" name="rulebook">' in c.get("/evaluations").text


def test_session_cookie_is_httponly(app):
    c = TestClient(app)
    page = c.get("/login")
    token = page.text.split('name="login_token" value="')[1].split('"')[0]
    r = c.post("/login", data={"username": "admin", "password": PASSWORD, "login_token": token}, follow_redirects=False)
    cookie = r.headers["set-cookie"]
    assert "jixiao_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie


def test_csrf_is_required(app, baoan_id):
    c, _ = client(app, "baoan")
    r = c.post(f"/evaluations/{baoan_id}/submit", data={"version": "1", "csrf_token": "forged"})
    assert r.status_code == 403 and "表单已过期" in r.text and "CSRF" not in r.text  # no English word to the user


def test_upload_scores_and_keeps_versions(app, baoan_id):
    c, _ = client(app, "baoan")
    page = c.get(f"/evaluations/{baoan_id}")
    assert "97.61 分 · 优" in page.text and "资产管理安全性" in page.text
    chart = page.text.split('id="chart"')[1].split("</svg>")[0]
    assert "部门管理" in chart and "94.95%" in chart  # 部门管理 18.99 of 20: 18.99 / 20 = 94.95%
    versions = c.get(f"/evaluations/{baoan_id}/versions")
    assert "上传工作簿 宝安.xlsx" in versions.text
    first = c.get(f"/evaluations/{baoan_id}/versions/1")
    assert first.status_code == 200 and "新建" in first.text and "不完整" in first.text
    second = c.get(f"/evaluations/{baoan_id}/versions/2")
    assert "<b>97.61</b> 优" in second.text


def test_indicator_trace_page(app, baoan_id):
    c, _ = client(app, "baoan")
    r = c.get(f"/evaluations/{baoan_id}/indicator/budget_execution")
    assert r.status_code == 200
    assert "1.5 × 差额合计 = <b>0.38715</b>" in r.text and "第二季度序时执行率达到100%，可少扣0.29分" in r.text


def test_filler_cannot_read_or_change_another_department(app, baoan_id):
    c, csrf = client(app, "hengshan")
    assert c.get(f"/evaluations/{baoan_id}").status_code == 403
    assert c.get(f"/evaluations/{baoan_id}/download/docx").status_code == 403
    assert c.get(f"/evaluations/{baoan_id}/indicator/budget_execution").status_code == 403
    tampered = c.post(
        f"/evaluations/{baoan_id}/form", data={"csrf_token": csrf, "version": "999", "f:department.name": "被篡改"}
    )
    assert tampered.status_code == 403
    assert c.post(f"/evaluations/{baoan_id}/submit", data={"csrf_token": csrf, "version": "1"}).status_code == 403
    # creating an evaluation for another department by tampering with the form is ignored: it is one's own
    r = c.post(
        "/evaluations/new",
        data={"year": "2023", "rulebook": "hunan/department/2023", "department_id": "1", "csrf_token": csrf},
        follow_redirects=False,
    )
    with app.state.factory() as db:
        created = db.get(Evaluation, int(re.search(r"/evaluations/(\d+)", r.headers["location"]).group(1)))
        assert created.department.name == "衡山县妇女联合会"
        assert db.get(Evaluation, baoan_id).department.name == "深圳市宝安区妇女联合会"


def test_reviewer_sees_only_their_region(app, baoan_id):
    c, _ = client(app, "bureau")
    assert c.get(f"/evaluations/{baoan_id}").status_code == 200
    with app.state.factory() as db:
        other = db.scalar(select(Evaluation).join(Department).where(Department.name == "衡山县妇女联合会"))
    if other is not None:
        assert c.get(f"/evaluations/{other.id}").status_code == 403


def test_no_lost_update(app):
    evaluation_id = new_evaluation(app, "hengshan", 2022, "hunan/department/2023")
    first, csrf1 = client(app, "hengshan")
    second, csrf2 = client(app, "hengshan")
    version = version_of(first.get(f"/evaluations/{evaluation_id}").text)
    assert version_of(second.get(f"/evaluations/{evaluation_id}").text) == version
    ok = first.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf1, "version": version, "f:budget.initial.total": "39.78"},
    )
    assert ok.status_code == 200 and "已保存" in ok.text
    late = second.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf2, "version": version, "f:budget.initial.total": "40.12"},
    )
    assert late.status_code == 409 and "已被他人修改" in late.text
    assert 'value="40.12"' in late.text  # what the second person typed is still there
    with app.state.factory() as db:
        assert "39.78" in db.get(Evaluation, evaluation_id).data_yaml


def test_form_errors_are_shown_and_nothing_is_saved(app):
    evaluation_id = new_evaluation(app, "hengshan", 2021, "hunan/department/2023")
    c, csrf = client(app, "hengshan")
    version = version_of(c.get(f"/evaluations/{evaluation_id}").text)
    r = c.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf, "version": version, "f:budget.initial.total": "三十九万"},
    )
    assert r.status_code == 422 and "应为数字，实际为“三十九万”" in r.text and 'value="三十九万"' in r.text
    # prose fields (年度总体目标, 实际完成情况, 厉行节约保障措施, 调整原因, 满意度调查说明) in boxes that show it whole
    for path in ("overall.goal", "overall.result", "austerity_measures", "budget.adjustment.reason"):
        assert f'<textarea id="f-{path}" name="f:{path}"' in r.text
    assert '<input type="text" id="f-department.name"' in r.text
    # placed at the form's field, not at a line of the text the form's values were written into (全部数据第10行)
    problems = re.sub(r"<[^>]+>", "", r.text.split('id="problems"')[1].split("</ul>")[0])
    assert "年初预算·合计：" in problems and "全部数据第" not in problems
    with app.state.factory() as db:
        assert db.get(Evaluation, evaluation_id).version == version
    # an amount in 元 in a 万元 field was kept as 12000 万元, ten thousand times the amount meant; then refused;
    # now read as what it says, 1.2 万元, and said beside the field (test_web_amounts)
    r = c.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf, "version": version, "f:budget.initial.total": "12000元"},
    )
    assert r.status_code == 200 and "“12000元”读作 1.2 万元" in r.text


def test_another_years_or_departments_data_is_not_saved_in_this_evaluation(app, tmp_path):
    """Last year's workbook uploaded into this year's evaluation was imported: the 2024 evaluation then held (and
    reported, titled 2023年度) the 2023 figures, counted on the bureau's dashboard as 2024's. Refused by every way of
    changing the data, beside the field, what was typed kept."""
    from jixiao.cli import main

    evaluation_id = new_evaluation(app, "baoan", 2024, "shenzhen-baoan/department/2023")
    c, csrf = client(app, "baoan")
    version = version_of(c.get(f"/evaluations/{evaluation_id}").text)
    workbook = tmp_path / "宝安2023.xlsx"  # the example's 评价年度 is 2023
    assert main(["template", "--from", "examples/baoan-fulian-2023", "--out", str(workbook)]) == 0
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    r = c.post(
        f"/evaluations/{evaluation_id}/upload",
        data={"csrf_token": csrf, "version": version},
        files={"file": ("宝安2023.xlsx", workbook.read_bytes(), xlsx)},
    )
    assert r.status_code == 422 and "未导入" in r.text and "评价年度：填写的是“2023”，本自评是2024年度" in r.text
    r = c.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf, "version": version, "f:department.year": "２０２３", "f:overall.goal": "目标"},
    )
    assert r.status_code == 422 and "本自评是2024年度" in r.text
    assert 'value="２０２３"' in r.text and ">目标</textarea>" in r.text  # what was typed, shown again
    other = "衡山县妇女联合会"  # another department's name
    r = c.post(
        f"/evaluations/{evaluation_id}/form", data={"csrf_token": csrf, "version": version, "f:department.name": other}
    )
    assert r.status_code == 422 and f"部门名称：填写的“{other}”是另一个部门" in r.text
    text = f"部门信息:\n  部门名称: {BAOAN}\n  评价年度: 2023\n"
    r = c.post(f"/evaluations/{evaluation_id}/yaml", data={"csrf_token": csrf, "version": version, "data_yaml": text})
    assert r.status_code == 422 and "全部数据第3行" in r.text and "本自评是2024年度" in r.text
    with app.state.factory() as db:
        assert db.get(Evaluation, evaluation_id).version == version  # nothing saved
    ok = {"csrf_token": csrf, "version": version, "f:department.year": "2024", "f:department.name": BAOAN}
    assert c.post(f"/evaluations/{evaluation_id}/form", data=ok, follow_redirects=False).status_code == 303


def test_review_flow_returned_cannot_be_approved_without_resubmission(app):
    evaluation_id = new_evaluation(app, "baoan", 2022, "shenzhen-baoan/department/2023")
    filler, fcsrf = client(app, "baoan")
    reviewer, rcsrf = client(app, "bureau")

    def version() -> int:
        with app.state.factory() as db:
            return db.get(Evaluation, evaluation_id).version

    data = as_year(Path("examples/baoan-fulian-2023/data.yaml").read_text("utf-8"), 2022)  # a complete one
    filler.post(
        f"/evaluations/{evaluation_id}/yaml", data={"csrf_token": fcsrf, "version": version(), "data_yaml": data}
    )
    assert (
        filler.post(
            f"/evaluations/{evaluation_id}/submit",
            data={"csrf_token": fcsrf, "version": version()},
            follow_redirects=False,
        ).status_code
        == 303
    )
    blocked = filler.post(f"/evaluations/{evaluation_id}/form", data={"csrf_token": fcsrf, "version": version()})
    assert blocked.status_code == 403  # submitted: the department cannot change it
    r = reviewer.post(
        f"/evaluations/{evaluation_id}/return",
        data={"csrf_token": rcsrf, "version": version(), "comment": "请补充季度执行数据"},
    )
    assert r.status_code in (200, 303)
    r = reviewer.post(f"/evaluations/{evaluation_id}/approve", data={"csrf_token": rcsrf, "version": version()})
    assert r.status_code == 409 and "重新提交" in r.text
    filler.post(f"/evaluations/{evaluation_id}/submit", data={"csrf_token": fcsrf, "version": version()})
    reviewer.post(f"/evaluations/{evaluation_id}/approve", data={"csrf_token": rcsrf, "version": version()})
    with app.state.factory() as db:
        assert db.get(Evaluation, evaluation_id).status == "approved"
    log = client(app, "admin")[0].get("/audit").text
    assert "退回修改" in log and "审核通过" in log and "请补充季度执行数据" in log


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/workbook.xml", b"<x/>")
        z.writestr("xl/huge.xml", b"0" * (120 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a zip at all", "与扩展名 .xlsx 不符"),
        (_zip_bomb(), "压缩炸弹"),
    ],
)
def test_uploads_are_checked_before_parsing(app, content, message):
    evaluation_id = new_evaluation(app, "hengshan", 2020, "hunan/department/2023")
    c, csrf = client(app, "hengshan")
    version = version_of(c.get(f"/evaluations/{evaluation_id}").text)
    r = c.post(
        f"/evaluations/{evaluation_id}/upload",
        data={"csrf_token": csrf, "version": version},
        files={"file": ("x.xlsx", content, "application/octet-stream")},
    )
    assert r.status_code == 422 and message in r.text


def test_upload_size_limit(monkeypatch):
    monkeypatch.setattr(uploads, "MAX_UPLOAD", 10)
    assert uploads.check_upload(b"x" * 11, "a.xlsx")[0].code == "upload.too_large"


def test_downloads(app, baoan_id):
    from docx import Document as read_docx

    c, _ = client(app, "baoan")
    r = c.get(f"/evaluations/{baoan_id}/download/docx")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    text = "\n".join(p.text for p in read_docx(io.BytesIO(r.content)).paragraphs)
    assert "自评得分为97.61分" in text
    assert c.get(f"/evaluations/{baoan_id}/download/xlsx").content[:2] == b"PK"


def test_exported_cells_starting_with_formula_signs_are_escaped(app):
    import openpyxl

    evaluation_id = new_evaluation(app, "hengshan", 2019, "hunan/department/2023")
    c, csrf = client(app, "hengshan")
    version = version_of(c.get(f"/evaluations/{evaluation_id}").text)
    c.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf, "version": version, "f:department.authority": '=HYPERLINK("http://x")'},
    )
    r = c.get(f"/evaluations/{evaluation_id}/download/template")
    wb = openpyxl.load_workbook(io.BytesIO(r.content))
    values = [cell.value for row in wb["基本信息"].iter_rows() for cell in row if isinstance(cell.value, str)]
    assert '\'=HYPERLINK("http://x")' in values


def test_bureau_dashboard(app, baoan_id):
    c, _ = client(app, "bureau")
    r = c.get("/bureau?year=2023")
    assert r.status_code == 200 and "深圳市宝安区妇女联合会" in r.text and "97.61" in r.text
    assert "资产管理安全性" in r.text and "<svg" in r.text
    filler, _ = client(app, "baoan")
    assert filler.get("/bureau").status_code == 403


def test_batch_review_job(app):
    from urllib.parse import quote

    seeds = SEED_004.parent
    c, csrf = client(app, "bureau")
    files = [("files", (p.name, p.read_bytes(), "text/plain")) for p in sorted(seeds.glob("*.txt"))]
    files.append(("files", ("扫描件.pdf", b"%PDF-1.4\n" + b"0" * 300, "application/pdf")))  # no PDF behind it
    r = c.post(
        "/bureau/batch",
        data={"csrf_token": csrf, "kind": "reviews", "year": "2023"},
        files=files,
        follow_redirects=False,
    )
    job_id = int(r.headers["location"].rsplit("/", 1)[1])
    page = c.get(f"/jobs/{job_id}")
    assert "已完成" in page.text and "审核汇总.xlsx" in page.text
    # the unreadable file is not counted among the reviewed, and the page says where to see why
    assert "已审核 2 份报告；1 个文件无法读取，原因见下表的“说明”。" in page.text
    assert c.get(f"/jobs/{job_id}/files/审核汇总.xlsx").content[:2] == b"PK"
    # what each report came to, on the page (not only in the workbook to download): the 宝安 seed's department,
    # year, its rulebook by title (not shenzhen-baoan/department/2023), a link to its 审核意见
    table = page.text.split('id="job-summary"')[1].split("</table>")[0]
    assert "深圳市宝安区妇女联合会" in table and "<td>2023</td>" in table
    assert "深圳市宝安区部门整体支出绩效自评指标体系（2023年度）" in table and "shenzhen-baoan" not in table
    assert f'href="/jobs/{job_id}/files/{quote(SEED_004.stem)}_' in table
    traversal = c.get(f"/jobs/{job_id}/files/..%2F..%2Fjixiao.db")
    assert traversal.status_code in (403, 404) and b"SQLite format" not in traversal.content


def test_admin_only_pages(app):
    c, _ = client(app, "baoan")
    assert c.get("/admin").status_code == 403 and c.get("/audit").status_code == 403


def test_the_admin_page_shows_only_its_own_messages_and_keeps_what_was_typed(app):
    """/admin?message=… showed any text a link carried on the administrator's page, in the green of a done action
    (“已重设密码，请把新密码发到…”); an error of the add forms was shown in that green too, the form emptied."""
    from urllib.parse import quote

    c, csrf = client(app, "admin")
    forged = "已重设全部密码，请把新密码发送至 wrong@example.com"
    assert forged not in c.get(f"/admin?message={quote(forged)}").text
    done = c.post("/admin/departments", data={"csrf_token": csrf, "name": "测试部门甲", "region": "广东省深圳市"})
    assert done.status_code == 200 and 'class="msg ok" id="message" role="status">已添加部门' in done.text
    again = c.post(
        "/admin/departments", data={"csrf_token": csrf, "name": "测试部门甲", "region": "广东省深圳市", "code": "A01"}
    )
    assert again.status_code == 422 and 'class="msg err" id="message" role="alert">部门“测试部门甲”已存在' in again.text
    assert 'value="测试部门甲"' in again.text and 'value="A01"' in again.text
    typed = {"csrf_token": csrf, "username": "新用户乙", "display_name": "乙", "password": "short", "role": "filler"}
    short = c.post("/admin/users", data=typed)
    assert short.status_code == 422 and "初始密码少于8位" in short.text
    assert 'value="新用户乙"' in short.text and 'value="乙"' in short.text and 'value="short"' not in short.text


def test_migrated_schema_matches_the_models(app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with app.state.engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert diff == []


def test_real_worker_process_runs_a_queued_job(tmp_path):
    """The task queue outside the web process: `jixiao worker` takes the job from huey's SQLite storage."""
    env = {**os.environ, "JIXIAO_DATA": str(tmp_path)}
    env.pop("JIXIAO_REDIS_URL", None)  # huey's SQLite storage in the data folder
    url = f"sqlite:///{tmp_path / 'jixiao.db'}"
    script = f"""
import os, sys
from pathlib import Path
from jixiao.web.app import create_app
from jixiao.web.db import Job
from jixiao.web.tasks import enqueue_job
app = create_app({url!r})
with app.state.factory() as db:
    folder = Path({str(tmp_path)!r}) / "jobs" / "1"
    (folder / "input").mkdir(parents=True)
    (folder / "input" / "seed.txt").write_text(Path({str(SEED_004)!r}).read_text())
    db.add(Job(kind="reviews", total=1, folder=str(folder)))
    db.commit()
enqueue_job(1, {url!r})
"""
    subprocess.run([sys.executable, "-c", script], env=env, check=True, timeout=120)
    worker = subprocess.Popen(
        [sys.executable, "-m", "jixiao.cli", "worker", "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        from jixiao.web.db import make_engine, session_factory

        factory = session_factory(make_engine(url))

        def done() -> bool:
            with factory() as db:
                return db.get(Job, 1).status == "done"

        assert wait_for(done, 90)
        assert (tmp_path / "jobs" / "1" / "output" / "审核汇总.xlsx").exists()
    finally:
        worker.terminate()
        worker.wait(timeout=10)


def test_list_tables_in_the_page(app):
    evaluation_id = new_evaluation(app, "hengshan", 2018, "hunan/department/2023")
    c, csrf = client(app, "hengshan")
    page = c.get(f"/evaluations/{evaluation_id}")
    version = version_of(page.text)
    form = {
        "csrf_token": csrf,
        "version": version,
        "l:quarterly:0:quarter": "1",
        "l:quarterly:0:time_rate": "93.58%",
        "l:targets:0:level1": "产出指标",
        "l:targets:0:level2": "数量指标",
        "l:targets:0:name": "“两癌”免费筛查人数",
        "l:targets:0:operator": "≥",
        "l:targets:0:target": "5000",
        "l:targets:0:actual": "5792",
        "l:targets:0:weight": "50",
        "l:targets:1:name": "",
    }
    saved = c.post(f"/evaluations/{evaluation_id}/lists", data=form)
    assert saved.status_code == 200 and "已保存" in saved.text
    assert 'value="93.58%"' in saved.text and 'value="“两癌”免费筛查人数"' in saved.text
    with app.state.factory() as db:
        stored = db.get(Evaluation, evaluation_id).data_yaml
    assert "time_rate: 93.58%" in stored and "5792" in stored
    bad = c.post(
        f"/evaluations/{evaluation_id}/lists", data={**form, "version": version + 1, "l:quarterly:0:time_rate": "93.58"}
    )
    assert bad.status_code == 422 and "若指百分数请写成“93.58%”" in bad.text and 'value="93.58"' in bad.text


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_migration_from_the_first_schema_keeps_data(backend, tmp_path):
    """0001 → head on a database with users, a job and a session: the job takes its creator's region, the old
    unhashed sessions are dropped; and back down to 0001 and up again."""
    from sqlalchemy import text

    from jixiao.web.db import make_engine
    from jixiao.web.migrate import downgrade, upgrade

    def run(url: str) -> None:
        engine = make_engine(url)
        upgrade(engine, "0001")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO users (id, username, display_name, password_hash, role, region, active, created_at)"
                    " VALUES (1, 'sz', '', 'x', 'reviewer', '广东省深圳市', true, '2024-01-01')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO jobs (id, kind, status, done, total, folder, message, created_by, created_at)"
                    " VALUES (1, 'reviews', 'done', 0, 0, '', '', 1, '2024-01-01')"
                )
            )
            connection.execute(
                text("INSERT INTO sessions VALUES ('plain-token', 1, 'csrf', '2024-01-01', '2099-01-01')")
            )
        upgrade(engine)
        downgrade(engine, "0001")
        upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT region FROM jobs WHERE id = 1")).scalar() == "广东省深圳市"
            assert connection.execute(text("SELECT count(*) FROM sessions")).scalar() == 0
            assert connection.execute(text("SELECT username FROM users")).scalar() == "sz"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1 if "sqlite" in url else True
        engine.dispose()

    if backend == "sqlite":
        run(f"sqlite:///{tmp_path / 'old.db'}")
        return
    if PG_BIN is None:
        pytest.skip("PostgreSQL is installed by scripts/setup.sh")
    with postgres_server(tmp_path) as url:
        run(url)
