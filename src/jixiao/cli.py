"""The `jixiao` command: parse arguments, call the pipeline, print. Messages are Chinese.

Exit codes (README: Exit codes): 0 done and clean; 1 the input has errors (all printed as file:line: message),
including a score whose consistency checks found 错误 (unless --allow-errors); 2 wrong usage or a file problem
(missing, unreadable, refused by a limit of jixiao.files.guard, an unusable --out, a PDF asked for and not made);
3 an internal error only (printed without a traceback unless JIXIAO_DEBUG=1).

Each command imports the part of jixiao it runs inside its function ("per command" below): the core (YAML,
rulebooks, engine) takes about half a second to load and the document, spreadsheet, database and web libraries
more, so `jixiao --help` loads none of them (tests/test_imports.py, bench/startup.py).
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, cast

from .batch.cli import add_parsers as add_batch_parsers
from .cycle.cli import add_parsers as add_cycle_parsers
from .web.cli import add_parsers as add_web_parsers

if TYPE_CHECKING:  # the commands import the core when they run, so that --help stays quick
    from jixiao.model.problems import JixiaoError, Problem
    from jixiao.scoring.rulebook import Rulebook

__all__ = ["main"]


# argparse's own words — the usage line, the section titles, -h's help and its errors — in Chinese. argparse looks
# each up through its module's gettext functions when it is used, so the table serves every parser of the process.
_ARGPARSE_WORDS = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必填的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有 %(value)r 这一项（可选：%(choices)s）",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有 %(parser_name)r 这个命令（可用：%(choices)s）",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的值",
    "expected one argument": "后面应跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少应跟一个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "参数 %s 中须填写一个",
    "ignored explicit argument %r": "多余的值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "expected %s argument": "后面应跟 %s 个值",
}


def _in_chinese(text: str) -> str:
    return _ARGPARSE_WORDS.get(text, text)


def _in_chinese_n(singular: str, plural: str, n: int) -> str:
    return _ARGPARSE_WORDS.get(singular, singular if n == 1 else plural)


argparse._ = _in_chinese  # type: ignore[attr-defined]
argparse.ngettext = _in_chinese_n  # type: ignore[attr-defined]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse's English errors, said in Chinese
        self.print_usage(sys.stderr)
        print(f"用法错误：{message}（jixiao --help 查看帮助）", file=sys.stderr)
        raise SystemExit(2)


def _print_problems(problems: Sequence[Problem], as_json: bool = False) -> None:
    from jixiao.model.problems import Severity  # per use: --help loads none of the core

    if as_json:
        print(json.dumps({"problems": [p.as_dict() for p in problems]}, ensure_ascii=False, indent=2))
        return
    for p in problems:
        print(p.format(), file=sys.stderr)
    errors = sum(1 for p in problems if p.severity is Severity.ERROR)
    if errors:
        print(f"共 {errors} 个错误，请修改后重试。", file=sys.stderr)


def _notable(findings: list[Problem]) -> list[Problem]:
    """Consistency findings worth showing beside a score (the full list is `jixiao check`)."""
    from jixiao.model.problems import Severity  # the core loads per command, so that --help stays quick

    return [f for f in findings if f.severity is not Severity.INFO]


def cmd_score(args: argparse.Namespace) -> int:
    # The core loads per command (jixiao --help stays light): see tests/test_imports.py.
    from jixiao.model.checks import check_consistency
    from jixiao.model.problems import Severity
    from jixiao.scoring.engine import evaluate, evaluate_projects
    from jixiao.scoring.explain import evaluation_to_dict

    from .pipeline import prepare
    from .render.text import render_score_text

    prepared = prepare(Path(args.path), args.rulebook)
    title = prepared.rulebook.report.get("score_table_title", "表 1：自评得分一览表")
    if prepared.rulebook.kind == "project":
        evaluations = evaluate_projects(prepared.rulebook, prepared.data)
        if args.json:
            head = {"department": prepared.data.name, "year": prepared.data.year, "rulebook": prepared.rulebook.id}
            print(
                json.dumps(
                    {**head, "projects": [{"project": e.subject, **evaluation_to_dict(e)} for e in evaluations]},
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return 0
        _print_problems(prepared.warnings)
        if not evaluations:
            print("数据中没有二级项目（projects），项目支出绩效自评无从计算。", file=sys.stderr)
            return 1
        for evaluation in evaluations:
            print(render_score_text(evaluation, f"{title}：{evaluation.subject}", prepared.rulebook.strip_zeros))
            print()
        return 0
    evaluation = evaluate(prepared.rulebook, prepared.data)
    findings = _notable(check_consistency(prepared.data))
    # exit 1 when the figures disagree (错误), so that a script never takes such a score as clean
    failed = 0 if args.allow_errors or not any(f.severity is Severity.ERROR for f in findings) else 1
    if args.json:
        print(json.dumps(evaluation_to_dict(evaluation), ensure_ascii=False, indent=2))
        return failed
    _print_problems([*prepared.warnings, *findings])
    print(render_score_text(evaluation, title, prepared.rulebook.strip_zeros))
    if failed:
        print("数据核对发现错误，得分仅供参考（退出码 1；确认无误可加 --allow-errors）。", file=sys.stderr)
    return failed


def cmd_explain(args: argparse.Namespace) -> int:
    from jixiao.scoring.explain import explain_node  # per command

    from .pipeline import run

    _, evaluation = run(Path(args.path), args.rulebook)
    node = evaluation.find(args.indicator)
    if node is None:
        names = "、".join(f"{n.id}（{n.name}）" for n in evaluation.leaves())
        print(f"找不到指标“{args.indicator}”。可用的指标编号或名称：{names}", file=sys.stderr)
        return 2  # an unknown id on the command line is a usage problem (README: exit codes)
    print(explain_node(node))
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from jixiao.files.guard import check_output_dir

    from .pipeline import run  # per command
    from .report.write import FORMATS, write_report  # document libraries load only for this command

    formats = tuple(f.strip() for f in args.format.split(",") if f.strip()) if args.format is not None else None
    unknown = [f for f in formats or () if f not in FORMATS]
    if unknown or formats == ():
        said = f"不支持的格式：{'、'.join(unknown)}" if unknown else "未指定任何格式"
        print(f"{said}。可用格式：{'、'.join(FORMATS)}（逗号分隔）", file=sys.stderr)
        return 2
    # output checked before the work
    check_output_dir(Path(args.out))
    prepared, evaluation = run(Path(args.path), args.rulebook)
    _print_problems(prepared.warnings)
    print(f"正在生成报告：{prepared.data.name} {prepared.data.year}年度 …", file=sys.stderr)
    result = (
        write_report(prepared, evaluation, Path(args.out), formats)
        if formats
        else write_report(prepared, evaluation, Path(args.out))
    )
    for warning in result.warnings:
        print(f"提示：{warning}", file=sys.stderr)
    total = evaluation.total if evaluation.total is not None else "不完整"
    print(f"总分 {total}，等级 {evaluation.grade or '—'}。已生成 {len(result.files)} 个文件：")
    for path in result.files:
        print(f"  {path}")
    if formats and "pdf" in formats and not any(p.suffix == ".pdf" for p in result.files):
        print("所要求的 PDF 未能生成（原因见上方提示），其余文件已生成（退出码 2）。", file=sys.stderr)
        return 2
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from jixiao.files.fileio import write_atomic
    from jixiao.files.template import write_template  # per command
    from jixiao.scoring.rulebook import load_rulebook

    from .pipeline import prepare

    data = None
    rulebook: Rulebook | None  # none: the template for any rulebook
    rulebook_id = args.rulebook
    if args.source:
        from .cycle.template_data import template_source  # per command: the approved 年度指标值 (docs/cycle.md)

        prepared = prepare(template_source(Path(args.source)), args.rulebook)
        data, rulebook = prepared.data, prepared.rulebook
        _print_problems(prepared.warnings)
    else:
        rulebook = load_rulebook(rulebook_id) if rulebook_id else None
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        print(f"输出文件应以 .xlsx 结尾：{out}", file=sys.stderr)
        return 2
    write_atomic(out, write_template(rulebook, data))
    what = f"（已填入 {data.name} {data.year}年度的数据）" if data else ""
    print(f"已生成填报模板{what}：{out}")
    return 0


def _progress(done: int, total: int, path: Path) -> None:
    from .formats.containers import printable  # per use, as every command's imports: --help loads none of the core

    width = 30
    filled = width * done // max(total, 1)
    line = f"审核 [{'#' * filled}{'.' * (width - filled)}] {done}/{total} {printable(path.name)}"
    if sys.stderr.isatty():
        print(f"\r{line[:100]:<100}", end="" if done < total else "\n", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr)


def cmd_review(args: argparse.Namespace) -> int:
    from jixiao.files.fileio import write_atomic  # per command
    from jixiao.files.guard import check_output_dir
    from jixiao.model.problems import JixiaoError, Severity

    from .review.output import (
        opinion_docx,
        render_review_text,
        review_folder,
        review_to_dict,
        shown_name,
        summary_workbook,
    )
    from .review.tableparts import review_file_tables  # per command

    path = Path(args.path)
    out = Path(args.out) if args.out else None
    if out is not None:
        # output checked before the work
        check_output_dir(out)
    if path.is_dir() or path.suffix.lower() in (".zip", ".7z", ".rar", ".eml"):  # a folder, an archive, a mail
        results = review_folder(path, args.rulebook, _progress, args.jobs or os.cpu_count() or 1)
        if not results:
            where = "目录" if path.is_dir() else "压缩包"
            print(
                f"{where}中没有可审核的报告（.docx、.doc、.pdf、.ofd、.txt、.xlsx、.zip 等）：{path}", file=sys.stderr
            )
            return 1
        target = out or (path if path.is_dir() else path.parent)
        target /= "审核汇总.xlsx" if path.is_dir() else f"{path.stem}_审核汇总.xlsx"
        write_atomic(target, summary_workbook(results))
        if args.json:
            print(
                json.dumps(
                    [
                        review_to_dict(r)
                        if not isinstance(r, JixiaoError)
                        else {"file": str(p), "problems": [x.as_dict() for x in r.problems]}
                        for p, r in results
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
        else:
            for file, result in results:
                if isinstance(result, JixiaoError):
                    print(f"{shown_name(file)}：无法审核（{result.problems[0].message}）")
                else:
                    print(
                        f"{shown_name(file)}：{result.department or '（部门未识别）'}，"
                        f"错误 {result.count(Severity.ERROR)}，警告 {result.count(Severity.WARNING)}，"
                        f"提示 {result.count(Severity.INFO)}"
                    )
            print(f"已生成审核汇总表：{target}")
        refused = [r for _, r in results if isinstance(r, JixiaoError)]
        if len(refused) == len(results):  # nothing could be reviewed (the archive itself, or every file in it): as a
            return max(r.exit_code for r in refused)  # file that cannot be read is; the summary says why for each
        return 0
    tables = review_file_tables(path, args.rulebook)  # a file of several projects' tables: a review a table
    if len(tables) > 1:
        if args.json:
            print(json.dumps([review_to_dict(r) for r in tables], ensure_ascii=False, indent=2))
        else:
            print(f"文件中有 {len(tables)} 张自评表（各自的项目或部门），逐表审核：\n")
            print("\n".join(render_review_text(r) for r in tables))
        if out is not None:
            for r in tables:
                write_atomic(out / f"审核意见_{r.path.name}.docx", opinion_docx(r))
            write_atomic(out / "审核汇总.xlsx", summary_workbook([(r.path, r) for r in tables]))
            if not args.json:
                print(f"已生成各表审核意见和审核汇总表：{out}")
        return 0
    result = tables[0]
    if args.json:
        print(json.dumps(review_to_dict(result), ensure_ascii=False, indent=2))
    else:
        print(render_review_text(result))
    if out is not None:
        write_atomic(out / "审核意见.docx", opinion_docx(result))
        write_atomic(out / "审核结果.json", json.dumps(review_to_dict(result), ensure_ascii=False, indent=2).encode())
        if not args.json:
            print(f"已生成审核意见：{out / '审核意见.docx'}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from jixiao.model.checks import check_consistency  # per command
    from jixiao.model.problems import Severity

    from .pipeline import prepare

    prepared = prepare(Path(args.path), args.rulebook)
    findings = [*prepared.warnings, *check_consistency(prepared.data)]
    _print_problems(findings, args.json)
    errors = sum(1 for f in findings if f.severity is Severity.ERROR)
    if args.json:
        return 1 if errors else 0
    if errors:
        print(f"数据核对发现 {errors} 处不一致，请修改后重试。", file=sys.stderr)
        return 1
    print(f"检查通过：{prepared.data.name} {prepared.data.year}年度，指标体系 {prepared.rulebook.id}。")
    return 0


def cmd_rulebooks(args: argparse.Namespace) -> int:
    from jixiao.model.indicators import INDICATORS  # per command
    from jixiao.scoring.rulebook import CONFIDENCE, available_rulebooks, load_rulebook_with_problems

    if args.indicators:
        for name, d in INDICATORS.items():
            print(f"{name}\t{d.label}\t{d.formula}\t{d.source}")
        return 0
    known = available_rulebooks()
    if args.id == "diff":
        return _rulebooks_diff(args.others)
    if args.id and args.id not in known:
        print(f"找不到指标体系“{args.id}”。可用的指标体系：{'、'.join(known)}", file=sys.stderr)
        return 2
    for rid, path in known.items():
        if args.id and rid != args.id:
            continue
        rulebook, problems = load_rulebook_with_problems(str(path))
        if rulebook is None:
            _print_problems(problems)
            continue
        leaves = rulebook.leaves()
        official = sum(1 for leaf in leaves if leaf.rule and leaf.rule.confidence == "official")
        groups = [n for root in rulebook.roots for n in root.walk() if n.targets is not None]
        print(f"{rid}\t{rulebook.title}")
        kind_name = _KIND_NAMES.get(rulebook.kind, rulebook.kind)
        print(f"  地区：{rulebook.region}；类型：{kind_name}；年度：{rulebook.year}")
        print(f"  来源：{rulebook.source.get('document', '—')}{_source_tail(rulebook.source)}")
        share = f"{official * 100 // len(leaves)}%" if leaves else "—"
        print(
            f"  规则：{len(leaves)} 项，其中 {official} 项来自{CONFIDENCE['official']}，"
            f"{len(leaves) - official} 项{CONFIDENCE['inferred']}；官方规则占 {share}；总分 {rulebook.total}"
        )
        if rulebook.extends:
            shown = f"jixiao rulebooks diff {rulebook.extends} {rid}"
            print(f"  继承自 {rulebook.extends}，修改 {len(rulebook.changes)} 处（{shown}）")
        plain = [n.name for n in groups if not n.standard]  # 10号's method, unless the table prints its own
        if plain:
            print(f"  {'、'.join(plain)}的三级指标取自填报的绩效指标（绩效指标表），按财预〔2020〕10号方法计分")
        for group in (n for n in groups if n.standard):
            print(f"  {group.name}的三级指标取自填报的绩效指标（绩效指标表），计分方法：{group.standard}")
        if rulebook.supplementary:
            print(f"  另有{rulebook.supplementary_title}")
        if args.facts:
            for key, fact in rulebook.facts.items():
                print(f"  事实 {key}：{fact.question}（{'/'.join(fact.answers)}）")
    return 0


_KIND_NAMES = {"department": "部门整体", "project": "项目支出"}


def _source_tail(source: dict[str, str]) -> str:
    parts = [source[k] for k in ("number", "date") if source.get(k) and not source[k].startswith("未取得")]
    return f"（{'，'.join(parts)}）" if parts else ""


def _rulebooks_diff(ids: list[str]) -> int:
    from jixiao.model.problems import JixiaoError
    from jixiao.scoring.rulebook import load_rulebook  # per command
    from jixiao.scoring.rulebook_changes import diff_rulebooks

    if len(ids) != 2:
        example = "mof/project/2020 mof/project/2021"
        print(f"用法：jixiao rulebooks diff 指标体系A 指标体系B（如 {example}）", file=sys.stderr)
        return 2
    try:
        a, b = load_rulebook(ids[0]), load_rulebook(ids[1])
    except JixiaoError as exc:
        _print_problems(exc.problems)
        return 2
    lines = diff_rulebooks(a, b)
    print(f"{a.id} → {b.id}：{len(lines)} 处不同" if lines else f"{a.id} 与 {b.id} 无差别")
    for line in lines:
        print(f"  {line}")
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jixiao", description="预算绩效自评：评分、解释、检查与报告")
    sub = parser.add_subparsers(
        dest="command",
        required=True,
        parser_class=_Parser,
        metavar="命令",
        help="下列命令之一；jixiao 命令 -h 查看其用法",
    )

    def add(name: str, helptext: str, func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=helptext, description=helptext)
        p.set_defaults(func=func)
        return p

    p = add("score", "计算得分并打印自评得分一览表", cmd_score)
    p.add_argument("path", help="数据文件（.yaml / .xlsx / .xls / .et）或其所在目录")
    p.add_argument("--rulebook", help="指标体系编号或文件路径")
    p.add_argument("--json", action="store_true", help="以 JSON 输出")
    p.add_argument("--allow-errors", action="store_true", help="数据核对有错误时仍以退出码 0 结束")
    p = add("explain", "解释某一指标的得分过程", cmd_explain)
    p.add_argument("path")
    p.add_argument("indicator", help="指标编号或名称，如 budget_execution 或 预算执行率")
    p.add_argument("--rulebook")
    p = add("report", "生成自评报告（Word、PDF、HTML）及附件表（Excel）", cmd_report)
    p.add_argument("path")
    p.add_argument("--rulebook")
    p.add_argument("--out", required=True, help="输出目录")
    p.add_argument("--format", help="逗号分隔：docx,pdf,html,xlsx,md（默认 docx,pdf,html,xlsx）")
    p = add("template", "生成 Excel 填报模板（可用 --from 填入已有数据）", cmd_template)
    p.add_argument("--rulebook", help="指标体系编号（决定“定性事实”等表的内容）")
    p.add_argument("--from", dest="source", help="把该数据（.yaml 或目录）填入模板")
    p.add_argument("--out", required=True, help="输出文件，如 填报模板.xlsx")
    p = add("review", "审核他人撰写的自评报告（.docx/.doc、.pdf 含扫描件、.ofd、.txt、.xlsx/.xls 或目录）", cmd_review)
    p.add_argument("path", help="报告文件或包含多份报告的目录")
    p.add_argument("--rulebook", help="指标体系编号（默认按报告内容自动判断）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出审核意见")
    p.add_argument("--out", help="输出目录：单份报告写审核意见.docx，目录写审核汇总.xlsx")
    p.add_argument("--jobs", type=int, help="审核目录或压缩包时并行的进程数（默认为 CPU 核数）")
    add_batch_parsers(add)
    p = add("check", "只检查数据，不评分", cmd_check)
    p.add_argument("path")
    p.add_argument("--rulebook")
    p.add_argument("--json", action="store_true")
    p = add("rulebooks", "列出可用的指标体系", cmd_rulebooks)
    p.add_argument("id", nargs="?", help="只显示该指标体系；或 diff A B 比较两个指标体系")
    p.add_argument("others", nargs="*", help=argparse.SUPPRESS)
    p.add_argument("--facts", action="store_true", help="同时列出需要填报的定性事实")
    p.add_argument("--indicators", action="store_true", help="列出全部计算指标及公式")
    add_web_parsers(add)
    add_cycle_parsers(add)
    return parser


def _jixiao_error() -> type[Exception] | tuple[()]:
    """JixiaoError once a command has loaded it (--help never does: the core loads per command); an exception
    clause evaluated after the command raised, so a JixiaoError raised is always caught as one."""
    problems = sys.modules.get("jixiao.model.problems")
    return problems.JixiaoError if problems is not None else ()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    from .files.diskcache import keep_dataclass_code  # after parsing: `jixiao --help` loads none of the core

    keep_dataclass_code()  # the dataclasses' methods compiled once per installation (issue 15: start-up)
    # At exit the collector skips every object: it would scan the ~20,000 the process is about to free anyway
    # (issue 15: ~40 ms CPU of every `jixiao review`). Exit handlers, closing and flushing still run as before.
    atexit.register(gc.freeze)
    try:
        return args.func(args)
    except _jixiao_error() as caught:
        exc = cast("JixiaoError", caught)  # _jixiao_error() names only JixiaoError
        _print_problems(exc.problems, getattr(args, "json", False))
        return exc.exit_code
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stderr.close()
        return 0
    except OSError as exc:  # a path the system refuses (too long, no permission, a device): a file problem
        where = exc.filename if exc.filename is not None else getattr(args, "path", "") or "<输入>"
        print(
            f"{str(where)[:200]}: 错误[file.os_error] 无法访问该路径（{exc.strerror or type(exc).__name__}）。"
            "请检查路径是否正确、是否过长，以及读写权限。",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # never a traceback to a user
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        print(
            f"内部错误：{type(exc).__name__}: {exc}。请将此信息和输入文件反馈给开发人员"
            "（设置环境变量 JIXIAO_DEBUG=1 可查看详细信息）。",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
