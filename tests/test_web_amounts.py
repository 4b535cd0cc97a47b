"""Amounts in the page's 万元 fields as finance staff type them ("1.2万", "12,000元", "１２３．４５"): read as they
mean them, what was read said beside the field after the save and after an error; what names no one amount
refused; an amount hardly a department's (10 万亿元) saved with a warning beside the field on every showing, which
the submission asks to confirm."""

from __future__ import annotations

import html
import re
import warnings

import pytest
import yaml

warnings.filterwarnings("ignore", category=DeprecationWarning)
from fastapi.testclient import TestClient  # noqa: E402

from jixiao.web.db import Evaluation  # noqa: E402

from .web_support import BAOAN, EXAMPLE, PASSWORD, SHENZHEN, add_user, login, version_of, web_app  # noqa: E402


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    application = web_app(tmp_path_factory.mktemp("amounts"))
    add_user(application, "baoan", "filler", department=BAOAN)
    return application


@pytest.fixture()
def filled(app):
    """The evaluation (made by the first test, opened by the others) holding the 宝安 example's data (2023) as it
    is, and a signed-in client."""
    client = TestClient(app)
    csrf = login(client, "baoan", PASSWORD)
    created = client.post(
        "/evaluations/new",
        data={"year": "2023", "rulebook": "shenzhen-baoan/department/2023", "csrf_token": csrf},
        follow_redirects=False,
    )
    evaluation_id = int(re.search(r"/evaluations/(\d+)", created.headers["location"]).group(1))
    with app.state.factory() as db:
        evaluation = db.get(Evaluation, evaluation_id)
        evaluation.data_yaml = (EXAMPLE / "data.yaml").read_text("utf-8")
        db.commit()
    return client, csrf, evaluation_id


def _stored(app, evaluation_id: int, *path: str):
    with app.state.factory() as db:
        node = yaml.safe_load(db.get(Evaluation, evaluation_id).data_yaml)
    for key in path:
        node = node[key]
    return node


def _save(client, csrf, evaluation_id, fields: dict[str, str], route: str = "form"):
    page = client.get(f"/evaluations/{evaluation_id}")
    data = {"csrf_token": csrf, "version": str(version_of(page.text)), **fields}
    return client.post(f"/evaluations/{evaluation_id}/{route}", data=data, follow_redirects=False)


def _beside(page: str, element_id: str) -> str:
    found = re.search(rf'id="{re.escape(element_id)}"[^>]*>([^<]*)<', page)
    return html.unescape(found.group(1)) if found else ""


def test_amounts_typed_with_their_unit_are_read_as_wan_yuan(app, filled):
    client, csrf, evaluation_id = filled
    typed = {
        "f:budget.initial.total": "1.2万",  # 1.2万 (元) is 1.2 万元
        "f:budget.final.total": "12,000元",  # 12,000 元 is 1.2 万元
        "f:budget.carryover.opening": "１２３．４５",  # full-width digits as typed by an input method
        "f:budget.carryover.closing": "0.5亿元",  # 0.5 亿元 = 5,000 万元
        "f:public_funds.daily.actual": "1.2 万元",  # the field's own unit: read, nothing to say
    }
    response = _save(client, csrf, evaluation_id, typed)
    assert response.status_code == 303, re.findall(r'class="err">([^<]+)', response.text)
    budget = _stored(app, evaluation_id, "budget")
    assert str(budget["initial"]["total"]) == "1.2" and str(budget["final"]["total"]) == "1.2"
    assert str(budget["carryover"]["opening"]) == "123.45" and str(budget["carryover"]["closing"]) == "5000"
    assert str(_stored(app, evaluation_id, "public_funds", "daily", "actual")) == "1.2"
    page = client.get(response.headers["location"]).text
    assert _beside(page, "read-budget.initial.total") == "“1.2万”读作 1.2 万元"
    assert _beside(page, "read-budget.final.total") == "“12,000元”读作 1.2 万元"
    assert _beside(page, "read-budget.carryover.opening") == "“１２３．４５”读作 123.45 万元"
    assert _beside(page, "read-budget.carryover.closing") == "“0.5亿元”读作 5,000 万元"
    assert 'id="read-public_funds.daily.actual"' not in page


def test_what_names_no_one_amount_is_refused_beside_the_field_and_kept(app, filled):
    client, csrf, evaluation_id = filled
    before = _stored(app, evaluation_id, "budget", "initial", "total")
    response = _save(client, csrf, evaluation_id, {"f:budget.initial.total": "约1.2万", "f:budget.final.total": "3万"})
    assert response.status_code == 422
    assert _stored(app, evaluation_id, "budget", "initial", "total") == before  # nothing saved
    assert 'value="约1.2万"' in response.text and "应为数字" in response.text
    # the other field, read, is shown as typed with what it was read as: saved with the next save
    assert 'value="3万"' in response.text and _beside(response.text, "read-budget.final.total") == "“3万”读作 3 万元"


def test_a_link_cannot_put_words_beside_a_field(app, filled):
    client, _, evaluation_id = filled
    page = client.get(f"/evaluations/{evaluation_id}?saved=form&r:f:budget.initial.total=999万").text
    assert 'id="read-budget.initial.total"' not in page  # 999 is not what the field holds


def test_a_table_cell_typed_in_yuan_is_read_and_said_under_the_table(app, filled):
    client, csrf, evaluation_id = filled
    response = _save(
        client,
        csrf,
        evaluation_id,
        {"l:units:0:name": "深圳市宝安区妇女联合会", "l:units:0:project_funds": "500,000元"},
        "lists",
    )
    assert response.status_code == 303
    assert str(_stored(app, evaluation_id, "units")[0]["project_funds"]) == "50"
    page = client.get(response.headers["location"]).text
    assert "单位与人员第1行“二级项目资金”：“500,000元”读作 50 万元" in page  # which cell, when it is a table's


def test_an_amount_hardly_a_departments_is_saved_with_a_warning_beside_it(app, filled):
    client, csrf, evaluation_id = filled
    response = _save(client, csrf, evaluation_id, {"f:budget.initial.total": "1,000,000,000"})
    assert response.status_code == 303  # a warning, not a refusal
    page = client.get(f"/evaluations/{evaluation_id}").text  # shown again on every showing, not once
    warning = _beside(page, "check-budget.initial.total")
    assert "1,000,000,000 万元（即 10万亿元）" in warning and "把元当成了万元" in warning
    assert "#f-budget.initial.total" in page.split('id="submit-check"')[1]  # listed among what to confirm
    refused = client.post(
        f"/evaluations/{evaluation_id}/submit",
        data={"csrf_token": csrf, "version": str(version_of(page))},
        follow_redirects=False,
    )
    assert refused.status_code == 303 and "refused=" in refused.headers["location"]
    # the department's usual figures: no warning
    _save(client, csrf, evaluation_id, {"f:budget.initial.total": "2377.56"})
    assert 'id="check-budget.initial.total"' not in client.get(f"/evaluations/{evaluation_id}").text


def test_an_amount_ten_thousand_times_the_others_is_warned(app, filled):
    client, csrf, evaluation_id = filled
    assert str(_stored(app, evaluation_id, "budget", "final", "total")) == "2470.14"
    # 2,470.14 万元 typed as 元 (24,701,400) in 万元 is 2470 亿元, above the absolute bound; 1,000 times it below
    assert _save(client, csrf, evaluation_id, {"f:budget.final.total": "2470140"}).status_code == 303
    warning = _beside(client.get(f"/evaluations/{evaluation_id}").text, "check-budget.final.total")
    assert "是本部门其他金额中位数" in warning


def test_the_bureau_sees_the_warning_too(app, filled):
    """The reviewer sees no form: the warning is among the page's 数据检查, for them as for the department."""
    client, csrf, evaluation_id = filled
    assert _save(client, csrf, evaluation_id, {"f:budget.initial.total": "1000000000"}).status_code == 303
    add_user(app, "bureau", "reviewer", region=SHENZHEN)
    reviewer = TestClient(app)
    login(reviewer, "bureau", PASSWORD)
    page = reviewer.get(f"/evaluations/{evaluation_id}").text
    problems = html.unescape(re.sub(r"<[^>]+>", "", page.split('id="problems"')[1].split("</ul>")[0]))
    assert "“年初预算·合计”为 1,000,000,000 万元（即 10万亿元）" in problems and "警告" in problems
