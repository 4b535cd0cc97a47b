"""Which reader a department's data goes through: a data.yaml, a folder holding one, or a filled workbook.

`read_department(path)` finds the file and returns its raw tree with places (`model.dataset.SourceTree`);
`model.dataset.parse_source` parses it. Paths that are missing, folders without data and unknown file types are
refused here, as JixiaoError naming the path.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from jixiao.model.dataset import SourceTree
from jixiao.model.problems import JixiaoError, Location, Problem

from .excel_in import OLD_WORKBOOKS, read_workbook_source
from .excel_layout import BASE_SHEET, FORM_SHEET, LIST_SHEETS
from .yamlsrc import yaml_source

__all__ = ["DATA_NAMES", "WORKBOOK_SUFFIXES", "read_department"]

DATA_NAMES = ("data.yaml", "data.yml", "部门数据.yaml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", *OLD_WORKBOOKS)


def read_department(path: Path) -> SourceTree:
    """The department's data file as a raw tree: YAML (a file, or data.yaml in a folder) or a workbook (a file,
    or the filled workbook of a folder without data.yaml)."""
    path = Path(path)
    if not path.exists():
        raise _refused("file.missing", "找不到该文件或目录（路径不存在），请检查路径是否正确。", path)
    if path.is_dir():
        found = next((path / name for name in DATA_NAMES if (path / name).exists()), None)
        if found is None:
            return read_department(_data_workbook(path))
        path = found
    suffix = path.suffix.lower()
    if suffix in WORKBOOK_SUFFIXES:
        return read_workbook_source(path)
    if suffix not in (".yaml", ".yml"):
        raise _refused(
            "file.type",
            f"不支持的文件类型“{path.suffix or '（无扩展名）'}”。请提供 .yaml 数据文件或 .xlsx/.xls 填报模板。",
            path,
        )
    return yaml_source(path)


def _data_workbook(folder: Path) -> Path:
    """The filled workbook of a folder without data.yaml: its only .xlsx/.xlsm, or among several the one holding
    the 填报 sheets (基本信息, 基础数据表, the lists) — beside it may lie the year's 申报表 or 监控表: not data."""
    workbooks = sorted(p for p in folder.iterdir() if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file())
    workbooks = [p for p in workbooks if not p.name.startswith("~$")]  # Excel's lock file of an open workbook
    if len(workbooks) == 1:
        return workbooks[0]
    if not workbooks:
        raise _refused(
            "file.no_data", "该目录中没有 data.yaml 或 .xlsx 填报文件。请指定数据文件或包含它的目录。", folder
        )
    filled = [p for p in workbooks if _DATA_SHEETS & _sheet_names(p)]
    if len(filled) == 1:
        return filled[0]
    names = "、".join(p.name for p in (filled or workbooks))
    why = "都含填报表" if filled else "都不含“基本信息”“基础数据表”等填报表"
    raise _refused(
        "file.many_workbooks",
        f"该目录中没有 data.yaml，有多个工作簿（{names}），{why}，无法确定用哪一个。"
        "请直接指定填报文件（目录/文件名.xlsx）。",
        folder,
    )


_DATA_SHEETS = frozenset({FORM_SHEET, BASE_SHEET, *(layout.name for layout in LIST_SHEETS)})
_SHEET_NAME = re.compile(r'<sheet\b[^>]*\bname="([^"]*)"')


def _sheet_names(path: Path) -> set[str]:
    """A workbook's sheet names from its xl/workbook.xml, read without opening the workbook (none when it is not a
    sound one: it is then not the data, and reading it says why)."""
    import zipfile  # per use: a YAML department needs no zip reader at start-up

    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 1_000_000:  # a workbook's index is a few KB
                return set()
            text = archive.read(info).decode("utf-8", errors="replace")
    except (OSError, KeyError, zipfile.BadZipFile):
        return set()
    return {html.unescape(name) for name in _SHEET_NAME.findall(text)}


def _refused(code: str, message: str, path: Path) -> JixiaoError:
    return JixiaoError([Problem(code, message, Location(str(path)))])
