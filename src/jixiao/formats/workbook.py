"""Filled workbooks saved as .xls (Excel 97–2003) or .et (WPS): converted to .xlsx by LibreOffice and read by the
same reader as .xlsx (excel_in.read_workbook), so a cell's errors are the same in every format. Sheets and cell
addresses survive the conversion; every place is then made to name the user's file again, not the temporary one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem

from .office import ConversionError, converted

__all__ = ["OLD_WORKBOOKS", "read_old_workbook"]

OLD_WORKBOOKS = (".xls", ".et")


def _relocated(location: Location | None, temporary: str, shown: str) -> Location | None:
    if location is None or location.file != temporary:
        return location
    return dataclasses.replace(location, file=shown)


def _problems(problems: list[Problem], temporary: str, shown: str) -> list[Problem]:
    return [dataclasses.replace(p, location=_relocated(p.location, temporary, shown)) for p in problems]


def read_old_workbook(path: Path, read: Callable[[Path], tuple[Any, list[Problem]]]) -> tuple[Any, list[Problem]]:
    """`read` (the .xlsx reader) applied to the .xls/.et converted; data and problems name `path`."""
    path = Path(path)
    shown = str(path)
    try:
        with converted(path, "xlsx") as xlsx:
            temporary = str(xlsx)
            try:
                data, problems = read(xlsx)
            except JixiaoError as exc:
                raise JixiaoError(_problems(list(exc.problems), temporary, shown)) from None
    except ConversionError as exc:
        raise JixiaoError([Problem("xlsx.convert", f"无法读取该 Excel 文件：{exc}", Location(shown))]) from None
    except FileNotFoundError:
        raise JixiaoError([Problem("file.missing", "找不到该文件，请检查路径是否正确。", Location(shown))]) from None
    locations = {key: _relocated(loc, temporary, shown) for key, loc in data.locations.items()}
    data = dataclasses.replace(data, locations=locations, source=shown, base_dir=path.parent)
    return data, _problems(problems, temporary, shown)
