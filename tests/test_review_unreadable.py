"""A file that passes the guards but that its reader cannot read (review/source.py read_source): one clear message
in Chinese naming the file, with what to do for that kind of file — never the library's exception name."""

from __future__ import annotations

import re
import zipfile

import pytest
from openpyxl import Workbook

from jixiao.model.problems import JixiaoError
from jixiao.review.source import read_source


def test_a_workbook_whose_shared_strings_are_missing_says_to_save_it_again_from_excel(tmp_path):
    """A cell points at shared string 5 of a workbook that has no table of them (a damaged .xlsx, as
    bench/fuzz_review.py makes them): openpyxl's IndexError was shown as "无法读取该文件（IndexError）"."""
    good = tmp_path / "good.xlsx"
    wb = Workbook()
    wb.active.append(["项目名称", "预算执行率"])
    wb.active.append(["村级补助", 0.98])
    wb.save(good)
    bad = tmp_path / "自评表.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(
                    rb'<c r="A2" t="inlineStr"><is><t>[^<]*</t></is></c>', b'<c r="A2" t="s"><v>5</v></c>', data
                )
            dst.writestr(item, data)
    with pytest.raises(JixiaoError) as caught:
        read_source(bad)
    problem = caught.value.problems[0]
    assert problem.location.file.endswith("自评表.xlsx")
    assert "Excel/WPS 表格打开后另存" in problem.message
    assert not re.search(r"[A-Za-z]+Error", problem.message)
