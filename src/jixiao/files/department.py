"""Which reader a department's data goes through: a data.yaml, a folder holding one, or a filled workbook.

`read_department(path)` finds the file and returns its raw tree with places (`model.dataset.SourceTree`);
`model.dataset.parse_source` parses it. Paths that are missing, folders without data and unknown file types are
refused here, as JixiaoError naming the path.
"""

from __future__ import annotations

from pathlib import Path

from jixiao.model.dataset import SourceTree
from jixiao.model.problems import JixiaoError, Location, Problem

from .excel_in import OLD_WORKBOOKS, read_workbook_source
from .yamlsrc import yaml_source

__all__ = ["DATA_NAMES", "WORKBOOK_SUFFIXES", "read_department"]

DATA_NAMES = ("data.yaml", "data.yml", "部门数据.yaml")
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", *OLD_WORKBOOKS)


def read_department(path: Path) -> SourceTree:
    """The department's data file as a raw tree: YAML (a file, or data.yaml in a folder) or a workbook (a file,
    or the first .xlsx of a folder without data.yaml)."""
    path = Path(path)
    if not path.exists():
        raise _refused("file.missing", "找不到该文件或目录（路径不存在），请检查路径是否正确。", path)
    if path.is_dir():
        found = next((path / name for name in DATA_NAMES if (path / name).exists()), None)
        if found is None:
            workbooks = sorted(path.glob("*.xlsx"))
            if workbooks:
                return read_department(workbooks[0])
            raise _refused(
                "file.no_data", "该目录中没有 data.yaml 或 .xlsx 填报文件。请指定数据文件或包含它的目录。", path
            )
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


def _refused(code: str, message: str, path: Path) -> JixiaoError:
    return JixiaoError([Problem(code, message, Location(str(path)))])
