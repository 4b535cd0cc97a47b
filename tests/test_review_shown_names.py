"""A reviewed file's name as the command line and 审核汇总.xlsx show it (review/labels.shown_name) is cleaned as the web
shows an uploaded file's name (formats/containers.printable, one function for both): a right-to-left override
(U+202E) in an archive's entry name showed 'a', U+202E, 'xcod.exe.txt' as 'a' + 'txt.exe.docx' reversed, a line
break in a name broke the line printed."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl

from jixiao.review.labels import shown_name

from .cli_support import run_cli

SEED = Path(__file__).resolve().parent / "fixtures" / "seeds" / "004_6448f6cab597d7a3.txt"  # 衡山县妇联 2023


def test_a_name_is_shown_without_control_or_direction_characters():
    assert shown_name(Path("收件/宝安区.zip/内层/a\u202excod.exe.txt")) == "宝安区.zip/内层/axcod.exe.txt"
    assert shown_name(Path("收件/报告\n第二行.txt")) == "报告第二行.txt"
    assert shown_name(Path("收件/衡山县妇联2023年度自评报告.txt")) == "衡山县妇联2023年度自评报告.txt"  # as it was


def test_the_command_line_and_the_summary_show_the_names_cleaned(tmp_path, capsys):
    sent = tmp_path / "宝安区.zip"
    with zipfile.ZipFile(sent, "w") as zipped:
        zipped.writestr("a\u202excod.exe.txt", SEED.read_bytes())
        zipped.writestr("报告\n第二行.txt", SEED.read_bytes())
    code, said = run_cli(capsys, "review", str(sent), "--out", str(tmp_path / "out"))
    assert code in (0, 1), said
    assert "\u202e" not in said and "宝安区.zip/axcod.exe.txt：衡山县妇女联合会" in said
    assert "宝安区.zip/报告第二行.txt：衡山县妇女联合会" in said
    sheet = openpyxl.load_workbook(io.BytesIO((tmp_path / "out" / "宝安区_审核汇总.xlsx").read_bytes()))["汇总"]
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["宝安区.zip/axcod.exe.txt", "宝安区.zip/报告第二行.txt"]
