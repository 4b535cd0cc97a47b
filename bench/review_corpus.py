"""Benchmark: the review on real published documents (tests/fixtures/review_corpus), in every format.

Per document and in total: recall (hand-found inconsistencies caught), precision (warnings and errors that
are about a real inconsistency; hints do not count), false errors, crashes, formats that disagree, figures
extracted against the hand count (narrative documents with `figures:`, when review/narrative is present),
and the time per review. Goals (issue 11): recall ≥ 80%, precision ≥ 90%, no false error, no crash, every
format agreeing. Run: .venv/bin/python bench/review_corpus.py [-v] [--formats N|all] [ID …]

--formats N|all (issue 20) then runs bench/review_formats.py on the same documents: each also as .doc/.xls
(LibreOffice) and, for N of them or all, as an image-only scan at 150 dpi, with agreement per document and in
total (department, year, total, grade, score tables, findings), OCR CPU time per page and figures read per page
(goals: ≥ 95% of documents agreeing, OCR ≤ 2 s a page on one core, no crash). --formats all takes about 10 minutes
on a quiet machine, more beside other work.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from jixiao.review import review_file
from jixiao.review.corpus import load_corpus, score_document
from jixiao.review.identity_score import IdentityScore, precision_recall, totals


def _extractor():
    try:
        from jixiao.review.narrative import extract_narrative_figures
    except ImportError:
        return None
    return extract_narrative_figures


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.0%}" if b else "—"


def _print_identity(scores: list) -> None:
    """Kind, province, department, unit, year and rulebook against the truth (bench/review_identity.py per document)."""
    counts = totals([IdentityScore(s.id, s.identity) for s in scores])
    parts = []
    for name, label in (
        ("kind", "类型"),
        ("province", "省份"),
        ("department", "部门"),
        ("unit", "实施单位"),
        ("year", "年度"),
        ("rulebook", "指标体系"),
    ):
        (right, read), (_, stated) = precision_recall(counts[name])
        if read or stated:
            parts.append(f"{label} 精确 {_pct(right, read)}、召回 {_pct(right, stated)}")
    print("  身份识别：" + "；".join(parts))


def _formats_option(argv: list[str]) -> tuple[str | None, list[str]]:
    """'--formats N|all' taken out of argv: its value (None when absent) and the rest."""
    if "--formats" not in argv:
        return None, argv
    at = argv.index("--formats")
    following = argv[at + 1] if at + 1 < len(argv) else ""
    if following == "all" or following.isdigit():
        return following, argv[:at] + argv[at + 2 :]
    return "all", argv[:at] + argv[at + 1 :]


def main(argv: list[str]) -> int:
    formats, argv = _formats_option(argv)
    verbose = "-v" in argv
    wanted = [a for a in argv if not a.startswith("-")]
    docs = [d for d in load_corpus() if not wanted or any(w in d.id for w in wanted)]
    extract = _extractor()
    scores = [score_document(d, review_file, extract) for d in docs]
    print(f"{'文档':<48}{'召回':>10}{'精确':>10}{'误报错误':>6}{'崩溃':>4}{'格式不一':>6}{'数据提取':>10}{'用时':>8}")
    for s in scores:
        figures = _pct(s.figures_found, s.figures_hand) if s.figures_found is not None else "—"
        print(
            f"{s.id:<48}{_pct(len(s.caught), s.truth_items):>12}{_pct(s.true_findings, s.counted):>12}"
            f"{len(s.false_errors):>6}{len(s.crashes):>4}{len(s.disagree):>6}{figures:>14}{s.seconds * 1000:>7.0f}ms"
        )
        if verbose:
            for line in s.missed:
                print(f"    漏检 {line}")
            for line in s.false_findings:
                print(f"    误报 {line}")
            for line in s.crashes + s.disagree:
                print(f"    ！ {line}")
    items = sum(s.truth_items for s in scores)
    caught = sum(len(s.caught) for s in scores)
    true = sum(s.true_findings for s in scores)
    counted = sum(s.counted for s in scores)
    hand = sum(s.figures_hand for s in scores if s.figures_found is not None)
    found = sum(s.figures_found or 0 for s in scores)
    tables = sum(1 for d in docs if d.is_table)
    print(f"\n合计 {len(scores)} 份（表 {tables}，叙述 {len(docs) - tables}）")
    print(f"  召回率：{_pct(caught, items)}（目标 ≥ 80%）")
    print(f"  精确率：{_pct(true, counted)}（目标 ≥ 90%；提示不计）")
    for label, part in (
        ("表", [s for s, d in zip(scores, docs, strict=True) if d.is_table]),
        ("叙述", [s for s, d in zip(scores, docs, strict=True) if not d.is_table]),
    ):
        if part:
            print(
                f"    其中{label}：召回 {_pct(sum(len(s.caught) for s in part), sum(s.truth_items for s in part))}，"
                f"精确 {_pct(sum(s.true_findings for s in part), sum(s.counted for s in part))}"
            )
    false_errors, crashes = sum(len(s.false_errors) for s in scores), sum(len(s.crashes) for s in scores)
    print(f"  误报错误：{false_errors}（目标 0）；崩溃：{crashes}（目标 0）")
    print(f"  格式结论不一致的文档：{sum(1 for s in scores if s.disagree)}")
    if extract is not None and hand:
        print(f"  叙述数据提取：{_pct(found, hand)}（手工计数，值、单位、主体一致）")
    elif extract is None:
        print("  叙述数据提取：review/narrative 未安装，未计")
    _print_identity(scores)
    seconds = [s.seconds for s in scores if s.seconds]
    if seconds:
        print(f"  每份每种格式平均用时：{sum(seconds) / len(seconds) * 1000:.0f} ms")
    if formats is None:
        return 0
    print(f"\n各种格式（.doc/.xls 与扫描件，bench/review_formats.py --ocr {formats}）：", flush=True)
    only = ["--only", *(d.folder.name for d in docs)] if wanted else []
    script = Path(__file__).resolve().parent / "review_formats.py"
    return subprocess.run([sys.executable, str(script), "--ocr", formats, *only], check=False).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
