"""Narrative review measured on the narrative half of the review corpus (tests/fixtures/review_corpus/n*/).

Prints, per document and in total: figures extracted vs the hand count (with value, unit and subject right),
the extraction's precision on documents that list every figure, truth inconsistencies caught (recall), findings
that are about a real inconsistency (precision), findings raised on relationships checked and found consistent,
false errors, figures per report and milliseconds per report.

    .venv/bin/python bench/review_narrative.py [CORPUS_DIR]

How a finding catches a truth item and a figure matches a hand-counted one: jixiao.review.narrative.truth.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml

from jixiao.model.problems import Severity
from jixiao.review.narrative import extract_narrative_figures, narrative_findings
from jixiao.review.narrative.truth import catches, match_figures
from jixiao.review.source import read_source

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "review_corpus"


def main(corpus: Path = CORPUS) -> None:
    totals = dict.fromkeys(
        (
            "docs",
            "truth_figures",
            "found",
            "meaning",
            "listed_docs_extracted",
            "listed_docs_right",
            "real",
            "caught",
            "findings",
            "true_findings",
            "on_consistent",
            "false_errors",
            "figures",
        ),
        0,
    )
    seconds = 0.0
    print(
        f"{'document':58} {'fig hand':>8} {'found':>5} {'meaning':>7} {'extr.':>5} {'incons':>6} {'caught':>6} "
        f"{'finds':>5} {'false':>5} {'ms':>6}"
    )
    for folder in sorted(corpus.glob("n*")):
        document, truth_file = folder / "document.txt", folder / "truth.yaml"
        if not document.exists() or not truth_file.exists():
            continue
        truth = yaml.safe_load(truth_file.read_text(encoding="utf-8")) or {}
        start = time.perf_counter()
        doc = read_source(document)
        figures = extract_narrative_figures(doc)
        problems = narrative_findings(doc, figures)
        elapsed = time.perf_counter() - start
        seconds += elapsed
        hand = truth.get("figures") or []
        text_figures = [f for f in figures if f.cell is None]
        found = match_figures(hand, text_figures, meaning=False)
        meaning = match_figures(hand, text_figures, meaning=True)
        if hand:
            totals["listed_docs_extracted"] += len(text_figures)
            totals["listed_docs_right"] += meaning
        real = truth.get("inconsistencies") or []
        caught = sum(1 for item in real if any(catches(p, item) for p in problems))
        flagged = [p for p in problems if p.severity in (Severity.ERROR, Severity.WARNING)]
        true_findings = [p for p in flagged if any(catches(p, item) for item in real)]
        false = [p for p in flagged if p not in true_findings]
        consistent = truth.get("consistent") or []
        on_consistent = sum(1 for p in false if any(catches(p, item) for item in consistent))
        false_errors = sum(1 for p in false if p.severity is Severity.ERROR)
        for key, value in (
            ("docs", 1),
            ("truth_figures", len(hand)),
            ("found", found),
            ("meaning", meaning),
            ("real", len(real)),
            ("caught", caught),
            ("findings", len(flagged)),
            ("true_findings", len(true_findings)),
            ("on_consistent", on_consistent),
            ("false_errors", false_errors),
            ("figures", len(figures)),
        ):
            totals[key] += value
        print(
            f"{folder.name[:58]:58} {len(hand):8} {found:5} {meaning:7} {len(text_figures):5} {len(real):6} "
            f"{caught:6} {len(flagged):5} {len(false):5} {elapsed * 1000:6.1f}"
        )
        for p in false:
            print(
                f"    not in truth: {p.severity.value} {p.code} {p.location.place if p.location else ''}: "
                f"{p.message[:160]}"
            )
    t = totals
    docs = max(t["docs"], 1)

    def pct(a: int, b: int) -> str:
        return f"{100 * a / b:.1f}%" if b else "n/a"

    print()
    print(f"documents: {t['docs']}")
    print(
        f"hand-counted figures: {t['truth_figures']}; extracted (value and unit): {t['found']} "
        f"({pct(t['found'], t['truth_figures'])}); with the right meaning (subject too): {t['meaning']} "
        f"({pct(t['meaning'], t['truth_figures'])})"
    )
    print(
        f"extraction precision on documents with a hand count: {t['listed_docs_right']} of "
        f"{t['listed_docs_extracted']} text figures match a hand-counted one "
        f"({pct(t['listed_docs_right'], t['listed_docs_extracted'])})"
    )
    print(f"real inconsistencies: {t['real']}; caught: {t['caught']} (recall {pct(t['caught'], t['real'])})")
    print(
        f"warnings and errors: {t['findings']}; about a real inconsistency: {t['true_findings']} "
        f"(precision {pct(t['true_findings'], t['findings'])}); raised on a `consistent` item: "
        f"{t['on_consistent']}; false errors: {t['false_errors']}"
    )
    print(f"figures per report: {t['figures'] / docs:.1f}; time per report: {seconds * 1000 / docs:.1f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS)
