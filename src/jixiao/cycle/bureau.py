"""A bureau's cycle across its departments: `jixiao monitor|rectify|targets BUREAU_DIR`, each sub-folder one
department (as `jixiao results` takes them).

Every department is read on its own: a folder whose file is missing or wrong becomes a `Failure` naming the folder,
the file and every problem with its place, and the run goes on. The step's results of the departments that were
read are gathered into one workbook for the bureau (`bureau_out.bureau_xlsx`): monitoring warnings with their
deadlines in working days, the 整改台账 across departments, or the targets' quality findings, and a sheet of the
failures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jixiao.model.problems import JixiaoError, Location, Problem, Severity

from .monitoring import MonitoringResult, assess_monitoring, load_monitoring
from .rectify import Rectification, load_rectification
from .targets import TargetSheet, check_targets, load_targets
from .workbook import WORKBOOK_SUFFIXES

__all__ = [
    "BUREAU_OUTPUT",
    "BureauRun",
    "Failure",
    "TargetsChecked",
    "checked_targets",
    "department_folders",
    "is_bureau_folder",
    "monitor_one",
    "rectify_one",
    "run_bureau",
    "same_department",
    "step_file",
    "targets_one",
]

# step -> (the YAML file, words one of which a workbook's name holds, what the file is, the bureau's workbook)
STEPS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "monitor": ("monitoring.yaml", ("监控",), "运行监控（monitoring.yaml 或运行监控表 .xlsx）"),
    "rectify": ("rectification.yaml", (), "整改台账（rectification.yaml）"),
    "targets": ("targets.yaml", ("目标", "申报"), "绩效目标申报表（targets.yaml 或申报表 .xlsx）"),
}
BUREAU_OUTPUT = {"monitor": "运行监控汇总.xlsx", "rectify": "整改台账汇总.xlsx", "targets": "绩效目标审核汇总.xlsx"}
FAILURE_HEADER = ["文件夹", "文件", "情况", "问题及修改方法"]


@dataclass(frozen=True)
class Failure:
    """A department that could not be read: its folder, the file (or the file it lacks), why, and how to fix."""

    folder: str
    file: str
    kind: str  # 未报送 / 文件有误 / 无法打开 / 内部错误
    reasons: tuple[str, ...]

    @property
    def row(self) -> list[str]:
        return [self.folder, self.file, self.kind, "\n".join(self.reasons)]


@dataclass
class BureauRun:
    step: str
    root: Path
    done: list[tuple[str, Any]] = field(default_factory=list)  # (folder name, the step's result)
    failures: list[Failure] = field(default_factory=list)
    source: str = "文件夹"  # the header of `folder`'s column: a folder (command line), a department (web app)
    unit: str = "部门文件夹"  # what the run counts

    # where a problem is and what it says, in the reader's words (the web app's: the editor's line and field in
    # Chinese); None: as the command line prints them (file:line 字段 path)
    place: Callable[[Location | None], str] | None = None
    words: Callable[[str], str] | None = None

    @property
    def failure_header(self) -> list[str]:
        return [self.source, *FAILURE_HEADER[1:]]

    def placed(self, location: Location | None, field: bool = True) -> str:
        if self.place is not None:
            return self.place(location)
        if location is None:
            return ""
        return str(location) + (f" 字段 {location.field}" if field and location.field else "")

    def said(self, problem: Problem) -> str:
        if self.place is None and self.words is None:
            return problem.format()
        message = self.words(problem.message) if self.words else problem.message
        place = self.placed(problem.location)
        return f"{place}：{message}" if place else message

    @property
    def total(self) -> int:
        return len(self.done) + len(self.failures)

    def add(self, folder: Path, step: str, one: Callable[[Path], Any]) -> None:
        """One department read, or its Failure: nothing it holds stops the run."""
        try:
            found = step_file(folder, step)
        except JixiaoError as exc:
            missing = exc.problems[0].code == "file.missing"
            kind = "未报送" if missing else "文件有误"
            self.failures.append(Failure(folder.name, STEPS[step][0], kind, _reasons(exc.problems)))
            return
        except OSError as exc:  # a folder that cannot be listed (permissions, a broken link)
            reason = f"{folder}: 无法打开该文件夹（{exc.strerror or exc}）。请检查文件夹的访问权限后重新汇总。"
            self.failures.append(Failure(folder.name, "", "无法打开", (reason,)))
            return
        self.read(folder.name, found.name, lambda: one(found), str(found))

    def read(
        self,
        folder: str,
        file: str,
        one: Callable[[], Any],
        where: str = "",
        reasons: Callable[[Sequence[Problem]], tuple[str, ...]] | None = None,
    ) -> None:
        """The department's result `one()` kept under `folder`, or its Failure: a JixiaoError is 文件有误 with every
        problem (`reasons` words them; by default as the command line prints them), an OSError 无法打开, any other
        error 内部错误. The command line reads a folder's file; the web app a stored document (`where` names it)."""
        where = where or file
        try:
            self.done.append((folder, one()))
        except JixiaoError as exc:
            self.failures.append(Failure(folder, file, "文件有误", (reasons or _reasons)(exc.problems)))
        except OSError as exc:
            reason = f"{where}: 无法读取该文件（{exc.strerror or exc}）。请检查文件是否被占用或无访问权限后重新汇总。"
            self.failures.append(Failure(folder, file, "无法打开", (reason,)))
        except Exception as exc:  # one department's internal error never stops the bureau's run
            reason = f"{where}: 读取时出现内部错误（{type(exc).__name__}: {exc}）。请将该文件反馈给开发人员。"
            self.failures.append(Failure(folder, file, "内部错误", (reason,)))


# a department folder's own files and sub-folder (narrative/: the report's texts)
DEPARTMENT_FILES = ("data.yaml", "data.yml", "targets.yaml", "monitoring.yaml", "recheck.yaml", "rectification.yaml")
DEPARTMENT_SUBFOLDERS = ("narrative",)


def is_bureau_folder(path: Path, step: str) -> bool:
    """A folder is a bureau's (one sub-folder per department) when it holds none of a department's files (data,
    the cycle's YAML files, the step's workbook) and has a sub-folder other than a department's own narrative/."""
    if not path.is_dir():
        return False
    if any((path / name).exists() for name in DEPARTMENT_FILES) or _workbooks(path, step):
        return False
    return any(
        entry.is_dir() and not entry.name.startswith(".") and entry.name not in DEPARTMENT_SUBFOLDERS
        for entry in path.iterdir()
    )


def department_folders(root: Path) -> list[Path]:
    """The department sub-folders, by name; hidden folders and a bureau's own output folders are left out."""
    outputs = set(BUREAU_OUTPUT.values()) | {"结果应用汇总.xlsx"}
    return sorted(
        entry
        for entry in root.iterdir()
        if entry.is_dir() and not entry.name.startswith(".") and not any(_exists(entry / name) for name in outputs)
    )


def _exists(path: Path) -> bool:
    try:
        return path.exists()
    except OSError:  # a folder that cannot be opened is a department that could not be read, not an output
        return False


def _workbooks(folder: Path, step: str) -> list[Path]:
    words = STEPS[step][1]
    if not words:
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.is_file()
        and p.suffix.lower() in WORKBOOK_SUFFIXES
        and not p.name.startswith("~$")
        and any(w in p.stem for w in words)
    )


def step_file(folder: Path, step: str) -> Path:
    """The department's file of the step: the YAML file, else the one workbook whose name says what it is.
    JixiaoError when there is none (file.missing) or several workbooks (cycle.ambiguous_file)."""
    name, words, what = STEPS[step]
    if (folder / name).exists():
        return folder / name
    books = _workbooks(folder, step)
    if len(books) == 1:
        return books[0]
    if len(books) > 1:
        names = "、".join(p.name for p in books)
        message = f"有多份可能的{what}：{names}。请只保留本年度的一份，或把要用的一份改名为 {name} 后重试。"
        raise JixiaoError([Problem("cycle.ambiguous_file", message, Location(str(folder)))])
    hint = f"，或文件名含“{'”或“'.join(words)}”的 Excel 表" if words else ""
    empty = "该文件夹是空的。" if not any(folder.iterdir()) else ""
    message = (
        f"{empty}找不到{what}。请在部门文件夹中放入 {name}{hint}（格式见 docs/cycle.md）；"
        "汇总多个部门时，请指定财政部门的目录（每个部门一个子文件夹）。"
    )
    raise JixiaoError([Problem("file.missing", message, Location(str(folder)))])


def same_department(run: BureauRun) -> dict[str, list[str]]:
    """Department names read from more than one folder (a department that handed in twice, or a copied file),
    each with its folders."""
    folders: dict[str, list[str]] = {}
    for folder, result in run.done:
        name = _department(result)
        if name:
            folders.setdefault(name, []).append(folder)
    return {name: found for name, found in folders.items() if len(found) > 1}


def _department(result: Any) -> str:
    if isinstance(result, MonitoringResult):
        return result.monitoring.department
    if isinstance(result, TargetsChecked):
        return result.sheet.department
    return str(getattr(result, "department", ""))


def _reasons(problems: Sequence[Problem]) -> tuple[str, ...]:
    errors = [p for p in problems if p.severity is Severity.ERROR] or list(problems)
    return tuple(p.format() for p in errors) or ("文件有误（未给出原因）。",)


def run_bureau(
    root: Path,
    step: str,
    one: Callable[[Path], Any],
    progress: Callable[[int, int, str], None] | None = None,
) -> BureauRun:
    """`one(file)` for every department folder of `root`; a JixiaoError (or any error) becomes that department's
    Failure and the next department is read."""
    run = BureauRun(step, root)
    folders = department_folders(root)
    for n, folder in enumerate(folders, 1):
        run.add(folder, step, one)
        if progress is not None:
            progress(n, len(folders), folder.name)
    return run


# ------------------------------------------------------------------------------------------------ the steps
def monitor_one(today: dt.date) -> Callable[[Path], MonitoringResult]:
    return lambda path: assess_monitoring(load_monitoring(path), today)


def rectify_one(path: Path) -> Rectification:
    return load_rectification(path)


@dataclass(frozen=True)
class TargetsChecked:
    sheet: TargetSheet
    problems: tuple[Problem, ...]


def targets_one(budget_of: Callable[[Path], tuple[Any, list[Problem]]]) -> Callable[[Path], TargetsChecked]:
    """Each department's targets read and checked; `budget_of` gives the 年初预算 of the data beside them (and what
    kept it from being read) for the money check."""

    def one(path: Path) -> TargetsChecked:
        sheet = load_targets(path)
        budget, notes = budget_of(path)
        return checked_targets(sheet, budget, notes)

    return one


def checked_targets(sheet: TargetSheet, budget: Any, notes: Sequence[Problem] = ()) -> TargetsChecked:
    """A department's targets with their quality findings (`notes` first: what kept the money check from running)."""
    return TargetsChecked(sheet, (*notes, *check_targets(sheet, budget)))
