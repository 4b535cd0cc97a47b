"""Benchmark: each corpus table laid out as other offices lay it out (review/variants.py) must review as the
original does, in .docx and .xlsx. Prints agreement per variant kind and, with -v, what differs.
Run: .venv/bin/python bench/review_variants.py [-v] [--kinds a,b] [ID …]
"""

from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

from jixiao.review import review_file
from jixiao.review.corpus import load_corpus
from jixiao.review.source import read_source
from jixiao.review.variantcompare import compare


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    kinds = None
    if "--kinds" in argv:
        at = argv.index("--kinds")
        kinds = argv[at + 1].split(",")
        argv = argv[:at] + argv[at + 2 :]
    wanted = [a for a in argv if not a.startswith("-")]
    docs = [d for d in load_corpus() if d.is_table and (not wanted or any(w in d.id for w in wanted))]
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for d in docs:
        with tempfile.TemporaryDirectory() as tmp:
            for kind, fmt, agrees, what in compare(
                read_source(d.folder / "document.txt"), review_file, Path(tmp), kinds=kinds
            ):
                counts[kind][0] += agrees
                counts[kind][1] += 1
                if not agrees and verbose:
                    print(f"{d.id[:40]:<40} {kind:<22}{fmt:<5} {what[:300]}", flush=True)
    total = [sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())]
    for kind, (ok, n) in counts.items():
        print(f"{kind:<24}{ok:>5}/{n:<5}")
    print(f"{'all':<24}{total[0]:>5}/{total[1]:<5} ({len(docs)} tables, .docx and .xlsx)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
