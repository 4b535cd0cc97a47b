"""Benchmark: every corpus document as an OFD reviews as its .docx (issue 20).

Each document of the review corpus is written as .docx and as OFDs in the manners of tests/test_ofd.py's writer
(corpus_ofd): unruled (text runs only: tables rebuilt from positions), and ruled as 数科 (suwell: stroked lines, a
template), 福昕 (foxit: a TextObject a glyph, rules as thin filled bars) and the national system (rows in
PageBlocks, wrapped cells, rules in a CompositeObject, a stamp), and turned (each table turned a quarter on pages
of its own, as a landscape table on portrait pages). Each OFD's review is compared with the .docx's
on what the tests compare (tests/review_support.py: department, year, total, grade, score tables with each row's
name, 分值 and 得分, and findings). Prints the documents that differ and the fields, agreement per manner, and the
CPU time of reading the OFDs against reading the .docx in the same run.

Run: .venv/bin/python bench/review_ofd.py [--manners unruled suwell …] [--only PREFIX …]
(about 5 minutes for 245 documents in five manners on the shared machine)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' OFD writer and review summary

from jixiao.review.corpus import load_corpus, write_docx
from jixiao.review.source import read_source
from tests.review_support import review_summary
from tests.test_ofd import corpus_ofd

FIELDS = ("department", "year", "total", "grade", "tables", "findings")
MANNERS = ("unruled", "suwell", "foxit", "national", "turned")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--manners", nargs="*", default=list(MANNERS), choices=MANNERS)
    parser.add_argument("--only", nargs="*", help="corpus folders (their first letters) to run")
    args = parser.parse_args()
    items = [i for i in load_corpus() if not args.only or i.folder.name.startswith(tuple(args.only))]
    agree = dict.fromkeys(args.manners, 0)
    differing: dict[str, list[str]] = {m: [] for m in args.manners}
    seconds = {"docx": 0.0, **dict.fromkeys(args.manners, 0.0)}
    crashes = []
    with tempfile.TemporaryDirectory(prefix="jixiao-ofd-") as tmp:
        for n, item in enumerate(items):
            here = Path(tmp) / str(n)
            here.mkdir()
            name = item.folder.name
            line = [name[:40].ljust(40)]
            try:
                doc = read_source(item.folder / "document.txt")
                started = time.process_time()
                write_docx(doc, here / "报告.docx")
                original = review_summary(here / "报告.docx")
                seconds["docx"] += time.process_time() - started
                for manner in args.manners:
                    path = corpus_ofd(doc, here / f"{manner}.ofd", manner)
                    started = time.process_time()
                    other = review_summary(path)
                    seconds[manner] += time.process_time() - started
                    differ = [f for f, a, b in zip(FIELDS, original, other, strict=True) if a != b]
                    agree[manner] += not differ
                    if differ:
                        differing[manner].append(f"{name[:3]}({','.join(differ)})")
                    line.append(f"{manner} {'同' if not differ else '异:' + ','.join(differ)}")
            except Exception as exc:  # a crash is a result here: counted and shown, the run goes on
                crashes.append(name)
                line.append(f"崩溃：{type(exc).__name__}: {exc}")
                traceback.print_exc()
            print("  ".join(line), flush=True)
    print()
    for manner in args.manners:
        print(
            f"{manner}: 与 .docx 审核结果一致 {agree[manner]}/{len(items)}；"
            f"不一致：{'、'.join(differing[manner]) or '无'}；"
            f"审核 CPU {seconds[manner]:.1f} s（同一轮 .docx {seconds['docx']:.1f} s）"
        )
    print(f"崩溃：{len(crashes)}{'（' + '、'.join(crashes) + '）' if crashes else ''}")


if __name__ == "__main__":
    main()
