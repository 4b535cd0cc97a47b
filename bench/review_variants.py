"""Benchmark: each corpus table laid out as other offices lay it out (review/variants.py) must review as the
original does, in .docx and .xlsx. Prints agreement per variant kind and, with -v, what differs.

Then the files' own messiness (review/tablefiles.py): each table written as a system or a clerk leaves a real
file (formulas without cached values, number formats, numbers as text, hidden rows/columns/sheets, a table
from C5, Word rows begun by gridBefore, a table nested in a frame, 修订 left on, a form filled through content
controls) must review as the clean file does; and each table with the next one in one workbook (one under the
other in a sheet, one per sheet) as the two apart: reviewed table by table (review/tableparts.py), each table
as its own clean file (department, score tables, findings).
--no-files leaves those out; --files runs only them.
Run: .venv/bin/python bench/review_variants.py [-v] [--kinds a,b] [--files|--no-files] [ID …]
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from jixiao.review import review_file
from jixiao.review.corpus import load_corpus
from jixiao.review.source import read_source
from jixiao.review.tableparts import review_file_tables
from jixiao.review.variantcompare import compare, compare_files, compare_pair


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    files, layouts = "--no-files" not in argv, "--files" not in argv
    kinds = None
    if "--kinds" in argv:
        at = argv.index("--kinds")
        kinds = argv[at + 1].split(",")
        argv = argv[:at] + argv[at + 2 :]
    wanted = [a for a in argv if not a.startswith("-")]
    docs = [d for d in load_corpus() if d.is_table and (not wanted or any(w in d.id for w in wanted))]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    filed: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for i, d in enumerate(docs):
        doc = read_source(d.folder / "document.txt")
        with tempfile.TemporaryDirectory() as tmp:
            runs = []
            if layouts:
                runs.append((counts, compare(doc, review_file, Path(tmp), kinds=kinds)))
            if files:
                runs.append((filed, compare_files(doc, review_file, Path(tmp), kinds=kinds)))
                if len(docs) > 1:
                    other = read_source(docs[(i + 1) % len(docs)].folder / "document.txt")
                    runs.append((filed, compare_pair(doc, other, review_file_tables, Path(tmp), kinds=kinds)))
            for tally, results in runs:
                for kind, fmt, agrees, what in results:
                    tally[kind][0] += agrees
                    tally[kind][1] += 1
                    if not agrees and verbose:
                        print(f"{d.id[:40]:<40} {kind:<22}{fmt:<5} {what[:300]}", flush=True)
    for tally, what in ((counts, ".docx and .xlsx"), (filed, "real files' messiness")):
        if not tally:
            continue
        total = [sum(c[0] for c in tally.values()), sum(c[1] for c in tally.values())]
        for kind, (ok, n) in tally.items():
            print(f"{kind:<24}{ok:>5}/{n:<5}")
        print(f"{'all':<24}{total[0]:>5}/{total[1]:<5} ({len(docs)} tables, {what})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
