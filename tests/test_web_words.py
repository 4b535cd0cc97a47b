"""The evaluation page says in Chinese what the data's codes mean (issue 15's loose ends): the keys of 人工评分 (the
ids of the indicators scored by hand) by the indicator's name with the id beside it, and a fact answered under
the rulebook used before a change by that rulebook's question, with a note that the current one does not ask it.
Both are turned back into the stored codes on save, line for line."""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta

import pytest
from starlette.testclient import TestClient

from jixiao.web.app import create_app
from jixiao.web.data_words import former_questions, manual_names, to_chinese, to_english
from jixiao.web.db import Department, Evaluation, Session, User, now
from jixiao.web.security import hash_password, hash_token

YUEYANG = "hunan-yueyang/department/2018"  # four indicators scored by hand (rule `manual`)
# a fact of the 宝安 rulebook (asked by no other), and one no rulebook asks
DATA = f"""rulebook: {YUEYANG}
department:
  name: 岳阳测试局
  year: 2018
facts:
  spending_lawful: {{answer: 是}}
  asset_inventory_done: {{answer: 否}}  # 宝安 的问题
  no_such_fact_anywhere: {{answer: 否}}
manual_scores:
  payment_progress:
    score: 2.5
    reason: 两个专项未按进度下达，各扣0.5分
"""


def test_manual_scores_and_former_facts_in_the_editors_words_and_back():
    assert manual_names(YUEYANG)["payment_progress"] == "支付进度"
    asked = former_questions()["asset_inventory_done"]
    assert asked == "本年度是否开展了资产清查（盘点）？"  # the 宝安 rulebook's question, as its file says
    chinese = to_chinese(DATA, YUEYANG)
    lines = chinese.split("\n")
    assert len(lines) == len(DATA.split("\n"))
    assert "人工评分:" in lines and "  支付进度（payment_progress）:" in lines
    assert f"  {asked}: {{回答: 否}}  # 宝安 的问题" in lines  # the comment kept
    assert "  no_such_fact_anywhere: {回答: 否}" in lines  # no rulebook asks it: its id stays (the page says why)
    assert to_english(chinese, YUEYANG) == DATA
    # under the rulebook that asks it, the 宝安 fact is one of its own (no former question): the same words
    assert f"  {asked}: {{回答: 否}}" in to_chinese(DATA, "shenzhen-baoan/department/2023")


@pytest.fixture
def page_of(tmp_path):
    os.environ["JIXIAO_DATA"] = str(tmp_path / "data")
    app = create_app(f"sqlite:///{tmp_path / 'jixiao.db'}", enqueue=lambda *a: None)
    token = secrets.token_urlsafe(32)
    with app.state.factory() as db:
        department = Department(name="岳阳测试局", region="湖南省岳阳市")
        db.add(department)
        db.flush()
        user = User(username="filler", password_hash=hash_password("irrelevant-1"), role="filler")
        user.department_id = department.id
        db.add(user)
        db.flush()
        db.add(Session(token_hash=hash_token(token), user_id=user.id, csrf="c" * 32, expires_at=now() + timedelta(1)))
        db.commit()
        department_id = department.id
    client = TestClient(app)
    client.cookies.set("jixiao_session", token)

    def page(data: str) -> str:
        with app.state.factory() as db:
            evaluation = Evaluation(department_id=department_id, year=2018, rulebook_id=YUEYANG, data_yaml=data)
            db.add(evaluation)
            db.commit()
            evaluation_id = evaluation.id
        text = client.get(f"/evaluations/{evaluation_id}").text
        with app.state.factory() as db:
            db.delete(db.get(Evaluation, evaluation_id))
            db.commit()
        return text

    return page


def _problems(page: str) -> str:
    return re.sub(r"<[^>]+>", "", page.split('id="problems"')[1].split("</ul>")[0])


def test_the_page_names_a_former_rulebooks_fact_by_its_question_and_the_rulebook_by_its_title(page_of):
    page = page_of(DATA)
    problems = _problems(page)
    title = "湖南省岳阳市部门整体支出绩效评价评分表（参考样表，2018年度，部分公布）"
    assert f"定性事实“本年度是否开展了资产清查（盘点）？”是原指标体系的问题，当前指标体系“{title}”不再询问" in problems
    assert f"定性事实“no_such_fact_anywhere”不是当前指标体系“{title}”的问题（可能是更换指标体系前" in problems
    assert "asset_inventory_done" not in problems and YUEYANG not in problems and "jixiao rulebooks" not in problems
    editor = page.split('id="data-yaml"')[1].split("</textarea>")[0]
    assert "支付进度（payment_progress）:" in editor and "\n  payment_progress:" not in editor
    assert "本年度是否开展了资产清查（盘点）？: {回答: 否}" in editor


def test_a_manual_scores_problem_is_placed_at_its_indicators_name(page_of):
    page = page_of(DATA.replace("score: 2.5", "score: 两分半"))
    problems = _problems(page)
    number = next(i for i, line in enumerate(DATA.split("\n"), 1) if "score: 2.5" in line)
    assert number == 11  # rulebook, department ×3, facts ×4, manual_scores, payment_progress, then score
    assert f"全部数据第{number}行 人工评分“支付进度”" in problems and "“得分”应为数字" in problems


def test_a_value_over_the_length_limit_is_named_by_its_label_and_says_what_the_user_can_do(page_of):
    """A 2-million-character 年度总体目标 was refused with the reading's command-line words: “overall.goal”, the
    environment variable JIXIAO_LIMIT_VALUE_CHARS and the narrative files, none of which a user of the page sees."""
    page = page_of(DATA.replace("  year: 2018\n", "  year: 2018\noverall:\n  goal: " + "长" * 40_000 + "\n"))
    problems = _problems(page)
    assert "“年度总体目标（预期目标）”的值有 40000 个字符，超出上限" in problems
    assert "长篇文字请写在下方“报告文字”中" in problems
    assert not re.search(r"[A-Za-z]{3,}", problems), problems


def test_an_exception_name_is_left_out_and_a_format_name_kept():
    """The reader's exception name in a message is nothing a user can act on; a format's name is what they know."""
    from jixiao.web.data_words import in_chinese

    assert (
        in_chinese("文件已损坏，无法作为 .xlsx/.docx 打开（BadZipFile）。") == "文件已损坏，无法作为 .xlsx/.docx 打开。"
    )
    assert in_chinese("无法打开该 Excel 文件（KeyError，文件已损坏）。") == "无法打开该 Excel 文件（文件已损坏）。"
    for kept in ("附件表（Excel）", "网页版（HTML）", "扫描件（OCR）", "版式文件（OFD）"):
        assert in_chinese(kept) == kept
