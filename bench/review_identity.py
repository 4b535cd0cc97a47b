"""Benchmark: who and when — the kind, province, department, implementing unit (实施单位), year and rulebook the
review reads from each real document of tests/fixtures/review_corpus, against its hand-checked truth.

Per document: each field that is not right, as read vs as the truth has it (-v: every field). In total, per
field: right, wrong, missed, spurious (read where the document states none), honest unknowns, precision and
recall (review/identity_score.py says how each is counted; precision first: no year beats a wrong one).
Only the document.txt of each document is reviewed (bench/review_corpus.py holds every format to the same
findings). Run: .venv/bin/python bench/review_identity.py [-v] [ID …]
"""

from __future__ import annotations

import sys

from jixiao.review import review_file
from jixiao.review.corpus import load_corpus
from jixiao.review.identity_score import FIELDS, precision_recall, score_identity, totals

_NAMES = {
    "kind": "类型",
    "province": "省份",
    "department": "部门",
    "unit": "实施单位",
    "year": "年度",
    "rulebook": "指标体系",
}
_OUTCOMES = {"right": "对", "wrong": "错", "missed": "漏", "spurious": "多", "unknown": "均无"}


def _pct(a: int, b: int) -> str:
    return f"{a}/{b} = {a / b:.1%}" if b else "—"


def main(argv: list[str]) -> int:
    verbose = "-v" in argv
    wanted = [a for a in argv if not a.startswith("-")]
    docs = [d for d in load_corpus() if not wanted or any(w in d.id for w in wanted)]
    scores = []
    for d in docs:
        path = d.folder / "document.txt"
        s = score_identity(d.id, d.truth, path, review_file(path))
        scores.append(s)
        shown = [f for f in FIELDS if f in s.outcomes and (verbose or s.outcomes[f] not in ("right", "unknown"))]
        if shown:
            print(d.id)
        for f in shown:
            print(f"    {_NAMES[f]:<6}{_OUTCOMES[s.outcomes[f]]}  读出“{s.read[f]}”  应为“{s.truth[f]}”")
    print(f"\n合计 {len(scores)} 份")
    print(f"{'':<8}{'对':>5}{'错':>5}{'漏':>5}{'多':>5}{'均无':>5}   {'精确率':<22}{'召回率'}")
    for name, counts in totals(scores).items():
        (right, read), (_, stated) = precision_recall(counts)
        print(
            f"{_NAMES[name]:<8}"
            + "".join(f"{counts[o]:>6}" for o in _OUTCOMES)
            + f"   {_pct(right, read):<24}{_pct(right, stated)}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
