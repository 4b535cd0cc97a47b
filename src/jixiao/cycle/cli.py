"""`jixiao targets|monitor|recheck|rectify|results`: the cycle's commands (thin: read, check, print, write)."""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the core loads inside the commands: `jixiao --help` imports this module (issue 15)
    from decimal import Decimal

    from jixiao.model.problems import Problem

__all__ = ["add_parsers"]


def _today(args: argparse.Namespace) -> dt.date:
    from jixiao.model.problems import JixiaoError, Location, Problem

    if not getattr(args, "today", None):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(args.today)
    except ValueError:
        raise JixiaoError(
            [
                Problem(
                    "usage.today", f"--today 应为日期，如 2024-06-30，实际为“{args.today}”。", Location(field="--today")
                )
            ]
        ) from None


def _write(out: str | None, files: dict[str, Callable[[], bytes]]) -> None:
    from jixiao.files.fileio import write_atomic  # on use: `jixiao --help` imports this module (issue 15)
    from jixiao.model.problems import JixiaoError, Location, Problem

    if not out:
        return
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise JixiaoError(
            [Problem("usage.out_not_dir", "--out 应为目录，但该路径是一个文件。请换一个目录。", Location(str(folder)))]
        )
    for name, build in files.items():
        write_atomic(folder / name, build())
        print(f"已写出：{folder / name}")


def _print(problems: list[Problem]) -> None:
    for p in problems:
        print(p.format())


def _progress(done: int, total: int, name: str) -> None:
    """The bureau run's progress on stderr: one line redrawn on a terminal, else a line every 5% and the last."""
    import sys

    line = f"进度 {done}/{total} {name}"
    if sys.stderr.isatty():
        print(f"\r{line[:100]:<100}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    elif done == total or done % max(total // 20, 1) == 0:
        print(line, file=sys.stderr, flush=True)


def _bureau(args: argparse.Namespace, step: str, one: Callable[[Path], object], today: dt.date) -> int:
    """`jixiao monitor|rectify|targets BUREAU_DIR`: every department sub-folder read, one workbook for the bureau;
    a bad folder is listed with its reasons and the run goes on. Exit 1 when any folder could not be read."""
    from .bureau import BUREAU_OUTPUT, department_folders, run_bureau, same_department
    from .bureau_out import bureau_xlsx, monitor_rows, rectify_rows, targets_rows

    root = Path(args.path)
    if not department_folders(root):
        from jixiao.model.problems import JixiaoError, Location, Problem

        raise JixiaoError([Problem("usage.no_departments", _NO_DEPARTMENTS, Location(args.path))])
    run = run_bureau(root, step, one, _progress)
    if step == "monitor":
        summary, warnings = monitor_rows(run, today)
        late = sum(str(row[10]).startswith(("逾期未答复", "逾期答复")) for row in warnings)
        for row in summary:  # the departments with an answer pending or late (answered warnings are in the workbook)
            if any(row[8:11]):
                states = "，".join(f"{s}{n}" for s, n in zip(_ANSWER_STATES, row[8:12], strict=True) if n)
                print(f"  {row[0]}：预警{row[7]}项（{states}）")
        print(f"运行监控汇总（统计日期 {today:%Y-%m-%d}）：预警{len(warnings)}项，其中逾期{late}项。")
    elif step == "rectify":
        summary, open_items, _items = rectify_rows(run, today)
        overdue = sum(row[9] == "已逾期" for row in open_items)
        done = sum(int(row[4]) + int(row[5]) for row in summary)
        print(
            f"整改台账汇总（统计日期 {today:%Y-%m-%d}）：事项{sum(int(row[3]) for row in summary)}项，"
            f"已完成{done}项，未完成{len(open_items)}项，其中已逾期{overdue}项。"
        )
    else:
        summary, findings = targets_rows(run)
        for row in summary:
            if row[7] or row[8]:
                print(f"  {row[0]}：错误{row[7]}项，警告{row[8]}项，建议审核等级{row[9]}")
        print(f"绩效目标审核汇总：审核发现{len(findings)}项。")
    for name, folders in same_department(run).items():
        print(f"  注意：“{name}”出现在{len(folders)}个文件夹（{'、'.join(folders)}），请确认是否重复报送。")
    for failure in run.failures:
        place = f"{failure.folder}/{failure.file}" if failure.file else failure.folder
        print(f"  无法读取 {place}（{failure.kind}）：")
        for reason in failure.reasons:
            print(f"    {reason}")
    print(f"共{run.total}个部门文件夹，已读取{len(run.done)}个，无法读取{len(run.failures)}个。")
    _write(args.out, {BUREAU_OUTPUT[step]: lambda: bureau_xlsx(run, today)})
    return 1 if run.failures else 0


_ANSWER_STATES = ("逾期未答复", "待答复", "逾期答复", "已答复")  # the monitoring summary's columns 8–11
_NO_DEPARTMENTS = "该目录下没有部门文件夹（每个部门一个文件夹，内含 data.yaml 或填报表）。"


def _data_budget(path: Path) -> tuple[Decimal | None, list[Problem]]:
    """The department data's 年初预算, when the folder has data.yaml, to check the targets' money against; data that
    cannot be read leaves the money unchecked and says so (the targets are checked all the same)."""
    from decimal import Decimal

    from jixiao.model.problems import JixiaoError, Location, Problem, Severity
    from jixiao.pipeline import load_department

    folder = path if path.is_dir() else path.parent
    if not (folder / "data.yaml").exists():
        return None, []
    try:
        data, _problems = load_department(folder)
    except JixiaoError as exc:
        first = exc.problems[0].format() if exc.problems else ""
        message = f"部门数据无法读取（{first}），未核对年度资金总额与年初预算。请先改正 data.yaml 后重新检查。"
        return None, [Problem("targets.data_unread", message, Location(str(folder / "data.yaml")), Severity.INFO)]
    value = data.get("budget.initial.total")
    return (value if isinstance(value, Decimal) else None), []


def cmd_targets(args: argparse.Namespace) -> int:
    from jixiao.model.problems import Severity

    from .bureau import is_bureau_folder, step_file, targets_one
    from .outputs import targets_docx, targets_xlsx
    from .targets import check_targets, load_targets, suggested_grade

    path = Path(args.path)
    if is_bureau_folder(path, "targets"):
        return _bureau(args, "targets", targets_one(_data_budget), dt.date.today())
    path = step_file(path, "targets") if path.is_dir() else path
    sheet = load_targets(path)
    budget, notes = _data_budget(path)
    problems = [*sheet.warnings, *notes, *check_targets(sheet, budget)]
    print(
        f"{sheet.department} {sheet.year}年度{'项目' if sheet.kind == 'project' else '部门整体'}绩效目标："
        f"{len(sheet.indicators)}项指标，年度资金总额{sheet.budget_total}万元"
    )
    _print(problems)
    grade, why = suggested_grade(problems)
    print(f"建议审核等级：{grade}（{why}）")
    if sheet.grade:
        print(f"财政审核等级：{sheet.grade}（{sheet.reviewer}）{'；'.join(sheet.grade_reasons)}")
    _write(
        args.out,
        {"绩效目标申报表.xlsx": lambda: targets_xlsx(sheet), "绩效目标申报表.docx": lambda: targets_docx(sheet)},
    )
    return 1 if any(p.severity is Severity.ERROR for p in problems) else 0


def cmd_monitor(args: argparse.Namespace) -> int:
    from jixiao.model.numbers import fmt_percent

    from .bureau import is_bureau_folder, monitor_one, step_file
    from .monitoring import assess_monitoring, load_monitoring
    from .outputs import monitoring_xlsx

    path = Path(args.path)
    if is_bureau_folder(path, "monitor"):
        return _bureau(args, "monitor", monitor_one(_today(args)), _today(args))
    mon = load_monitoring(step_file(path, "monitor") if path.is_dir() else path)
    result = assess_monitoring(mon, _today(args))
    _print(list(mon.warnings))
    rules = mon.ruleset
    print(f"{mon.department} {mon.year}年度运行监控（规则：{rules.title}，{rules.cite(rules.monitoring.source)}）")
    for point, line, why in result.rows:
        mark = "" if line is None else ("  低于预警线" if point.rate < line else "  正常")
        line_text = fmt_percent(line) if line is not None else "—"
        print(f"  1-{point.month}月 累计执行率 {fmt_percent(point.rate)}，预警线 {line_text}（{why}）{mark}")
    problems = result.problems()
    _print(problems)
    if not problems:
        print("未触发预警。")
    _write(args.out, {"运行监控表.xlsx": lambda: monitoring_xlsx(result)})
    return 0


def cmd_recheck(args: argparse.Namespace) -> int:
    from decimal import Decimal

    from jixiao.model.numbers import fmt_score
    from jixiao.model.problems import Severity
    from jixiao.pipeline import run

    from .outputs import recheck_docx, recheck_xlsx
    from .recheck import compare_recheck, load_recheck

    path = Path(args.path)
    if args.review:
        return _propose_recheck(args, path)
    recheck = load_recheck(Path(args.recheck) if args.recheck else (path if path.is_dir() else path.parent))
    prepared, evaluation = run(path, args.rulebook)
    result = compare_recheck(recheck, evaluation, prepared.rulebook)
    _print(list(result.problems))
    print(f"{result.department} {result.year}年度绩效自评复核（{recheck.reviewer}）")
    for row in result.rows:
        if row.recheck_score is not None:
            print(
                f"  {row.name}：自评 {fmt_score(row.self_score or Decimal(0))}，复核 {fmt_score(row.recheck_score)}，"
                f"差异 {fmt_score(row.difference or Decimal(0))}。{row.reason}"
            )
    print(
        f"自评得分 {fmt_score(result.self_total or Decimal(0))}（{result.self_grade}），复核得分 "
        f"{fmt_score(result.recheck_total or Decimal(0))}（{result.recheck_grade}）"
    )
    _write(args.out, {"复核差异表.xlsx": lambda: recheck_xlsx(result), "复核意见.docx": lambda: recheck_docx(result)})
    return 1 if any(p.severity is Severity.ERROR for p in result.problems) else 0


def _propose_recheck(args: argparse.Namespace, path: Path) -> int:
    """`--review FILE`: the department's submitted report or table reviewed; the indicators whose stated score its
    figures contradict become the proposed 复核 (复核建议.yaml), for the reviewer to accept or change."""
    from jixiao.model.numbers import fmt_score
    from jixiao.pipeline import run
    from jixiao.review import review_file

    from .recheck import proposals_from_review, proposed_recheck_text

    prepared, evaluation = run(path, args.rulebook)
    reviewed = review_file(Path(args.review), prepared.rulebook.id)
    proposals = proposals_from_review(reviewed.findings, evaluation)
    print(f"{evaluation.department} {evaluation.year}年度复核建议（据 {Path(args.review).name} 的审核结果）")
    for p in proposals:
        stated = f"报送得分 {fmt_score(p.self_score)}，" if p.self_score is not None else ""
        print(f"  {p.indicator}：{stated}建议复核得分 {fmt_score(p.score)}。{p.reason}")
    if not proposals:
        print("审核未发现与得分相矛盾的数据，无预填的复核指标。")
    text = proposed_recheck_text(proposals)
    _write(args.out, {"复核建议.yaml": lambda: text.encode("utf-8")})
    if not args.out:
        print(text)
    return 0


def cmd_rectify(args: argparse.Namespace) -> int:
    from .bureau import is_bureau_folder, rectify_one, step_file
    from .outputs import rectification_xlsx
    from .rectify import carryover_paragraphs, load_rectification

    path, today = Path(args.path), _today(args)
    if is_bureau_folder(path, "rectify"):
        return _bureau(args, "rectify", rectify_one, today)
    rect = load_rectification(step_file(path, "rectify") if path.is_dir() else path)
    _print(list(rect.warnings))
    print(f"{rect.department} 上年问题整改情况（统计日期 {today:%Y-%m-%d}）")
    for line in carryover_paragraphs(rect, today):
        print(f"  {line}")
    _write(args.out, {"整改台账.xlsx": lambda: rectification_xlsx(rect, today)})
    return 0


def cmd_results(args: argparse.Namespace) -> int:
    from jixiao.model.numbers import fmt_percent, fmt_score
    from jixiao.model.problems import JixiaoError, Location, Problem, Severity

    from ..pipeline import run
    from .bureau import Failure, department_folders
    from .outputs import results_xlsx
    from .rectify import budget_action
    from .ruleset import CONFIDENCES, load_ruleset

    ruleset = load_ruleset(args.ruleset)
    folders = department_folders(Path(args.path)) if Path(args.path).is_dir() else []
    if not folders:
        raise JixiaoError(
            [
                Problem(
                    "usage.no_departments",
                    _NO_DEPARTMENTS,
                    Location(args.path),
                )
            ]
        )
    rows, year, failures = [], None, []
    for n, folder in enumerate(folders, 1):
        _progress(n, len(folders), folder.name)
        try:
            _prepared, evaluation = run(folder)
        except JixiaoError as exc:
            print(f"  {folder.name}：无法评分（{exc.problems[0].message}）")
            rows.append([folder.name, "", "", "无法评分", "", exc.problems[0].message, ""])
            errors = [p for p in exc.problems if p.severity is Severity.ERROR] or exc.problems
            failures.append(Failure(folder.name, "data.yaml", "无法评分", tuple(p.format() for p in errors)))
            continue
        year = year or evaluation.year
        action = budget_action(evaluation.grade, ruleset)
        cut = fmt_percent(action.cut, 0) if action and action.cut is not None else ""
        src = f"{ruleset.cite(ruleset.results_source)}（{CONFIDENCES.get(ruleset.results_confidence, '')}）"
        if evaluation.total is None:
            missing = "、".join(evaluation.missing[:3])
            rows.append(
                [
                    evaluation.department,
                    "不完整",
                    "",
                    "暂不确定",
                    "",
                    f"得分不完整（未填报：{missing}等），无法定级",
                    src,
                ]
            )
            print(f"  {evaluation.department}：得分不完整，无法定级，暂不给出预算安排建议")
            continue
        rows.append(
            [
                evaluation.department,
                fmt_score(evaluation.total),
                evaluation.grade or "",
                action.action if action else "规则未定",
                cut,
                action.note if action else "",
                src,
            ]
        )
        print(f"  {evaluation.department}：{rows[-1][1]}分 {evaluation.grade or ''} → {rows[-1][3]}")
    _write(args.out, {"结果应用汇总.xlsx": lambda: results_xlsx(year, rows, [f.row for f in failures])})
    return 0


def cmd_cycle_template(args: argparse.Namespace) -> int:
    """The fill-in workbook of targets or monitoring: blank, or filled from a department's YAML (--from)."""
    from jixiao.files.fileio import write_atomic
    from jixiao.model.problems import JixiaoError, Location, Problem

    from .workbook_out import monitoring_workbook, targets_workbook

    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        raise JixiaoError(
            [Problem("usage.out_suffix", "--out 应为 .xlsx 文件名，如 绩效目标申报表.xlsx。", Location(str(out)))]
        )
    if args.what == "targets":
        from .targets import load_targets

        sheet = load_targets(Path(args.source)) if args.source else None
        content = targets_workbook(sheet, args.kind)
    else:
        from .monitoring import load_monitoring

        content = monitoring_workbook(load_monitoring(Path(args.source)) if args.source else None)
    write_atomic(out, content)
    print(f"已写出：{out}")
    return 0


def add_parsers(add: Callable[..., argparse.ArgumentParser]) -> None:
    p = add("targets", "检查绩效目标申报表（targets.yaml）并输出申报表", cmd_targets)
    p.add_argument(
        "path",
        help="部门文件夹（含 targets.yaml）、targets.yaml 或填好的申报表（.xlsx/.xls/.et）；"
        "或财政部门的目录（每个部门一个子文件夹），汇总各部门的审核发现",
    )
    p.add_argument("--out", help="输出目录：绩效目标申报表.xlsx / .docx；目录汇总时为 绩效目标审核汇总.xlsx")
    p = add("monitor", "运行监控：按预警规则检查执行进度和目标进度", cmd_monitor)
    p.add_argument(
        "path",
        help="部门文件夹（含 monitoring.yaml）、monitoring.yaml 或填好的监控表（.xlsx/.xls/.et）；"
        "或财政部门的目录（每个部门一个子文件夹），汇总各部门的预警",
    )
    p.add_argument("--today", help="统计日期（默认今天），用于判断答复是否逾期")
    p.add_argument("--out", help="输出目录：运行监控表.xlsx；目录汇总时为 运行监控汇总.xlsx")
    p = add("recheck", "财政复核：复核分与自评分逐项对比", cmd_recheck)
    p.add_argument("path", help="部门文件夹（含 data.yaml 和 recheck.yaml）")
    p.add_argument("--recheck", help="复核记录文件（默认为部门文件夹中的 recheck.yaml）")
    p.add_argument(
        "--review",
        help="部门报送的自评报告或自评表：审核后，把得分与所列数据相矛盾的指标预填为复核建议（复核建议.yaml）",
    )
    p.add_argument("--rulebook")
    p.add_argument("--out", help="输出目录：复核差异表.xlsx、复核意见.docx")
    p = add("rectify", "整改台账及“上年问题整改情况”", cmd_rectify)
    p.add_argument("path", help="部门文件夹（含 rectification.yaml）或该文件；或财政部门的目录（每个部门一个子文件夹）")
    p.add_argument("--today", help="统计日期（默认今天）")
    p.add_argument("--out", help="输出目录：整改台账.xlsx；目录汇总时为 整改台账汇总.xlsx")
    p = add("cycle-template", "绩效目标申报表或运行监控的 Excel 填报模板", cmd_cycle_template)
    p.add_argument("what", choices=("targets", "monitoring"), help="targets（绩效目标申报表）或 monitoring（运行监控）")
    p.add_argument("--kind", choices=("department", "project"), default="department", help="部门整体或项目（绩效目标）")
    p.add_argument("--from", dest="source", help="用已有的 targets.yaml / monitoring.yaml（或其文件夹）填好模板")
    p.add_argument("--out", required=True, help="输出的 .xlsx 文件")
    p = add("results", "结果应用：按等级给出下年度预算安排建议（多个部门）", cmd_results)
    p.add_argument("path", help="包含各部门文件夹的目录")
    p.add_argument("--ruleset", default="national", help="全周期规则（默认 national）")
    p.add_argument("--out", help="输出目录：结果应用汇总.xlsx")
