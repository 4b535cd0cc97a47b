"""The year around the self-evaluation in the web app (issue 17): 绩效目标, 运行监控, 复核 and 整改 pages of the
宝安 example, saved through the one write path by the role each part belongs to, their downloads, a bad save
refused with its line and the typed text kept, and the bureau's region view."""

from __future__ import annotations

import io
import os
import re
import warnings
from pathlib import Path

import pytest
import yaml

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from openpyxl import load_workbook  # noqa: E402
from sqlalchemy import select  # noqa: E402

from jixiao.cycle.ruleset import load_ruleset  # noqa: E402
from jixiao.web.app import create_app  # noqa: E402
from jixiao.web.cycle_words import to_english  # noqa: E402
from jixiao.web.db import AuditEntry, CycleVersion, Department, User  # noqa: E402
from jixiao.web.security import hash_password  # noqa: E402

from .web_support import csrf_of, login, version_of  # noqa: E402

PASSWORD = "correct-horse-battery"
BAOAN = Path(__file__).resolve().parents[1] / "examples" / "baoan-fulian-2023"


def example(name: str) -> str:
    return (BAOAN / name).read_text(encoding="utf-8")


def without_approval(text: str) -> str:
    """targets.yaml as the department writes it: everything before the bureau's `approval:` part."""
    return text[: text.index("approval:")]


def rectification_as_raised(text: str) -> str:
    """rectification.yaml as the bureau raises it: every item 未开始, without done date or evidence."""
    lines = []
    for line in text.splitlines():
        if line.strip().startswith(("done_date:", "evidence:")):
            continue
        lines.append(re.sub(r"status: \S+", "status: 未开始", line))
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cycle")
    os.environ["JIXIAO_DATA"] = str(tmp / "data")
    application = create_app(f"sqlite:///{tmp / 'jixiao.db'}")
    with application.state.factory() as db:
        a = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        b = Department(name="衡山县妇女联合会", region="湖南省衡阳市衡山县")
        db.add_all([a, b])
        db.flush()
        hashed = hash_password(PASSWORD)
        db.add_all(
            [
                User(username="admin", password_hash=hashed, role="admin"),
                User(username="baoan", password_hash=hashed, role="filler", department_id=a.id),
                User(username="hengshan", password_hash=hashed, role="filler", department_id=b.id),
                User(username="bureau", password_hash=hashed, role="reviewer", region="广东省深圳市"),
                User(username="hengyang", password_hash=hashed, role="reviewer", region="湖南省衡阳市"),
            ]
        )
        db.commit()
    return application


@pytest.fixture(scope="module")
def clients(app):
    out = {}
    for name in ("baoan", "hengshan", "bureau", "hengyang", "admin"):
        c = TestClient(app)
        out[name] = (c, login(c, name, PASSWORD))
    out["out"] = (TestClient(app), "")
    return out


@pytest.fixture(scope="module")
def evaluation_id(app, clients):
    """The 宝安 evaluation of 2023, its data typed into the text editor: 97.61 分, 优 (as in test_web)."""
    c, csrf = clients["baoan"]
    r = c.post(
        "/evaluations/new",
        data={"year": "2023", "rulebook": "shenzhen-baoan/department/2023", "csrf_token": csrf},
        follow_redirects=False,
    )
    eid = int(re.search(r"/evaluations/(\d+)", r.headers["location"]).group(1))
    page = c.get(f"/evaluations/{eid}")
    r = c.post(
        f"/evaluations/{eid}/yaml",
        data={"csrf_token": csrf, "version": version_of(page.text), "data_yaml": example("data.yaml")},
    )
    assert r.status_code == 200 and "97.61 分 · 优" in r.text
    return eid


def doc_version(html: str) -> int:
    return int(re.search(r'name="doc_version" value="(\d+)"', html).group(1))


def save(clients, who: str, eid: int, kind: str, text: str, version: int | None = None):
    c, csrf = clients[who]
    if version is None:
        version = 0  # no editor shown to anyone yet: the document does not exist
        for reader in (who, "baoan", "bureau"):  # the version of the first page showing the editor
            page = clients[reader][0].get(f"/evaluations/{eid}/{kind}").text
            if 'name="doc_version"' in page:
                version = doc_version(page)
                break
    return c.post(
        f"/evaluations/{eid}/{kind}",
        data={"csrf_token": csrf, "doc_version": str(version), "text": text},
        follow_redirects=False,
    )


def cells(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(
        str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for v in row if v is not None
    )


def test_targets_department_writes_bureau_grades(clients, evaluation_id):
    eid = evaluation_id
    full = example("targets.yaml")
    # the bureau cannot write the department's indicators, nor grade targets that do not exist yet
    assert "该部门尚未填报绩效目标" in clients["bureau"][0].get(f"/evaluations/{eid}/targets").text
    assert save(clients, "bureau", eid, "targets", full).status_code == 403
    # nor can the department write the bureau's grading
    r = save(clients, "baoan", eid, "targets", full)
    assert r.status_code == 403 and "“财政审核”部分" in r.text
    # on the page, with the text as typed (an error page with only 返回首页 lost it)
    typed = r.text.split('id="text"')[1].split("</textarea>")[0]
    assert "宝安区财政局" in typed and "儿童友好基地建设" in typed and "您填写的内容保留在下方" in r.text
    assert save(clients, "baoan", eid, "targets", without_approval(full)).status_code == 303
    page = clients["baoan"][0].get(f"/evaluations/{eid}/targets").text
    # 5 indicators; 区重点工作任务完成数 shown as operator + value + unit
    assert "区重点工作任务完成数" in page and "≥4项" in page and "年度资金总额 2,377.56 万元" in page
    # no findings → 0 errors, 0 warnings → suggested 优 (targets.suggested_grade); not yet graded
    assert "建议审核等级：<b>优</b>" in page and "财政审核等级：尚未审核" in page
    # the bureau adds only the approval part
    assert save(clients, "bureau", eid, "targets", full).status_code == 303
    page = clients["bureau"][0].get(f"/evaluations/{eid}/targets").text
    assert "财政审核等级：<b>优</b>（宝安区财政局）" in page and "已批复" in page
    # two saves, by the department then the bureau, in the page's record
    assert "第2版" in page and "· bureau</li>" in page and "· baoan</li>" in page
    # approved targets are closed to the department
    r = save(clients, "baoan", eid, "targets", full.replace("value: 4,", "value: 5,"))
    assert r.status_code == 403 and "已批复" in r.text
    # the other region's reviewer and the other department cannot even see the page
    assert clients["hengyang"][0].get(f"/evaluations/{eid}/targets").status_code == 403
    assert clients["hengshan"][0].get(f"/evaluations/{eid}/targets").status_code == 403
    out = clients["out"][0].get(f"/evaluations/{eid}/targets", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"].startswith("/login")
    # administrators never change figures
    assert save(clients, "admin", eid, "targets", full).status_code == 403


def test_targets_downloads(clients, evaluation_id):
    eid = evaluation_id
    for who in ("baoan", "bureau", "admin"):
        r = clients[who][0].get(f"/evaluations/{eid}/targets/申报表.xlsx")
        assert r.status_code == 200, who
        assert "区重点工作任务完成数" in cells(r.content) and "2377.56" in cells(r.content)
        d = clients[who][0].get(f"/evaluations/{eid}/targets/申报表.docx")
        assert d.status_code == 200 and d.content[:2] == b"PK"
    for who in ("hengshan", "hengyang"):
        assert clients[who][0].get(f"/evaluations/{eid}/targets/申报表.xlsx").status_code == 403
    r = clients["out"][0].get(f"/evaluations/{eid}/targets/申报表.docx", follow_redirects=False)
    assert r.status_code == 303


def test_bad_yaml_is_refused_with_its_line_and_the_text_kept(app, clients, evaluation_id):
    eid = evaluation_id
    before = doc_version(clients["baoan"][0].get(f"/evaluations/{eid}/monitoring").text)
    good = example("monitoring.yaml")
    # line 7 of monitoring.yaml is "budget: 2500.65 ..."; a word where the amount belongs is refused at that line
    bad = good.replace("budget: 2500.65", "budget: 两千五百万")
    assert bad.splitlines()[6].startswith("budget: 两千五百万")
    r = save(clients, "baoan", eid, "monitoring", bad)
    assert r.status_code == 422
    assert "第7行" in r.text and "未保存" in r.text
    assert "全年预算数: 两千五百万" in r.text  # the typed text is kept in the editor (its keys in Chinese)
    # a YAML syntax error is refused too, with its line
    broken = "year: 2023\npoints: [\n"
    r = save(clients, "baoan", eid, "monitoring", broken)
    assert r.status_code == 422 and "第3行" in r.text and "监控节点: [" in r.text
    # a document of another department or year is refused
    r = save(clients, "baoan", eid, "monitoring", good.replace("year: 2023", "year: 2022"))
    # year is on line 6 of monitoring.yaml
    assert r.status_code == 422 and "年度2022与本页的年度2023不一致" in r.text and "第6行" in r.text
    # nothing was saved
    assert doc_version(clients["baoan"][0].get(f"/evaluations/{eid}/monitoring").text) == before
    with app.state.factory() as db:
        assert not db.scalars(select(CycleVersion).where(CycleVersion.text == bad)).first()


def test_monitoring_warning_deadline_and_answer(app, clients, evaluation_id):
    eid = evaluation_id
    text = example("monitoring.yaml")
    assert save(clients, "bureau", eid, "monitoring", text).status_code == 403  # the department's figures
    assert save(clients, "baoan", eid, "monitoring", text).status_code == 303
    page = clients["bureau"][0].get(f"/evaluations/{eid}/monitoring").text
    # June: 儿童友好基地建设 at 25% against execution 40.37%: |25% − 40.37%| = 15.37% > 10% → a 目标偏差 warning.
    # Deadline: 2023-06-30 (a Friday) + 10 working days = 2023-07-14; answered 2023-07-10 → 已答复.
    assert "15.37%" in page and "目标偏差" in page
    assert "2023年7月14日" in page and "已答复" in page and "继续执行（2023年7月10日）" in page
    # March 23.395% vs the April line does not apply; three points listed
    assert page.count("<td>1-") == 3
    r = clients["baoan"][0].get(f"/evaluations/{eid}/monitoring/监控表.xlsx")
    assert r.status_code == 200 and "15.37%" in cells(r.content)
    assert clients["hengyang"][0].get(f"/evaluations/{eid}/monitoring/监控表.xlsx").status_code == 403
    with app.state.factory() as db:
        entry = db.scalars(select(AuditEntry).where(AuditEntry.target.like("cycle:monitoring:%"))).first()
        assert entry.action == "save" and "运行监控" in entry.detail


def test_recheck_beside_the_self_score(clients, evaluation_id):
    eid = evaluation_id
    text = example("recheck.yaml")
    r = save(clients, "baoan", eid, "recheck", text)
    assert r.status_code == 403 and "复核由财政部门审核人填写" in r.text
    assert save(clients, "hengyang", eid, "recheck", text).status_code == 403
    assert save(clients, "bureau", eid, "recheck", text).status_code == 303
    page = clients["baoan"][0].get(f"/evaluations/{eid}/recheck").text
    # 97.61 + (5.61 − 5.62) + (1 − 1) = 97.60 → shown 97.6, still ≥ 90 → 优
    assert "97.61（优）" in page and "97.6（优）" in page and "<td>-0.01</td>" in page
    assert "预算执行率</td><td>6</td><td>5.62</td>" in page
    assert "自评基本客观" in page
    x = clients["baoan"][0].get(f"/evaluations/{eid}/recheck/复核差异表.xlsx")
    assert x.status_code == 200 and "97.6（优）" in cells(x.content)
    d = clients["bureau"][0].get(f"/evaluations/{eid}/recheck/复核意见.docx")
    assert d.status_code == 200 and d.content[:2] == b"PK"
    assert clients["hengshan"][0].get(f"/evaluations/{eid}/recheck/复核意见.docx").status_code == 403
    assert clients["out"][0].get(f"/evaluations/{eid}/recheck", follow_redirects=False).status_code == 303


def test_rectification_raised_by_bureau_progress_by_department(clients, evaluation_id):
    eid = evaluation_id
    full = example("rectification.yaml")
    raised = rectification_as_raised(full)
    page = clients["baoan"][0].get(f"/evaluations/{eid}/rectification").text
    assert "尚无整改事项" in page and 'name="text"' not in page
    assert save(clients, "baoan", eid, "rectification", raised).status_code == 403  # items are the bureau's
    assert save(clients, "bureau", eid, "rectification", raised).status_code == 303
    # the bureau cannot fill in progress
    r = save(clients, "bureau", eid, "rectification", full)
    assert r.status_code == 403 and "不能代填进度" in r.text
    # nor the department change the measure
    r = save(clients, "baoan", eid, "rectification", full.replace("每年一次开展常规资产清查", "不再清查"))
    assert r.status_code == 403 and "填报人只能填写整改进度" in r.text
    assert save(clients, "baoan", eid, "rectification", full).status_code == 303
    page = clients["bureau"][0].get(f"/evaluations/{eid}/rectification").text
    # item 1 done 2024-03-15, before its deadline 2024-06-30 → 按期完成; item 2 进行中 past 2024-09-30 → 已逾期
    # (today, in Asia/Shanghai, is after 2024-09-30)
    assert re.findall(r'<td class="state">(\S+?)</td>', page) == ["按期完成", "已逾期"]
    r = clients["baoan"][0].get(f"/evaluations/{eid}/rectification/整改台账.xlsx")
    assert r.status_code == 200 and "已逾期" in cells(r.content)


def test_conflicting_save_keeps_the_text(clients, evaluation_id):
    eid = evaluation_id
    page = clients["bureau"][0].get(f"/evaluations/{eid}/recheck").text
    stale = doc_version(page) - 1 if doc_version(page) > 1 else None
    if stale is None:  # make a second version first
        save(clients, "bureau", eid, "recheck", example("recheck.yaml") + "\n")
        stale = doc_version(clients["bureau"][0].get(f"/evaluations/{eid}/recheck").text) - 1
    r = save(clients, "bureau", eid, "recheck", example("recheck.yaml") + "# 我的修改\n", version=stale)
    assert r.status_code == 409 and "# 我的修改" in r.text and f"您是在第{stale}版上修改的" in r.text


def test_bureau_region_view(clients, evaluation_id):
    eid = evaluation_id
    c, csrf = clients["baoan"]
    c.post(
        f"/evaluations/{eid}/submit",
        data={"csrf_token": csrf, "version": version_of(c.get(f"/evaluations/{eid}").text)},
    )
    b, bcsrf = clients["bureau"]
    b.post(
        f"/evaluations/{eid}/approve",
        data={"csrf_token": bcsrf, "version": version_of(b.get(f"/evaluations/{eid}").text), "comment": ""},
    )
    page = b.get("/bureau/cycle?year=2023").text
    assert "深圳市宝安区妇女联合会" in page and "15.37%" in page
    items = re.search(r'<table class="grid" id="items">(.*?)</table>', page, re.S).group(1)
    assert "未及时开展年度资产盘点清查" in items and "按期完成" not in items  # only the open (overdue) item
    # 97.61 → 优 → 优先保障 (national ruleset's result use)
    assert "97.61" in page and "优先保障" in page
    ruleset = load_ruleset("national")  # the ruleset the 宝安 targets name; its source is cited beside the action
    assert ruleset.cite(ruleset.results_source) in page
    x = b.get("/bureau/cycle/结果应用.xlsx?year=2023")
    assert x.status_code == 200 and "优先保障" in cells(x.content) and "97.61" in cells(x.content)
    elsewhere = clients["hengyang"][0].get("/bureau/cycle/结果应用.xlsx?year=2023")
    assert elsewhere.status_code == 200 and "深圳市宝安区妇女联合会" not in cells(elsewhere.content)
    own = clients["baoan"][0].get("/bureau/cycle/结果应用.xlsx?year=2023")  # a department: its own only
    assert own.status_code == 200 and "深圳市宝安区妇女联合会" in cells(own.content)
    other = clients["hengyang"][0].get("/bureau/cycle?year=2023").text
    assert "深圳市宝安区妇女联合会" not in other and "没有运行监控预警" in other
    assert "只列出本部门" in clients["baoan"][0].get("/bureau/cycle").text
    assert "深圳市宝安区妇女联合会" not in clients["hengshan"][0].get("/bureau/cycle?year=2023").text
    assert clients["out"][0].get("/bureau/cycle", follow_redirects=False).status_code == 303


def test_evaluation_page_links_to_the_cycle(clients, evaluation_id):
    page = clients["baoan"][0].get(f"/evaluations/{evaluation_id}").text
    for kind in ("targets", "monitoring", "recheck", "rectification"):
        assert f'href="/evaluations/{evaluation_id}/{kind}"' in page
    assert csrf_of(page)


def test_states_are_counted_by_the_beijing_date(monkeypatch):
    """2024-09-30 17:00 UTC is 2024-10-01 01:00 in Beijing: the 资产清查 item due 2024-09-30 and still 进行中 is
    已逾期 by the Beijing date, though the UTC date is still its deadline."""
    import datetime as real

    from jixiao.cycle.rectify import load_rectification, rectification_status
    from jixiao.web import cycle_service

    class Clock(real.datetime):
        @classmethod
        def now(cls, tz=None):
            moment = real.datetime(2024, 9, 30, 17, 0, tzinfo=real.UTC)
            return moment.astimezone(tz) if tz else moment.replace(tzinfo=None)

    monkeypatch.setattr(cycle_service, "datetime", Clock)
    day = cycle_service.today()
    assert day == real.date(2024, 10, 1)
    item = load_rectification(BAOAN).items[1]
    assert rectification_status(item, day) == "已逾期"
    assert rectification_status(item, real.date(2024, 9, 30)) == "进行中"


def test_every_save_keeps_a_version(app, clients, evaluation_id):
    with app.state.factory() as db:
        from jixiao.web.db import CycleDocument

        for doc in db.scalars(select(CycleDocument)):
            versions = db.scalars(select(CycleVersion).where(CycleVersion.document_id == doc.id)).all()
            assert [v.version for v in versions] == list(range(1, doc.version + 1)), doc.kind
            assert versions[-1].text == doc.text


def test_two_first_saves_at_once_one_conflicts(app, monkeypatch):
    """Two people create the same document at the same time: the unique key lets one in, the other gets the
    conflict (409 page with their text kept), never a server error."""
    from jixiao.web.cycle_service import CycleConflict, write_document

    text = example("recheck.yaml")
    with app.state.factory() as first, app.state.factory() as second:
        reviewer = first.scalar(select(User).where(User.username == "bureau"))
        department = first.scalar(select(Department).where(Department.name == "深圳市宝安区妇女联合会"))
        write_document(first, reviewer, department, 2021, "recheck", text.replace("2024-05-20", "2022-05-20"), 0)
        first.commit()
        reviewer2 = second.get(User, reviewer.id)
        department2 = second.get(Department, department.id)
        # `second` looked before `first` saved: it too believes there is no document (version 0)
        from jixiao.web import cycle_service

        original = cycle_service.document
        calls = []

        def stale(db, dep, year, kind):
            calls.append(1)
            return None if len(calls) == 1 else original(db, dep, year, kind)

        monkeypatch.setattr(cycle_service, "document", stale)
        with pytest.raises(CycleConflict) as caught:
            write_document(second, reviewer2, department2, 2021, "recheck", text, 0)
        assert caught.value.current.version == 1


HENGSHAN_TARGETS = """kind: department
department: 衡山县妇女联合会
year: 2023
budget: {total: 39.78}
overall_goal: 示例
indicators:
  - {level1: 产出指标, level2: 数量指标, name: 妇女职业技能培训期数, operator: ≥, value: 6, unit: 期}
  - {level1: 产出指标, level2: 数量指标, name: “两癌”免费筛查人数, operator: ≥, value: 5500, unit: 例}
  - {level1: 效益指标, level2: 社会效益指标, name: 家庭教育, qualitative: true, value: 有效提升}
"""


def test_evaluation_takes_its_targets_from_the_approved_document(clients):
    """The web counterpart of the CLI's apply_approved_targets: once the bureau approves the department's targets,
    the evaluation's 年度指标值 are those, shown read-only on the evaluation page with where they come from."""
    c, csrf = clients["hengshan"]
    r = c.post(
        "/evaluations/new",
        data={"year": "2023", "rulebook": "hunan/department/2023", "csrf_token": csrf},
        follow_redirects=False,
    )
    eid = int(re.search(r"/evaluations/(\d+)", r.headers["location"]).group(1))
    data = (BAOAN.parent / "hengshan-fulian-2023" / "data.yaml").read_text(encoding="utf-8")
    page = c.get(f"/evaluations/{eid}")
    r = c.post(
        f"/evaluations/{eid}/yaml", data={"csrf_token": csrf, "version": version_of(page.text), "data_yaml": data}
    )
    assert r.status_code == 200
    training = 'name="l:targets:1:target" value="'
    # targets written by the department but not approved yet: nothing is taken over, nothing is read-only
    assert save(clients, "hengshan", eid, "targets", HENGSHAN_TARGETS).status_code == 303
    page = c.get(f"/evaluations/{eid}").text
    assert training + '"' in page and "approved-targets" not in page and "readonly" not in page
    # the region's reviewer approves them
    approved = HENGSHAN_TARGETS + "approval: {grade: 良, reviewer: 衡阳市财政局, approved: 是}\n"
    assert save(clients, "hengyang", eid, "targets", approved).status_code == 303
    page = c.get(f"/evaluations/{eid}").text
    # 妇女职业技能培训期数 (row 2 of data.yaml's targets, no target of its own) now reads ≥ 6 期, read-only
    row = re.search(r'<tr>(?:(?!</tr>).)*name="l:targets:1:target"(?:(?!</tr>).)*</tr>', page, re.S).group(0)
    assert 'value="6" aria-label="绩效指标第2行年度指标值" readonly' in row
    assert 'name="l:targets:1:operator" value="≥"' in row and 'name="l:targets:1:unit" value="期"' in row
    assert "年度指标值取自已批复的绩效目标（2023年度绩效目标第2版，衡阳市财政局审核（良）" in page
    # the data types 两癌 ≥5000 itself against the approved ≥5500: an error naming both values
    assert "“两癌”免费筛查人数”的年度指标值“≥5000”与批复的绩效目标“≥5500”不一致" in page
    # rows the targets do not hold stay the department's to fill
    assert 'name="l:targets:2:target" value="" aria-label="绩效指标第3行年度指标值">' in page


def test_recheck_prefilled_from_the_review_of_the_submitted_report(clients, evaluation_id, tmp_path):
    """The bureau uploads the report the department submitted; its review finds two stated scores its own figures
    contradict; the 复核 editor starts with what it does not hold yet, nothing saved until the reviewer saves."""
    from .test_cycle_recheck import inflated_report

    eid = evaluation_id
    report = inflated_report(tmp_path).read_bytes()
    c = clients["bureau"][0]

    def prefill(who: str, content: bytes = report, name: str = "报送的自评报告.docx"):
        client, token = clients[who]
        return client.post(
            f"/evaluations/{eid}/recheck",
            data={"csrf_token": token, "action": "prefill"},
            files={"review_file": (name, content, "application/octet-stream")},
            follow_redirects=False,
        )

    before = doc_version(c.get(f"/evaluations/{eid}/recheck").text)
    r = prefill("bureau")
    assert r.status_code == 200 and "已按“报送的自评报告.docx”的审核结果预填1项复核建议（尚未保存）" in r.text
    editor = re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', r.text, re.S).group(1)
    import html

    text = to_english("recheck", html.unescape(editor))  # the editor shows the keys in Chinese
    assert "复核指标:" in html.unescape(editor) and "indicator:" not in editor
    # the stored 复核 (预算执行率 5.61, 资产管理安全性 1) is kept; 政府采购执行情况 is added: stated 2, the review's
    # 2 × 99.99% = 1.9998 → 1.99; 预算执行率, already re-scored, is not proposed again
    items = yaml.safe_load(text)["items"]
    assert [(i["indicator"], str(i.get("self_score", "")), str(i["score"])) for i in items] == [
        ("预算执行率", "", "5.61"),
        ("资产管理安全性", "", "1"),
        ("政府采购执行情况", "2", "1.99"),
    ]
    assert items[2]["reason"].startswith("审核发现：“政府采购执行情况”表中得分2分")
    assert doc_version(c.get(f"/evaluations/{eid}/recheck").text) == before  # nothing saved
    # the department cannot, nor a file that is not a report
    assert prefill("baoan").status_code == 403
    # every format `jixiao review` reads is taken (a PDF too), but what it holds must be what its name says
    bad = prefill("bureau", b"not a document", "x.pdf")
    assert bad.status_code == 422 and "与扩展名 .pdf 不符" in bad.text
    assert "文件类型不对" in prefill("bureau", b"MZ\x90\x00", "x.exe").text
    # the reviewer accepts: 97.61 + (2 − 1.99) = 97.62 stated; re-checked 97.62 − 0.01 (预算执行率) − 0.01 = 97.60
    assert save(clients, "bureau", eid, "recheck", text, before).status_code == 303
    page = c.get(f"/evaluations/{eid}/recheck").text
    assert "97.62（优）" in page and "97.6（优）" in page
    compact = re.sub(r">\s+<", "><", page)
    assert "政府采购执行情况</td><td>2</td><td>2</td><td>1.99</td><td>-0.01</td>" in compact


def test_monitoring_workbook_uploaded_by_the_department(clients, evaluation_id):
    """The 运行监控 workbook filled and uploaded: saved as the document through the one write path; a bad cell is
    refused with its sheet and cell, nothing saved."""
    from jixiao.cycle.monitoring import load_monitoring
    from jixiao.cycle.workbook_out import monitoring_workbook

    eid = evaluation_id
    c = clients["baoan"][0]
    version = doc_version(c.get(f"/evaluations/{eid}/monitoring").text)

    def upload(who: str, content: bytes, doc_version_: int):
        client, token = clients[who]
        return client.post(
            f"/evaluations/{eid}/monitoring",
            data={"csrf_token": token, "action": "upload", "doc_version": str(doc_version_)},
            files={"workbook": ("监控.xlsx", content, "application/octet-stream")},
            follow_redirects=False,
        )

    good = monitoring_workbook(load_monitoring(BAOAN))  # the example's three points, as a department fills them
    wb = load_workbook(io.BytesIO(good))
    first = next(r[0].row for r in wb["运行监控"].iter_rows(min_col=1, max_col=1) if r[0].value == "监控节点") + 1
    wb["运行监控"].cell(first + 1, 4, "四成")  # 1-6月 累计执行率 typed in words
    bad = io.BytesIO()
    wb.save(bad)
    r = upload("baoan", bad.getvalue(), version)
    assert r.status_code == 422 and f"监控.xlsx 工作表“运行监控”D{first + 1}" in r.text and "累计执行率" in r.text
    assert doc_version(c.get(f"/evaluations/{eid}/monitoring").text) == version  # nothing saved
    # the bureau may not write monitoring figures, by workbook either
    assert upload("bureau", good, version).status_code == 403
    r = upload("baoan", good, version)
    assert r.status_code == 303
    page = c.get(f"/evaluations/{eid}/monitoring").text
    # the same year as the YAML: June's target gap 25% − 40.37% = 15.37 points, answered 2023-07-10 by 07-14
    assert doc_version(page) == version + 1 and "15.37%" in page and "2023年7月14日" in page
    assert "由工作簿“监控.xlsx”导入" in page


def test_fill_in_templates_from_the_pages(clients, evaluation_id, tmp_path):
    """?template=1 on the download gives the workbook the page's upload reads: with the stored document, or blank
    with the department and year; visible to whoever sees the page."""
    from jixiao.cycle.monitoring import load_monitoring
    from jixiao.cycle.targets import load_targets

    eid = evaluation_id
    c = clients["baoan"][0]
    r = c.get(f"/evaluations/{eid}/monitoring/监控表.xlsx?template=1")
    assert r.status_code == 200
    (tmp_path / "m.xlsx").write_bytes(r.content)
    stored = load_monitoring(tmp_path / "m.xlsx")
    assert (stored.department, stored.year) == ("深圳市宝安区妇女联合会", 2023)
    assert [p.month for p in stored.points] == [3, 6, 9]
    r = clients["bureau"][0].get(f"/evaluations/{eid}/targets/申报表.xlsx?template=1")
    (tmp_path / "t.xlsx").write_bytes(r.content)
    assert len(load_targets(tmp_path / "t.xlsx").indicators) == 5
    assert clients["hengyang"][0].get(f"/evaluations/{eid}/targets/申报表.xlsx?template=1").status_code == 403
    # 衡山's 2023 evaluation has no monitoring yet: a blank template with its name and year, the quarters listed
    h, csrf = clients["hengshan"]
    r = h.post(
        "/evaluations/new",
        data={"year": "2023", "rulebook": "hunan/department/2023", "csrf_token": csrf},
        follow_redirects=False,
    )
    hid = int(re.search(r"/evaluations/(\d+)", r.headers["location"]).group(1))
    blank = load_workbook(io.BytesIO(h.get(f"/evaluations/{hid}/monitoring/监控表.xlsx?template=1").content))
    column_a = [row[0].value for row in blank["运行监控"].iter_rows(max_col=1)]
    values = {row[0].value: row[1].value for row in blank["运行监控"].iter_rows(max_col=2)}
    assert (values["单位名称"], values["年度"]) == ("衡山县妇女联合会", 2023)
    assert column_a[-4:] == ["1-3月", "1-6月", "1-9月", "1-12月"]
    assert "下载填报模板（空白）" in h.get(f"/evaluations/{hid}/monitoring").text


def _editor(page: str) -> str:
    import html

    return html.unescape(re.search(r'<textarea id="text"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def _english_outside_comments(text: str) -> set[str]:
    code = "\n".join(line.split(" #")[0] for line in text.splitlines() if not line.lstrip().startswith("#"))
    return set(re.findall(r"[A-Za-z_]{3,}", code))


@pytest.mark.parametrize("kind", ["targets", "monitoring", "recheck", "rectification"])
def test_cycle_words_turn_the_keys_chinese_and_back_line_by_line(kind):
    """Every key and coded value of the example documents reads Chinese in the editor; back, the same document."""
    from jixiao.files.yamlsrc import parse_yaml_text
    from jixiao.web.cycle_views import SKELETONS
    from jixiao.web.cycle_words import to_chinese

    text = example(f"{kind}.yaml")
    shown = to_chinese(kind, text)
    assert not _english_outside_comments(shown), _english_outside_comments(shown)
    assert len(shown.splitlines()) == len(text.splitlines())  # a problem's line is the editor's line
    assert parse_yaml_text(to_english(kind, shown), "x")[0] == parse_yaml_text(text, "x")[0]
    assert to_english(kind, text) == text  # English keys typed by hand are read as they are
    assert not _english_outside_comments(to_chinese(kind, SKELETONS[kind].format(name="某部门", year=2023)))


def test_cycle_pages_read_chinese_and_pick_files_in_chinese(app, clients, evaluation_id):
    """The editor shows Chinese keys (全周期规则: 全国通用预算绩效全周期规则（推定）) with a legend of them, and the
    file pickers are the page's own Chinese button, not the browser's; a save of the Chinese text is stored with
    the English keys the command line reads."""
    from jixiao.web.cycle_words import to_chinese
    from jixiao.web.db import CycleDocument

    eid = evaluation_id
    c, csrf = clients["baoan"]
    page = c.get(f"/evaluations/{eid}/monitoring").text
    editor = _editor(page)
    assert "全周期规则: 全国通用预算绩效全周期规则（推定）" in editor and "ruleset" not in editor
    assert "监控节点:" in editor and "points" not in editor
    assert 'id="legend"' in page and "<li>累计执行率</li>" in page
    picker = page.split('<span class="file-pick">')[1].split("</span>")[0]
    assert (
        'type="file" id="workbook"' in picker and '<label for="workbook" class="button secondary">选择工作簿' in picker
    )
    assert page.count('type="file"') == page.count('<span class="file-pick">') == 1
    assert 'id="workbook-name" class="muted" aria-live="polite">未选择文件' in page
    typed = to_chinese("monitoring", example("monitoring.yaml")) + "# 中文字段名保存\n"
    assert "累计执行率: 23.395%" in typed
    r = c.post(
        f"/evaluations/{eid}/monitoring",
        data={"csrf_token": csrf, "doc_version": str(doc_version(page)), "text": typed},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text[-800:]
    with app.state.factory() as db:
        stored = db.scalars(
            select(CycleDocument).where(CycleDocument.kind == "monitoring", CycleDocument.year == 2023)
        ).first()
        assert "# 中文字段名保存" in stored.text and "execution_rate: 23.395%" in stored.text
        assert "累计执行率:" not in stored.text and "监控节点:" not in stored.text
    page = c.get(f"/evaluations/{eid}/monitoring").text
    assert "15.37%" in page  # the 1-6月 warning's gap, read from the saved document
    bureau = clients["bureau"][0].get(f"/evaluations/{eid}/recheck").text
    assert bureau.count('<span class="file-pick">') == 1 and 'for="review-file" class="button secondary"' in bureau


def test_approving_targets_rescores_with_the_approved_ones(clients, monkeypatch):
    """The evaluations are scored again with the targets the bureau approves, though the approving request read the
    evaluation (and its targets' version, db.Evaluation.targets_version) before the approval made a new version,
    and the page shown before it kept what the older version held (approved.approved_targets)."""
    from jixiao.web import approved as approved_module

    c, csrf = clients["hengshan"]
    # a year of its own: the module's other tests approve 2023's targets, after which the department cannot save them
    r = c.post(
        "/evaluations/new",
        data={"year": "2022", "rulebook": "hunan/department/2023", "csrf_token": csrf},
        follow_redirects=False,
    )
    eid = int(re.search(r"/evaluations/(\d+)", r.headers["location"]).group(1))
    data = (BAOAN.parent / "hengshan-fulian-2023" / "data.yaml").read_text(encoding="utf-8")
    data = data.replace("  year: 2023\n", "  year: 2022\n", 1)
    targets = HENGSHAN_TARGETS.replace("year: 2023\n", "year: 2022\n", 1)
    page = c.get(f"/evaluations/{eid}")
    c.post(f"/evaluations/{eid}/yaml", data={"csrf_token": csrf, "version": version_of(page.text), "data_yaml": data})
    assert save(clients, "hengshan", eid, "targets", targets).status_code == 303
    c.get(f"/evaluations/{eid}")  # the page of the unapproved version: nothing taken over, and that is kept
    seen = []
    original = approved_module.approved_targets

    def spy(*args, **kwargs):
        found = original(*args, **kwargs)
        seen.append(found)
        return found

    monkeypatch.setattr(approved_module, "approved_targets", spy)
    approved = targets + "approval: {grade: 良, reviewer: 衡阳市财政局, approved: 是}\n"
    assert save(clients, "hengyang", eid, "targets", approved).status_code == 303
    # the rescoring, last in the approving request, took the approved text, not what the unapproved version held
    assert seen and seen[-1] is not None and "approved: 是" in seen[-1].text
