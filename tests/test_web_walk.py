"""What a walk through the pages as each role found: the name typed at sign-in kept after a wrong password, the
submission deadline typed as a date is written (2026年3月31日) and, refused, shown again as typed."""

from __future__ import annotations

import re
import warnings
from datetime import date

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from jixiao.web.db import Deadline  # noqa: E402

from .web_support import BAOAN, PASSWORD, SHENZHEN, add_user, login, web_app  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = web_app(tmp_path_factory.mktemp("walk"))
    add_user(application, "admin", "admin")
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


def test_names_inside_an_archive_are_shown_without_direction_or_control_characters(app, tmp_path):
    """A .zip of reports whose entries are named to mislead: a right-to-left override (U+202E) made 'a', U+202E,
    'xcod.exe.docx' read as 'a…exe.docx' on the job page and in the 审核意见 file's name, and a line break sat in a
    file name on the server. Shown and written without them; each row still links to its 审核意见."""
    import io
    import zipfile
    from pathlib import Path
    from urllib.parse import quote

    from jixiao.web.db import Job
    from jixiao.web.tasks import run_job

    seed = Path(__file__).resolve().parent / "fixtures" / "seeds" / "004_6448f6cab597d7a3.txt"
    add_user(app, "bureau", "reviewer", region=SHENZHEN)
    app.state.enqueue = lambda job_id, url: run_job(job_id, url)
    client = TestClient(app)
    csrf = login(client, "bureau", PASSWORD)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("a\u202excod.exe.txt", seed.read_bytes())
        zipped.writestr("报告\n第二行.txt", seed.read_bytes())
    response = client.post(
        "/bureau/batch",
        data={"csrf_token": csrf, "kind": "reviews"},
        files=[("files", ("宝安区.zip", archive.getvalue(), "application/zip"))],
        follow_redirects=False,
    )
    job_id = int(response.headers["location"].rsplit("/", 1)[1])
    page = client.get(f"/jobs/{job_id}").text
    assert "已完成" in page and "\u202e" not in page
    assert "宝安区.zip/axcod.exe.txt" in page and "宝安区.zip/报告第二行.txt" in page
    with app.state.factory() as db:
        written = sorted(p.name for p in (Path(db.get(Job, job_id).folder) / "output").iterdir())
    assert "宝安区.zip_axcod.exe_审核意见.docx" in written and "宝安区.zip_报告第二行_审核意见.docx" in written
    assert not [name for name in written if not name.isprintable()]
    for name in ("宝安区.zip_axcod.exe_审核意见.docx", "宝安区.zip_报告第二行_审核意见.docx"):
        assert page.count(f'href="/jobs/{job_id}/files/{quote(name)}"') == 2  # the row's link and the list's
        assert client.get(f"/jobs/{job_id}/files/{quote(name)}").content[:2] == b"PK"


def test_a_version_shows_counts_grouped_and_rates_as_percents(app):
    """A version's 基本信息 showed 信访及个案受理数 as 128613 and a rate stored as a fraction as 0.9878: the
    figures as the department's tables print them, 128,613 宗 and 98.78%."""

    from .web_support import EXAMPLE, version_of

    add_user(app, "baoan", "filler", department=BAOAN)
    client = TestClient(app)
    csrf = login(client, "baoan", PASSWORD)
    created = client.post("/evaluations/new", data={"year": "2023", "csrf_token": csrf}, follow_redirects=False)
    page = created.headers["location"].split("?")[0]
    data = (EXAMPLE / "data.yaml").read_text("utf-8").replace("execution_rate: 98.78%", "execution_rate: 0.9878")
    version = version_of(client.get(page).text)
    saved = client.post(f"{page}/yaml", data={"csrf_token": csrf, "version": version, "data_yaml": data})
    assert saved.status_code == 200 and "数据已保存" in saved.text
    shown = client.get(f"{page}/versions/{version + 1}").text
    fields = shown.split('id="version-data"')[0]  # the text below keeps the data as stored
    assert '<td class="num">128,613</td><td>宗</td>' in fields and "128613" not in fields
    assert "<td>预算执行率</td><td>98.78%</td>" in fields and "0.9878" not in fields


def test_an_error_page_leads_back_to_the_page_the_user_came_from(app):
    """An indicator's link that finds nothing, a form refused: the error page offered 返回首页 only, the user's page
    (the evaluation, the form) to be found again from the start. Now also 返回上一页 to it; never to another site."""
    client = TestClient(app)
    login(client, "admin", PASSWORD)
    came = "http://testserver/evaluations/1?saved=form"
    page = client.get("/evaluations/1/indicator/no_such_indicator", headers={"referer": came})
    assert (
        page.status_code in (403, 404) and '<a href="/evaluations/1?saved=form" id="back">返回上一页</a>' in page.text
    )
    other = client.get("/evaluations/1/indicator/no_such_indicator", headers={"referer": "https://evil.example/x"})
    assert 'id="back"' not in other.text and "evil.example" not in other.text


def test_a_wrong_workbook_is_told_in_the_pages_words(app):
    """A blank workbook was told to use 'jixiao template' (a command the department officer has never seen), a
    damaged one showed the reader's exception name (BadZipFile): the page's own download and plain words instead."""
    import io

    from openpyxl import Workbook

    add_user(app, "futian", "filler", department=("深圳市福田区妇女联合会", "广东省深圳市福田区"))
    client = TestClient(app)
    csrf = login(client, "futian", PASSWORD)
    data = {"year": "2023", "rulebook": "shenzhen-baoan/department/2023", "csrf_token": csrf}
    page = client.post("/evaluations/new", data=data, follow_redirects=False).headers["location"].split("?")[0]
    blank = io.BytesIO()
    Workbook().save(blank)
    for name, content, said in (
        ("空白.xlsx", blank.getvalue(), "请使用本系统的填报模板（在自评页面点击“填报模板（含当前数据）”下载）"),
        ("伪装.xlsx", b"PK\x03\x04" + b"0" * 100, "文件已损坏，无法作为 .xlsx/.docx 打开。"),
    ):
        version = re.search(r'name="version" value="(\d+)"', client.get(page).text).group(1)
        response = client.post(
            f"{page}/upload",
            data={"csrf_token": csrf, "version": version},
            files={"file": (name, content, "application/octet-stream")},
        )
        problems = re.sub(r"<[^>]+>", "", response.text.split('id="problems"')[1].split("</ul>")[0])
        assert response.status_code == 422 and said in problems, problems
        assert "jixiao" not in problems and not re.search(r"（[A-Z][A-Za-z]+）", problems)
    # a file's name is not taken for a path of the data (“report.docx” was shown as “report·docx”)
    version = re.search(r'name="version" value="(\d+)"', client.get(page).text).group(1)
    response = client.post(
        f"{page}/upload",
        data={"csrf_token": csrf, "version": version},
        files={"file": ("report.docx", b"PK\x03\x04", "application/octet-stream")},
    )
    assert response.status_code == 422 and "实际为“report.docx”" in response.text


def test_a_batch_of_workbooks_is_told_in_the_pages_words(app):
    """The bureau's batch import: the job page showed the readers' messages as the command line says them
    ('请使用 jixiao template 生成的填报模板', '（BadZipFile）')."""
    import io

    from openpyxl import Workbook

    from jixiao.web.tasks import run_job

    add_user(app, "bureau", "reviewer", region=SHENZHEN)
    app.state.enqueue = lambda job_id, url: run_job(job_id, url)
    client = TestClient(app)
    csrf = login(client, "bureau", PASSWORD)
    blank = io.BytesIO()
    Workbook().save(blank)
    files = [
        ("files", ("空白.xlsx", blank.getvalue(), "application/octet-stream")),
        ("files", ("伪装.xlsx", b"PK\x03\x04" + b"0" * 100, "application/octet-stream")),
    ]
    job = client.post("/bureau/batch", data={"csrf_token": csrf, "kind": "workbooks"}, files=files)
    page = re.sub(r"<[^>]+>", " ", job.text.split('<main id="main">')[1])
    assert "已完成" in page and "填报模板（含当前数据）" in page and "文件已损坏" in page
    assert "jixiao" not in page and "BadZipFile" not in page


def test_a_submitted_evaluation_says_why_it_cannot_be_changed(app):
    """Returned, corrected and submitted again, the department's page showed the old 退回意见 as '审核意见' (as if
    the bureau had just said it) and no form nor word of why: now 上次退回意见, and what to do to change it."""
    from jixiao.web.db import Evaluation

    from .web_support import EXAMPLE

    add_user(app, "resubmit", "filler", department=("深圳市宝安区妇女联合会（退回测试）", "广东省深圳市宝安区"))
    add_user(app, "bureau", "reviewer", region=SHENZHEN)
    filler, reviewer = TestClient(app), TestClient(app)
    csrf = login(filler, "resubmit", PASSWORD)
    data = {"year": "2023", "rulebook": "shenzhen-baoan/department/2023", "csrf_token": csrf}
    page = filler.post("/evaluations/new", data=data, follow_redirects=False).headers["location"].split("?")[0]
    with app.state.factory() as db:
        evaluation = db.get(Evaluation, int(page.rsplit("/", 1)[1]))
        evaluation.data_yaml = (
            (EXAMPLE / "data.yaml").read_text("utf-8").replace("深圳市宝安区妇女联合会", evaluation.department.name, 1)
        )
        db.commit()

    def act(client, token, action, **fields):
        version = re.search(r'name="version" value="(\d+)"', client.get(page).text).group(1)
        done = client.post(f"{page}/{action}", data={"csrf_token": token, "version": version, **fields})
        assert "?done=" in str(done.url), (action, str(done.url))

    act(filler, csrf, "submit", confirm="1")
    act(reviewer, login(reviewer, "bureau", PASSWORD), "return", comment="请核对预算执行率")
    assert "退回意见：请核对预算执行率" in filler.get(page).text
    act(filler, csrf, "submit", confirm="1")
    shown = filler.get(page).text
    assert "上次退回意见：请核对预算执行率" in shown and ">审核意见：" not in shown
    assert "已提交审核，审核期间不能修改。如需修改，请联系财政局审核人退回" in shown


def test_the_audit_log_names_the_bureaus_workbooks_in_words(app):
    """A download of the 全周期看板's workbook was logged as '全周期文档 #monitor:2023' (the code of its address)."""
    add_user(app, "bureau", "reviewer", region=SHENZHEN)
    reviewer = TestClient(app)
    login(reviewer, "bureau", PASSWORD)
    for step in ("monitor", "rectify"):
        assert reviewer.get(f"/bureau/cycle/汇总.xlsx?step={step}&year=2023").status_code == 200
    admin = TestClient(app)
    login(admin, "admin", PASSWORD)
    log = re.sub(r"<[^>]+>", " ", admin.get("/audit").text)
    assert "2023年度运行监控汇总" in log and "2023年度整改台账汇总" in log
    assert "#monitor" not in log and "#rectify" not in log
