"""What a department officer and a bureau reviewer expect (issue 14): the rulebook chosen from the department's
region (with the reason) and changeable, conflicts shown field by field, accounts (forced password change, reset,
disable, last sign-in), a dashboard with every department and its state, 批注 seen when returned, Chinese and
Beijing time everywhere."""

from __future__ import annotations

import io
import os
import re
import warnings
from datetime import datetime
from pathlib import Path

import pytest

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from jixiao.web.app import create_app  # noqa: E402
from jixiao.web.db import AuditEntry, Department, Evaluation, User  # noqa: E402
from jixiao.web.rulebook_choice import default_rulebook  # noqa: E402
from jixiao.web.security import hash_password  # noqa: E402
from jixiao.web.timefmt import local_time  # noqa: E402

from .web_support import as_year, csrf_of, example_workbook, login, version_of  # noqa: E402

PASSWORD = "users-password-1"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("users")
    os.environ["JIXIAO_DATA"] = str(tmp / "data")
    application = create_app(f"sqlite:///{tmp / 'jixiao.db'}", enqueue=lambda *a: None)
    with application.state.factory() as db:
        baoan = Department(name="深圳市宝安区妇女联合会", region="广东省深圳市宝安区")
        futian = Department(name="深圳市福田区妇女联合会", region="广东省深圳市福田区")
        hengshan = Department(name="衡山县妇女联合会", region="湖南省衡阳市衡山县")
        db.add_all([baoan, futian, hengshan])
        db.flush()
        for name, role, extra in (
            ("admin", "admin", {}),
            ("baoan", "filler", {"department_id": baoan.id}),
            ("baoan2", "filler", {"department_id": baoan.id}),
            ("hengshan", "filler", {"department_id": hengshan.id}),
            ("shenzhen", "reviewer", {"region": "广东省深圳市", "display_name": "深圳市财政局"}),
        ):
            db.add(User(username=name, password_hash=hash_password(PASSWORD), role=role, **extra))
        db.commit()
    return application


def client(app, username: str) -> tuple[TestClient, str]:
    c = TestClient(app)
    return c, login(c, username, PASSWORD)


def new_evaluation(app, username: str, year: int, rulebook: str = "") -> int:
    c, csrf = client(app, username)
    r = c.post(
        "/evaluations/new", data={"year": str(year), "rulebook": rulebook, "csrf_token": csrf}, follow_redirects=False
    )
    return int(re.search(r"/evaluations/(\d+)", r.headers["location"]).group(1))


def test_rulebook_defaults_from_region_and_year():
    assert default_rulebook("湖南省衡阳市衡山县", 2023)[0] == "hunan/department/2023"
    rulebook, why = default_rulebook("广东省深圳市宝安区", 2024)
    assert rulebook == "shenzhen-baoan/department/2023" and "尚无2024年度的指标体系，沿用2023年度" in why
    # 福田 is in 深圳 but the only 深圳 rulebook is 宝安's: no match, and the user is asked to choose
    assert default_rulebook("广东省深圳市福田区", 2023) == (
        None,
        "没有适用于“广东省深圳市福田区”的部门整体指标体系，请手动选择；如本地另有指标体系，请管理员添加。",
    )


def test_new_evaluation_takes_the_default_and_the_filler_can_change_it(app):
    evaluation_id = new_evaluation(app, "hengshan", 2023)
    c, csrf = client(app, "hengshan")
    page = c.get(f"/evaluations/{evaluation_id}")
    assert "湖南省部门整体支出绩效自评指标体系（2023年度）" in page.text
    assert "按部门所在地区“湖南省衡阳市衡山县”匹配到“湖南省”的2023年度指标体系" in page.text
    r = c.post(
        f"/evaluations/{evaluation_id}/rulebook",
        data={"csrf_token": csrf, "version": version_of(page.text), "rulebook": "shenzhen-baoan/department/2023"},
    )
    assert r.status_code == 200 and "指标体系已更换，已按新指标体系重新评分" in r.text
    assert "按部门地区建议使用“湖南省部门整体支出绩效自评指标体系（2023年度）”" in r.text
    with app.state.factory() as db:
        assert db.get(Evaluation, evaluation_id).rulebook_id == "shenzhen-baoan/department/2023"
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "rulebook"))
        assert entry.via == "rulebook" and entry.source == "shenzhen-baoan/department/2023"


def test_conflict_shows_the_other_persons_fields(app):
    evaluation_id = new_evaluation(app, "baoan", 2022)
    first, csrf1 = client(app, "baoan")
    second, csrf2 = client(app, "baoan2")
    version = version_of(first.get(f"/evaluations/{evaluation_id}").text)
    saved = first.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf1, "version": version, "f:budget.initial.total": "39.78"},
    )
    assert saved.status_code == 200
    late = second.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf2, "version": version, "f:budget.initial.total": "40.12"},
    )
    assert late.status_code == 409
    table = late.text.split('id="conflict"')[1].split("</table>")[0]
    # one row: the field the other person changed, empty before, 39.78 theirs, 40.12 mine, with both choices
    assert table.count("<tr><td>") == 1 and "39.78" in table and "40.12" in table and "采用对方的值" in table
    assert 'data-take="f-budget.initial.total" data-value="39.78"' in table
    with app.state.factory() as db:
        assert "39.78" in db.get(Evaluation, evaluation_id).data_yaml  # nothing overwritten unseen


def test_accounts_forced_change_reset_disable_last_sign_in(app):
    admin, csrf = client(app, "admin")
    r = admin.post(
        "/admin/users",
        data={
            "csrf_token": csrf,
            "username": "zhang",
            "password": "first-password",
            "role": "reviewer",
            "region": "广东省深圳市",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    zhang = TestClient(app)
    page = zhang.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text).group(1)
    r = zhang.post(
        "/login", data={"username": "zhang", "password": "first-password", "login_token": token}, follow_redirects=False
    )
    assert r.headers["location"] == "/account?must=1"
    assert zhang.get("/bureau", follow_redirects=False).headers["location"] == "/account?must=1"  # nothing else first
    account = zhang.get("/account?must=1")
    assert "请先修改密码" in account.text
    csrf_z = csrf_of(account.text)
    bad = zhang.post(
        "/account/password", data={"csrf_token": csrf_z, "current": "first-password", "new": "short", "again": "short"}
    )
    assert bad.status_code == 422 and "新密码至少8位" in bad.text
    ok = zhang.post(
        "/account/password",
        data={"csrf_token": csrf_z, "current": "first-password", "new": "second-password", "again": "second-password"},
    )
    assert ok.status_code == 200 and "密码已修改" in ok.text
    assert zhang.get("/bureau").status_code == 200
    # the administrator sees the last sign-in, resets the password (shown once, forced change), disables the account
    with app.state.factory() as db:
        user = db.scalar(select(User).where(User.username == "zhang"))
        user_id, last = user.id, user.last_login_at
    page = admin.get("/admin").text
    assert local_time(last) in page
    reset = admin.post(f"/admin/users/{user_id}/reset", data={"csrf_token": csrf})
    new_password = re.search(r'id="new-password">([^<]+)<', reset.text).group(1)
    assert zhang.get("/bureau", follow_redirects=False).headers["location"].startswith("/login")  # signed out
    assert login(TestClient(app), "zhang", new_password)  # and forced to change again
    admin.post(f"/admin/users/{user_id}/disable", data={"csrf_token": csrf})
    c = TestClient(app)
    token = re.search(r'name="login_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": "zhang", "password": new_password, "login_token": token})
    assert r.status_code == 401
    admin.post(f"/admin/users/{user_id}/enable", data={"csrf_token": csrf})
    with app.state.factory() as db:
        assert db.get(User, user_id).active and db.get(User, user_id).must_change_password


def test_dashboard_lists_every_department_with_its_state(app):
    evaluation_id = new_evaluation(app, "baoan", 2021, "shenzhen-baoan/department/2023")
    admin, csrf = client(app, "admin")
    admin.post("/admin/deadline", data={"csrf_token": csrf, "year": "2021", "due": "2099-12-31"})
    reviewer, _ = client(app, "shenzhen")
    page = reviewer.get("/bureau?year=2021").text
    # 宝安 has a draft, 福田 has not started; 衡山 (湖南) is not in 深圳's region
    assert "深圳市宝安区妇女联合会" in page and "深圳市福田区妇女联合会" in page and "衡山县" not in page
    assert "共 2 个部门：未开始 1　草稿 1　已提交 0　已退回 0　已通过 0" in page
    assert "尚未提交的部门（2个）" in page and "提交截止日期：2099年12月31日，剩余" in page
    assert "深圳市福田区妇女联合会：未开始，距截止还有" in page
    only = reviewer.get("/bureau?year=2021&status=not_started").text.split('id="ranking"')[1].split("</table>")[0]
    assert "福田" in only and "宝安" not in only
    export = reviewer.get("/bureau/export?year=2021")
    from openpyxl import load_workbook

    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("部门", "状态", "总分", "等级", "2020年度总分")
    assert sorted(r[:2] for r in rows[1:]) == [("深圳市宝安区妇女联合会", "草稿"), ("深圳市福田区妇女联合会", "未开始")]
    assert evaluation_id


def test_comments_are_seen_by_the_department_once_returned(app):
    evaluation_id, _, _ = filled(app, "baoan", 2020)  # complete: only a complete evaluation may be submitted
    filler, fcsrf = client(app, "baoan")
    reviewer, rcsrf = client(app, "shenzhen")

    def version() -> int:
        with app.state.factory() as db:
            return db.get(Evaluation, evaluation_id).version

    filler.post(f"/evaluations/{evaluation_id}/narrative", data={"csrf_token": fcsrf, "version": version()})
    filler.post(f"/evaluations/{evaluation_id}/submit", data={"csrf_token": fcsrf, "version": version()})
    page = reviewer.get(f"/evaluations/{evaluation_id}").text
    assert 'id="narrative-view"' in page  # the reviewer reads the narrative on the page
    anchor = re.search(r'<option value="(indicator:[^"]+)">指标：预算执行率</option>', page).group(1)
    r = reviewer.post(
        f"/evaluations/{evaluation_id}/comments",
        data={"csrf_token": rcsrf, "anchor": anchor, "text": "季度执行率请补充说明"},
    )
    assert r.status_code == 200 and "批注已保存" in r.text
    # a 批注 over the limit: the page again with what was typed in its box (an error page with 返回首页 lost it)
    long = "第二季度执行率偏低的原因" * 500
    r = reviewer.post(
        f"/evaluations/{evaluation_id}/comments", data={"csrf_token": rcsrf, "anchor": anchor, "text": long}
    )
    assert r.status_code == 422 and "批注未保存：批注内容不能为空，且至多5000字" in r.text
    assert r.text.split('id="comment-text"')[1].split("</textarea>")[0].endswith(long)
    assert "季度执行率请补充说明" not in filler.get(f"/evaluations/{evaluation_id}").text  # still under review
    reviewer.post(
        f"/evaluations/{evaluation_id}/return", data={"csrf_token": rcsrf, "version": version(), "comment": "见批注"}
    )
    seen = filler.get(f"/evaluations/{evaluation_id}").text
    assert "季度执行率请补充说明" in seen and "指标：预算执行率" in seen
    comment_id = re.search(r'name="parent" value="(\d+)"', seen).group(1)
    filler.post(
        f"/evaluations/{evaluation_id}/comments",
        data={"csrf_token": fcsrf, "parent": comment_id, "text": "已补充第二季度说明"},
    )
    assert "已补充第二季度说明" in reviewer.get(f"/evaluations/{evaluation_id}").text


def test_chinese_everywhere_and_beijing_time(app):
    c, csrf = client(app, "admin")
    log = c.get("/audit").text
    assert "<td>login</td>" not in log and "<td>登录</td>" in log and "（北京时间）" in log
    r = c.post("/admin/departments", data={"csrf_token": csrf, "name": ""})
    assert r.status_code == 422 and r.headers["content-type"].startswith("text/html") and "部门名称必填" in r.text
    r = TestClient(app).post("/login", data={})
    assert r.status_code == 422 and "“用户名”" in r.text and '"detail"' not in r.text
    # UTC 16:30 is 00:30 the next day in Beijing; a date as the documents write it, not 2024-01-02
    assert local_time(datetime(2024, 1, 1, 16, 30)) == "2024年1月2日 00:30"
    assert local_time(datetime(2024, 1, 1, 16, 30, 5), seconds=True) == "2024年1月2日 00:30:05"
    assert re.search(r"<td[^>]*>20\d\d年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d</td>", log)
    shown = re.sub(r'value="[^"]*"', "", log + c.get("/admin").text + c.get("/evaluations").text)  # not the tokens
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown)


def test_narrative_conflict_shows_both_texts(app):
    evaluation_id = new_evaluation(app, "baoan", 2019, "shenzhen-baoan/department/2023")
    first, csrf1 = client(app, "baoan")
    second, csrf2 = client(app, "baoan2")
    version = version_of(first.get(f"/evaluations/{evaluation_id}").text)
    first.post(
        f"/evaluations/{evaluation_id}/narrative",
        data={"csrf_token": csrf1, "version": version, "n:problems": "甲写的问题"},
    )
    late = second.post(
        f"/evaluations/{evaluation_id}/narrative",
        data={"csrf_token": csrf2, "version": version, "n:problems": "乙写的问题"},
    )
    assert late.status_code == 409
    table = late.text.split('id="conflict"')[1].split("</table>")[0]
    assert table.count("<tr><td>") == 1 and "报告文字：" in table
    assert 'data-take="n-problems" data-value="甲写的问题"' in table and 'data-value="乙写的问题"' in table
    assert ">乙写的问题</textarea>" in late.text  # what the second person typed is kept in the box


def test_administrator_sets_a_reviewers_region(app):
    with app.state.factory() as db:
        db.add(User(username="blind", password_hash=hash_password(PASSWORD), role="reviewer", region=""))
        db.commit()
        blind_id = db.scalar(select(User.id).where(User.username == "blind"))
    reviewer, _ = client(app, "blind")
    assert "尚未设置辖区" in reviewer.get("/bureau?year=2023").text
    admin, csrf = client(app, "admin")
    r = admin.post(f"/admin/users/{blind_id}/region", data={"csrf_token": csrf, "region": "湖南省"})
    assert r.status_code == 200 and "已将 blind 的辖区设为“湖南省”" in r.text
    page = reviewer.get("/bureau?year=2023").text
    assert "尚未设置辖区" not in page and "衡山县妇女联合会" in page and "深圳市宝安区妇女联合会" not in page


def test_table_conflict_is_shown_row_by_row_and_untouched_rows_take_theirs(app):
    """Both started from version v with two quarters. 甲 changes Q1's rate and adds Q3; 乙 (late) changes Q1's rate
    too and Q2's: Q1 is a conflict (乙's value stays, both choices offered), Q3 was not touched by 乙, so 甲's row is
    put into 乙's form; Q2 is 乙's own change (甲 did not touch it): not listed."""
    evaluation_id = new_evaluation(app, "baoan", 2018, "shenzhen-baoan/department/2023")
    first, csrf1 = client(app, "baoan")
    second, csrf2 = client(app, "baoan2")
    base = {"l:quarterly:0:quarter": "1", "l:quarterly:0:time_rate": "90%", "l:quarterly:1:quarter": "2"}
    version = version_of(first.get(f"/evaluations/{evaluation_id}").text)
    first.post(f"/evaluations/{evaluation_id}/lists", data={"csrf_token": csrf1, "version": version, **base})
    version += 1
    first.post(
        f"/evaluations/{evaluation_id}/lists",
        data={
            "csrf_token": csrf1,
            "version": version,
            **base,
            "l:quarterly:0:time_rate": "93.58%",
            "l:quarterly:2:quarter": "3",
            "l:quarterly:2:time_rate": "99.87%",
        },
    )
    late = second.post(
        f"/evaluations/{evaluation_id}/lists",
        data={
            "csrf_token": csrf2,
            "version": version,
            **base,
            "l:quarterly:0:time_rate": "95%",
            "l:quarterly:1:time_rate": "80.74%",
        },
    )
    assert late.status_code == 409
    table = late.text.split('id="conflict"')[1].split("</table>")[0]
    rows = table.split("<tr")[2:]
    assert len(rows) == 2, rows
    assert "季度执行 第1行" in rows[0] and "序时执行率：93.58%" in rows[0] and "序时执行率：95%" in rows[0]
    assert "双方都改动了" in rows[0] and 'data-take="l:quarterly:0"' in rows[0]
    assert "季度执行 第3行" in rows[1] and "（无此行）" in rows[1] and "您未改动此项" in rows[1]
    assert 'name="l:quarterly:0:time_rate" value="95%"' in late.text  # 乙's value kept in the conflicting row
    assert 'name="l:quarterly:1:time_rate" value="80.74%"' in late.text  # 乙's own change kept
    assert 'name="l:quarterly:2:time_rate" value="99.87%"' in late.text  # 甲's new row taken in
    with app.state.factory() as db:
        stored = db.get(Evaluation, evaluation_id).data_yaml
    assert "93.58%" in stored and "99.87%" in stored and "95%" not in stored  # nothing overwritten unseen


def test_reviewer_reads_the_reports_tables_charts_and_attachments(app, tmp_path):
    """The reviewer's page shows what the report prints: 表1, 图1 and 图2, and 附件1/附件2 with the official units
    (经费 in 万元, two places; 宝安's example: 本年预算数 8.00, 本年决算数 4.16 of “三公”经费)."""

    evaluation_id = new_evaluation(app, "baoan", 2017, "shenzhen-baoan/department/2023")
    workbook = example_workbook(tmp_path, 2017)
    filler, fcsrf = client(app, "baoan")
    version = version_of(filler.get(f"/evaluations/{evaluation_id}").text)
    filler.post(
        f"/evaluations/{evaluation_id}/upload",
        data={"csrf_token": fcsrf, "version": version},
        files={"file": ("宝安.xlsx", workbook.read_bytes(), "application/octet-stream")},
    )
    assert "report-view" not in filler.get(f"/evaluations/{evaluation_id}").text  # the filler's draft: the forms
    filler.post(f"/evaluations/{evaluation_id}/submit", data={"csrf_token": fcsrf, "version": version + 1})
    reviewer, _ = client(app, "shenzhen")
    page = reviewer.get(f"/evaluations/{evaluation_id}").text
    view = page.split('id="report-view"')[1]
    for title in ("表 1：自评得分一览表", "图1：季度序时执行率", "图2：各一级指标得分率", "附件1：", "附件2："):
        assert title in view, title
    attachment = view.split('id="attachment-1"')[1].split("</table>")[0]
    assert "经费控制情况（万元）" in attachment and '<td class="right">8.00</td>' in attachment
    assert '<td class="right">4.16</td>' in attachment and "style=" not in view  # nothing the CSP would block


def test_wrong_method_bad_input_and_signing_out_are_said_in_chinese(app):
    c, csrf = client(app, "baoan")
    wrong = c.get("/logout")  # a form's address opened as a page
    assert wrong.status_code == 405 and "该地址不支持这种请求方式" in wrong.text and '"detail"' not in wrong.text
    missing = c.post("/evaluations/new", data={"csrf_token": csrf})
    assert missing.status_code == 422 and "评价年度" in missing.text and "year" not in missing.text.split("<main")[1]
    out = c.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 200 and "您已退出登录" in out.text


def test_text_editor_conflict_shows_the_other_persons_lines(app):
    """The text editor replaces the whole data, so after a conflict it lists, line by line, what the other person
    changed since the user's version; the user's text stays in the box and nothing is saved."""
    evaluation_id = new_evaluation(app, "baoan", 2016, "shenzhen-baoan/department/2023")
    first, csrf1 = client(app, "baoan")
    second, csrf2 = client(app, "baoan2")
    page = second.get(f"/evaluations/{evaluation_id}").text
    version = version_of(page)
    text = re.search(r'<textarea class="code" id="data-yaml" name="data_yaml">([^<]*)</textarea>', page).group(1)
    first.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf1, "version": version, "f:budget.initial.total": "39.78"},
    )
    mine = text.replace("&#39;", "'").replace("&quot;", '"') + "austerity_measures: 乙写的措施\n"
    late = second.post(
        f"/evaluations/{evaluation_id}/yaml", data={"csrf_token": csrf2, "version": version, "data_yaml": mine}
    )
    assert late.status_code == 409
    changes = late.text.split('id="text-changes"')[1].split("</pre>")[0]
    assert '<span class="ins">＋ ' in changes and "39.78" in changes and "乙写的措施" not in changes
    assert (
        "乙写的措施" in late.text.split('id="data-yaml"')[1].split("</textarea>")[0] and "<details open>" in late.text
    )
    with app.state.factory() as db:
        assert "乙写的措施" not in db.get(Evaluation, evaluation_id).data_yaml


def test_workbook_upload_conflict_shows_the_other_persons_lines(app, tmp_path):
    """A workbook replaces all the data too: uploaded from an older version it is not imported, and the page lists
    what the other person changed and says how to go on."""

    evaluation_id = new_evaluation(app, "baoan", 2015, "shenzhen-baoan/department/2023")
    workbook = example_workbook(tmp_path, 2015)
    first, csrf1 = client(app, "baoan")
    second, csrf2 = client(app, "baoan2")
    version = version_of(second.get(f"/evaluations/{evaluation_id}").text)
    first.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf1, "version": version, "f:austerity_measures": "甲写的措施"},
    )
    late = second.post(
        f"/evaluations/{evaluation_id}/upload",
        data={"csrf_token": csrf2, "version": version},
        files={"file": ("宝安.xlsx", workbook.read_bytes(), "application/octet-stream")},
    )
    assert late.status_code == 409 and "您上传的工作簿未导入" in late.text
    assert "甲写的措施" in late.text.split('id="text-changes"')[1].split("</pre>")[0]
    with app.state.factory() as db:
        stored = db.get(Evaluation, evaluation_id).data_yaml
    assert "甲写的措施" in stored and "2377.56" not in stored  # the workbook was not imported over it


BAOAN_DATA = (Path(__file__).resolve().parents[1] / "examples" / "baoan-fulian-2023" / "data.yaml").read_text("utf-8")


def filled(app, username: str, year: int, data_yaml: str = BAOAN_DATA) -> tuple[int, TestClient, str]:
    """A new 宝安 evaluation of `year` with the example's data typed into the text editor (97.61 分)."""
    evaluation_id = new_evaluation(app, username, year, "shenzhen-baoan/department/2023")
    c, csrf = client(app, username)
    version = version_of(c.get(f"/evaluations/{evaluation_id}").text)
    data = {"csrf_token": csrf, "version": version, "data_yaml": as_year(data_yaml, year)}
    r = c.post(f"/evaluations/{evaluation_id}/yaml", data=data)
    assert r.status_code == 200, r.text[-500:]
    return evaluation_id, c, csrf


def _fact_row(page: str, key: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split(f'<tr id="fact-{key}">')[1].split("</tr>")[0]))


def test_qualitative_facts_are_answered_in_the_form_and_rescored(app):
    """Each fact by its rulebook question, a select of the answers it allows and a labelled evidence box; saved
    through service.write (a version, an audit entry), re-scored, the deduction shown beside the answer."""
    evaluation_id, c, csrf = filled(app, "baoan", 2016)
    page = c.get(f"/evaluations/{evaluation_id}").text
    # the example answers 否 to 资产清查: the checklist of 资产管理安全性 deducts 1 (rulebook line 150)
    row = _fact_row(page, "asset_inventory_done")
    assert "本年度是否开展了资产清查（盘点）？" in row and "资产管理安全性" in row and "扣1分" in row
    assert '<label for="f-facts.asset_inventory_done.answer">' in page
    assert 'aria-label="本年度是否开展了资产清查（盘点）？的依据或说明"' in page
    social = page.split('id="f-facts.social_benefit.answer"')[1].split("</select>")[0]
    assert "达成" in social and "部分达成" in social and ">是<" not in social  # the answers the rulebook declares
    r = c.post(
        f"/evaluations/{evaluation_id}/form",
        data={
            "csrf_token": csrf,
            "version": version_of(page),
            "part": "facts",
            "f:facts.asset_inventory_done.answer": "是",
            "f:facts.asset_inventory_done.evidence": "2023年12月完成资产盘点",
            "f:facts.invented_fact.answer": "是",  # a tampered form: not a fact of the rulebook, ignored
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?saved=facts")
    page = c.get(r.headers["location"]).text
    assert "定性事实已保存，已重新评分" in page
    # 97.61 + the 1 point no longer deducted = 98.61
    assert "98.61 分 · 优" in page and "未扣分" in _fact_row(page, "asset_inventory_done")
    with app.state.factory() as db:
        evaluation = db.get(Evaluation, evaluation_id)
        assert evaluation.total == "98.61"
        assert "2023年12月完成资产盘点" in evaluation.data_yaml and "invented_fact" not in evaluation.data_yaml
        entry = db.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry.via == "form" and f"evaluation:{evaluation_id}" == entry.target
    # an answer outside 是/否/达成/… is the loader's error, shown beside the question, and not saved
    r = c.post(
        f"/evaluations/{evaluation_id}/form",
        data={
            "csrf_token": csrf,
            "version": version_of(page),
            "part": "facts",
            "f:facts.asset_records_safe.answer": "也许",
        },
    )
    assert r.status_code == 422 and "数据有误，未保存" in r.text
    assert '<div class="err">' in r.text.split('<tr id="fact-asset_records_safe">')[1].split("</tr>")[0]
    with app.state.factory() as db:
        assert db.get(Evaluation, evaluation_id).total == "98.61"  # nothing saved


def test_qualitative_facts_conflict_is_shown_by_question(app):
    evaluation_id, c, csrf = filled(app, "baoan", 2015)
    other, ocsrf = client(app, "baoan2")
    start = version_of(c.get(f"/evaluations/{evaluation_id}").text)
    r = other.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": ocsrf, "version": start, "part": "facts", "f:facts.asset_inventory_done.answer": "是"},
    )
    assert r.status_code == 200 and "98.61" in r.text
    r = c.post(
        f"/evaluations/{evaluation_id}/form",
        data={"csrf_token": csrf, "version": start, "part": "facts", "f:facts.asset_records_safe.answer": "否"},
    )
    assert r.status_code == 409
    conflict = r.text.split('id="conflict"')[1].split("</table>")[0]
    assert "定性事实：本年度是否开展了资产清查（盘点）？（回答）" in conflict and "您未改动此项" in conflict
    assert 'form="facts-form" id="conflict-save">按上表的选择保存定性事实' in r.text
    # what the user left untouched takes the other's answer; theirs stays in the form
    select_ = r.text.split('id="f-facts.asset_inventory_done.answer"')[1].split("</select>")[0]
    assert '<option value="是" selected>' in select_
    mine = r.text.split('id="f-facts.asset_records_safe.answer"')[1].split("</select>")[0]
    assert '<option value="否" selected>' in mine


def test_submission_is_refused_while_the_score_would_be_wrong(app):
    """Errors (an indicator 未填报 …) refuse the submission — on the page and in the service, so a crafted POST
    is refused too; each is listed in Chinese with a link to where to fix it."""
    from jixiao.web.service import NotReady, transition

    evaluation_id = new_evaluation(app, "baoan", 2014, "shenzhen-baoan/department/2023")
    c, csrf = client(app, "baoan")
    page = c.get(f"/evaluations/{evaluation_id}").text
    assert re.search(r'<button type="submit" id="submit" disabled', page)
    summary = re.search(r'id="submit-check-summary">([^<]*)', page).group(1)
    assert summary.startswith("尚不能提交审核：") and "项错误会使得分不正确" in summary
    links = dict(re.findall(r'<span class="status returned">错误</span> <a href="([^"]+)">([^<]+)</a>', page))
    fact_link = f"/evaluations/{evaluation_id}#f-facts.asset_inventory_done.answer"
    assert "资产管理安全性" in links[fact_link] and "本年度是否开展了资产清查（盘点）？" in links[fact_link]
    assert 'id="f-facts.asset_inventory_done.answer"' in page  # the link's target is on the page
    assert any("预算执行率" in what and "未填报" in what for what in links.values())
    # a crafted POST (the disabled button bypassed)
    r = c.post(
        f"/evaluations/{evaluation_id}/submit",
        data={"csrf_token": csrf, "version": version_of(page), "confirm": "1"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"].endswith("?refused=errors#submit-check")
    refused = c.get(r.headers["location"]).text
    assert (
        "未提交：请先改正下列错误。" in refused and '<details class="submit-check" id="submit-check" open>' in refused
    )
    with app.state.factory() as db:
        evaluation = db.get(Evaluation, evaluation_id)
        assert evaluation.status == "draft"
        user = db.scalar(select(User).where(User.username == "baoan"))
        with pytest.raises(NotReady) as refusal:
            transition(db, user, evaluation, "submit", confirmed=True)
        assert all(f.severity.value == "错误" for f in refusal.value.findings)


def test_warnings_may_be_submitted_once_confirmed(app):
    """A warning alone (a fact the rulebook does not ask for) lets the user submit after confirming."""
    data = BAOAN_DATA.replace("facts:\n", "facts:\n  asset_count_done:\n    answer: 是\n", 1)
    evaluation_id, c, csrf = filled(app, "baoan", 2013, data)
    page = c.get(f"/evaluations/{evaluation_id}").text
    assert "提交前请核对1项提示（可确认后提交）" in page
    assert '<input type="checkbox" id="submit-confirm" name="confirm" value="1" required>' in page
    assert not re.search(r'id="submit" disabled', page)
    r = c.post(
        f"/evaluations/{evaluation_id}/submit",
        data={"csrf_token": csrf, "version": version_of(page)},
        follow_redirects=False,
    )
    assert r.headers["location"].endswith("?refused=confirm#submit-check")
    assert "勾选“确认提交”后再提交" in c.get(r.headers["location"]).text
    r = c.post(
        f"/evaluations/{evaluation_id}/submit",
        data={"csrf_token": csrf, "version": version_of(page), "confirm": "1"},
        follow_redirects=False,
    )
    assert r.headers["location"].endswith("?done=submit")
    with app.state.factory() as db:
        assert db.get(Evaluation, evaluation_id).status == "submitted"


EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*/data.yaml"))


def test_data_words_map_every_schema_key_one_to_one_at_each_level():
    """The editor's words come from the schema's labels: within each mapping level every key has one label and
    every label one key (both ways), so a Chinese text turns back into exactly the stored keys."""
    from jixiao.model.schema import Field, Group
    from jixiao.web.data_words import _level, levels

    paths = levels()
    assert len(paths) > 20 and {"", "department", "units", "units.staffing", "projects.funds.fiscal"} <= {
        p for p, _ in paths
    }
    for path, level in paths:
        labels = [label for label, _child in level.keys.values()]
        assert len(set(labels)) == len(labels), path
        assert {level.labels[label] for label in labels} == set(level.keys), path
        assert all(level.keys[level.labels[label]][0] == label for label in labels), path
        assert all(not re.search(r"[A-Za-z]", label) for label in labels), path
    # two fields of one level with one label are told apart, and still map one to one
    twin = _level(
        (
            Field("a", "合计", "amount"),
            Group("g", "分组", (Field("b", "合计", "amount"),)),
            Field("c", "合计", "amount"),
        )
    )
    assert {k: v[0] for k, v in twin.keys.items()} == {"a": "合计（一）", "g": "分组", "c": "合计（二）"}
    assert twin.labels == {"合计（一）": "a", "分组": "g", "合计（二）": "c"}
    assert twin.keys["g"][1] is not None and twin.keys["g"][1].labels == {"合计": "b"}


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_data_words_round_trip_of_the_examples(path):
    """Each example's data turned Chinese and back: the same parsed data, the same lines (comments, values and
    flow mappings kept), every schema key in Chinese; English keys typed by hand are still read."""
    import yaml

    from jixiao.web.data_words import to_chinese, to_english

    english = path.read_text("utf-8")
    rulebook = yaml.safe_load(english)["rulebook"]
    chinese = to_chinese(english, rulebook)
    assert chinese != english and len(chinese.split("\n")) == len(english.split("\n"))
    assert "部门信息:" in chinese and "部门名称:" in chinese and "\ndepartment:" not in chinese
    assert yaml.safe_load(to_english(chinese, rulebook)) == yaml.safe_load(english)
    assert to_english(chinese, rulebook) == english
    assert to_english(to_chinese(english), rulebook) == english  # without the rulebook: its facts' ids kept
    # the comments are the user's: kept as written, on their lines
    assert [line for line in chinese.split("\n") if line.startswith("#")] == [
        line for line in english.split("\n") if line.startswith("#")
    ]
    # no Latin word outside the comments: keys, the rulebook by its title, the facts by their questions
    code = "\n".join(line.split(" #")[0] for line in chinese.split("\n") if not line.lstrip().startswith("#"))
    assert not re.findall(r"[A-Za-z]{3,}", code)
    assert yaml.safe_load(chinese)["默认指标体系"].endswith("指标体系（2023年度）")
    mixed = chinese.replace("部门信息:", "department:", 1)  # an English key typed by hand
    assert yaml.safe_load(to_english(mixed, rulebook)) == yaml.safe_load(english)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.parent.name)
def test_the_editors_text_read_in_one_pass_is_read_as_its_english_text(path):
    """A save renames the editor's keys and reads the data in one pass (data_words.to_english_read): the same
    text as to_english, and the same tree, lines and problems as parsing that text — for the example, and for
    texts a user may type: flow mappings, quoted keys, a duplicate key, English keys typed by hand, a comment;
    a text that does not parse (or holds an alias) is left to be read on its own, as before."""
    import yaml

    from jixiao.files.yamlsrc import parse_yaml_text
    from jixiao.web.data_words import to_chinese, to_english, to_english_read

    english = path.read_text("utf-8")
    rulebook = yaml.safe_load(english)["rulebook"]
    chinese = to_chinese(english, rulebook)
    typed = [
        chinese,
        chinese.replace("部门名称:", "'部门名称':", 1),
        chinese.replace("部门信息:", "department:", 1),
        chinese + "\n部门信息: {部门名称: 重复}\n# 注释",
        "{部门信息: {部门名称: 测试部门, 评价年度: 2023}, 默认指标体系: 未知}",
        "部门信息:\n  部门名称: |\n    多行\n    文字\n",
    ]
    for text in typed:
        stored, parsed = to_english_read(text, rulebook, "数据.yaml")
        assert stored == to_english(text, rulebook)
        assert parsed is not None
        tree, smap, problems = parse_yaml_text(stored, "数据.yaml")
        assert parsed[0] == tree and parsed[1]._lines == smap._lines and parsed[2] == problems
    for broken in ("部门信息: [", "a: &x 1\nb: *x", "a: 1\n---\nb: 2"):
        stored, parsed = to_english_read(broken, rulebook, "数据.yaml")
        assert (stored, parsed) == (to_english(broken, rulebook), None)


def test_text_editor_in_chinese_saves_english_keys_and_scores_the_same(app):
    """The page shows the data with Chinese keys and their legend; saved as shown, the stored text has the English
    keys line for line, and the score is the example's 97.61."""
    from jixiao.web.data_words import to_chinese

    rulebook = "shenzhen-baoan/department/2023"
    evaluation_id, c, _csrf = filled(app, "baoan", 2012, to_chinese(BAOAN_DATA, rulebook))
    page = c.get(f"/evaluations/{evaluation_id}").text
    assert "97.61" in page
    shown = page.split('id="data-yaml"')[1].split("</textarea>")[0]
    assert "部门名称: 深圳市宝安区妇女联合会" in shown and "年初预算: {合计: 2377.56" in shown
    assert "默认指标体系: 深圳市宝安区部门整体支出绩效自评指标体系（2023年度）" in shown
    assert "  部门预算编制是否与部门职责、年度工作任务相匹配，测算依据充分？:" in shown
    assert "department:" not in shown and "staffing:" not in shown and "budget_preparation" not in shown
    legend = page.split('id="data-legend"')[1].split("</details>")[0]
    assert "部门信息</b>：部门名称、部门编码" in legend and "人员情况" in legend and "编制数" in legend
    with app.state.factory() as db:
        stored = db.get(Evaluation, evaluation_id)
        assert stored.data_yaml == as_year(BAOAN_DATA, 2012) and stored.total == "97.61"
        number = stored.version
    # a past version's data reads as the editor shows it
    past = c.get(f"/evaluations/{evaluation_id}/versions/{number}").text.split('id="version-data"')[1]
    assert "部门名称: 深圳市宝安区妇女联合会" in past.split("</pre>")[0] and "department:" not in past


def test_text_editor_error_in_chinese_names_the_editors_line_and_the_label(app):
    """An error in the Chinese text is shown at the editor's line with the field's Chinese label; the typed text
    stays in the box and nothing is saved."""
    from jixiao.web.data_words import to_chinese

    evaluation_id, c, csrf = filled(app, "baoan", 2011)
    chinese = to_chinese(BAOAN_DATA)
    lines = chinese.split("\n")
    number = next(i for i, line in enumerate(lines, 1) if line.strip().startswith("评价年度:"))
    bad = chinese.replace("评价年度: 2023", "评价年度: 二〇二三", 1).replace("  部门名称: 深圳", "  部门名: 深圳", 1)
    version = version_of(c.get(f"/evaluations/{evaluation_id}").text)
    r = c.post(f"/evaluations/{evaluation_id}/yaml", data={"csrf_token": csrf, "version": version, "data_yaml": bad})
    assert r.status_code == 422
    problems = re.sub(r"<[^>]+>", "", r.text.split('id="problems"')[1].split("</ul>")[0])
    assert f"全部数据第{number}行" in problems and "“评价年度”应为数字" in problems
    assert "缺少必填字段“部门名称”。" in problems  # not “部门名称”（name）
    assert not re.search(r"“[a-z_]+”|（[a-z_]+）", problems)
    assert "评价年度: 二〇二三" in r.text.split('id="data-yaml"')[1].split("</textarea>")[0]
    # a syntax error: at the editor's line, its reason in Chinese (not the parser's English)
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("  年初预算: {"))
    broken = "\n".join(line.replace("}", "", 1) if i == number else line for i, line in enumerate(lines, 1))
    r = c.post(f"/evaluations/{evaluation_id}/yaml", data={"csrf_token": csrf, "version": version, "data_yaml": broken})
    assert r.status_code == 422
    problems = re.sub(r"<[^>]+>", "", r.text.split('id="problems"')[1].split("</ul>")[0])
    assert f"全部数据第{number + 1}行" in problems and "文本格式错误（花括号“{ }”未成对" in problems
    kept = r.text.split('id="data-yaml"')[1].split("</textarea>")[0]
    assert "  部门名称: 深圳" in kept and "\nname:" not in kept and "  name:" not in kept  # as typed, still Chinese
    assert not re.search(r"[A-Za-z]{3,}", problems)  # not the format's name either (YAML)
    with app.state.factory() as db:
        assert db.get(Evaluation, evaluation_id).data_yaml == as_year(BAOAN_DATA, 2011)


def test_a_narrative_section_over_the_limit_is_refused_whole_and_kept(app):
    """A section longer than the limit (1,048,576 characters) was cut to it and saved without a word; now nothing
    is saved, the page says which section and by how much, and what was typed is in its box again."""
    from jixiao.web.routers.evaluations import MAX_TEXT

    evaluation_id = new_evaluation(app, "baoan", 2018, "shenzhen-baoan/department/2023")
    c, csrf = client(app, "baoan")
    version = version_of(c.get(f"/evaluations/{evaluation_id}").text)
    typed = "问" * MAX_TEXT + "题尾"
    r = c.post(
        f"/evaluations/{evaluation_id}/narrative",
        data={"csrf_token": csrf, "version": version, "n:problems": typed, "n:plan": "明年计划"},
    )
    assert r.status_code == 422
    assert "有 1,048,578 个字符，超过每节 1,048,576 个字符的上限" in r.text and "未保存" in r.text
    assert "题尾</textarea>" in r.text and ">明年计划</textarea>" in r.text  # both sections as typed
    assert version_of(c.get(f"/evaluations/{evaluation_id}").text) == version  # nothing saved
