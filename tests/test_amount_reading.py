"""One reader of the amounts typed in 万元 fields (model/numbers.py read_amount) for every door: the web form, a filled
workbook's cells (the command line's and the web's upload) and a data file's values. "1.2万", "12,000元",
"１２３．４５" are read as the 万元 they mean and what was read is said — beside the field on the page, with the
sheet!cell or the line elsewhere; what does not name one amount in one unit is refused, saying how to write it.
Before, the web form read them and the workbook and the data file refused them (or, for 元, said to convert)."""

from __future__ import annotations

import re
import shutil
import warnings
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from jixiao.model.numbers import NumberError, read_amount

from .cli_support import run_cli

ROOT = Path(__file__).resolve().parent.parent
HENGSHAN = ROOT / "examples" / "hengshan-fulian-2023"
BAOAN = ROOT / "examples" / "baoan-fulian-2023"


@pytest.mark.parametrize(
    ("typed", "value", "note"),
    [
        ("2377.56", "2377.56", ""),  # a number of 万元, as the field asks: nothing to say
        ("1.2 万元", "1.2", ""),  # the field's own unit
        ("1,234.50", "1234.50", ""),
        ("1.2万", "1.2", "“1.2万”读作 1.2 万元"),  # 1.2万 (元) is 1.2 万元
        ("12,000元", "1.2", "“12,000元”读作 1.2 万元"),  # 12,000 ÷ 10,000
        ("0.5亿元", "5000", "“0.5亿元”读作 5,000 万元"),  # 1 亿 = 10,000 万
        ("３０千元", "3", "“３０千元”读作 3 万元"),  # 30 × 1,000 ÷ 10,000
        ("１２３．４５", "123.45", "“１２３．４５”读作 123.45 万元"),  # full-width digits of an input method
        ("-1.2万", "-1.2", "“-1.2万”读作 -1.2 万元"),  # an 调减
    ],
)
def test_an_amount_is_read_as_wan_yuan_saying_what_was_read(typed, value, note):
    amount = read_amount(typed)
    assert (amount.value, amount.note) == (Decimal(value), note)


@pytest.mark.parametrize("typed", ["约1.2万", "1.2-1.5万", "1亿2000万", "1.2W", "二千三百万", "5人"])
def test_what_names_no_one_amount_in_one_unit_is_refused(typed):
    with pytest.raises(NumberError) as refused:
        read_amount(typed)
    assert f"应为数字，实际为“{typed}”" in str(refused.value) and "例如 1.2万、12,000元" in str(refused.value)


def _hengshan_workbook(folder: Path, cells: dict[tuple[str, str], object]) -> Path:
    """The bundled 衡山 workbook (jixiao template --from examples/hengshan-fulian-2023) with cells typed anew."""
    wb = openpyxl.load_workbook(HENGSHAN / "填报.xlsx")
    for (sheet, cell), value in cells.items():
        wb[sheet][cell] = value
    path = folder / "填报.xlsx"
    wb.save(path)
    return path


def _total(capsys, path: Path) -> str:
    code, said = run_cli(capsys, "score", str(path))
    assert code == 0, said
    return re.search(r"总分：\S+", said).group(0)


def test_a_workbook_cell_typed_with_a_unit_is_read_naming_the_cell(tmp_path, capsys):
    # 基础数据表!E10 is 公务接待's 本年预算数 (0.5 万元); 基本信息!C20 年初预算收入 (39.78 万元); C21 其中：一般公共预算
    # 财政拨款（年初） (39.78 万元), all 万元 cells
    path = _hengshan_workbook(
        tmp_path,
        {("基础数据表", "E10"): "0.5万", ("基本信息", "C20"): "397,800元", ("基本信息", "C21"): "３９．７８"},
    )
    code, said = run_cli(capsys, "check", str(path))
    assert code == 0, said
    assert "[基础数据表!E10]: 字段 three_public.reception.budget 提示[data.amount_read] " in said
    assert "“本年预算数”填写的“0.5万”读作 0.5 万元" in said
    assert "[基本信息!C20]" in said and "“397,800元”读作 39.78 万元" in said
    assert "[基本信息!C21]" in said and "“３９．７８”读作 39.78 万元" in said
    assert _total(capsys, path) == _total(capsys, HENGSHAN / "填报.xlsx")  # the same figures, the same score


def test_an_amount_filled_twice_with_and_without_its_unit_is_one_amount(tmp_path, capsys):
    """基础数据表!F11 (项目支出·本年决算数) and 基本信息!C19 (决算支出·项目支出) are one figure, 93.88 万元."""
    path = _hengshan_workbook(tmp_path, {("基础数据表", "F11"): "938,800元"})
    code, said = run_cli(capsys, "check", str(path))
    assert code == 0 and "xlsx.conflict" not in said, said


def test_a_workbook_cell_that_names_no_one_amount_is_refused_by_its_cell(tmp_path, capsys):
    path = _hengshan_workbook(tmp_path, {("基础数据表", "E10"): "约0.5万"})
    code, said = run_cli(capsys, "check", str(path))
    assert code != 0
    assert "[基础数据表!E10]: 字段 three_public.reception.budget 错误[data.bad_amount]" in said
    assert "“本年预算数”应为数字，实际为“约0.5万”" in said


def test_a_data_file_value_typed_with_a_unit_is_read_naming_the_line(tmp_path, capsys):
    folder = tmp_path / "宝安"
    shutil.copytree(BAOAN, folder)
    data = folder / "data.yaml"
    text = data.read_text("utf-8")
    old = "  initial: {total: 2377.56, basic: 996.82, project: 1380.73}\n"
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    data.write_text(
        text.replace(old, '  initial: {total: "23,775,600元", basic: 996.82万, project: "１３８０．７３"}\n'), "utf-8"
    )
    code, said = run_cli(capsys, "check", str(folder))
    assert code == 0, said
    said_of_total = "字段 budget.initial.total 提示[data.amount_read] “合计”填写的“23,775,600元”读作 2,377.56 万元"
    assert f"data.yaml:{line}: {said_of_total}" in said
    assert f"data.yaml:{line}: 字段 budget.initial.basic 提示[data.amount_read]" in said
    assert "“１３８０．７３”读作 1,380.73 万元" in said
    assert _total(capsys, folder) == _total(capsys, BAOAN) == "总分：97.61"


def test_the_web_upload_of_a_workbook_says_beside_the_field_what_it_read(tmp_path):
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    from fastapi.testclient import TestClient

    from .web_support import PASSWORD, add_user, login, version_of, web_app

    app = web_app(tmp_path / "web")
    add_user(app, "hengshan", "filler", department=("衡山县妇女联合会", "湖南省衡阳市衡山县"))
    client = TestClient(app)
    csrf = login(client, "hengshan", PASSWORD)
    data = {"year": "2023", "rulebook": "hunan/department/2023", "csrf_token": csrf}
    page = client.post("/evaluations/new", data=data, follow_redirects=False).headers["location"].split("?")[0]
    path = _hengshan_workbook(tmp_path, {("基本信息", "C20"): "397,800元"})
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = client.post(
        f"{page}/upload",
        data={"csrf_token": csrf, "version": str(version_of(client.get(page).text))},
        files={"file": ("填报.xlsx", path.read_bytes(), xlsx)},
        follow_redirects=False,
    )
    assert response.status_code == 303, re.findall(r'class="err">([^<]+)', response.text)
    shown = client.get(response.headers["location"]).text
    found = re.search(r'id="read-budget\.income\.initial_total"[^>]*>([^<]*)<', shown)
    assert found is not None and found.group(1) == "“397,800元”读作 39.78 万元"
