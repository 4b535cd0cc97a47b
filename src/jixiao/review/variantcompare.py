"""Every layout variant of a table document (variants.py, variantkinds.py) reviewed against the original: what a
layout must not change (`outcome`) and, per variant and format, whether it agrees (`compare`)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator

from jixiao.model.problems import Severity

from . import variantkinds
from . import variants as base
from .source import SourceDocument
from .variants import Variant
from .vocabulary import norm

__all__ = ["KINDS", "compare", "compare_files", "compare_pair", "outcome", "variants"]

KINDS: dict[str, Callable[[SourceDocument], Variant | None]] = {**base.KINDS, **variantkinds.KINDS}


def variants(doc: SourceDocument, kinds: list[str] | None = None) -> Iterator[Variant]:
    """Every applicable variant of a table document, in the order of KINDS (or of `kinds`)."""
    for kind in kinds or list(KINDS):
        variant = KINDS[kind](doc)
        if variant is not None:
            yield variant


_PLACE = re.compile(r"第\d+页\s*|表\d+\s*(第\d+行)?(第\d+列)?|第\d+行|第\d+列|第\d+段")


def _about(message: str) -> str:
    """A finding's place as the message names it: the indicators and rows it quotes (“年度资金总额”), which
    no layout changes, or else the message without its table coordinates. Figures and column words are left
    out: a layout may print the amounts in 元 or call the column 权重."""
    text = norm(message)
    quoted = re.findall(r"“([^”]*)”", text)
    return "|".join(quoted) if quoted else _PLACE.sub("", text).replace("％", "%")


def outcome(result, drops: frozenset[str] = frozenset()) -> tuple:
    """What a layout must not change: identity, kind, total, grade, score tables found, findings by code,
    severity and the indicators they name."""
    findings = Counter(
        (f.code, f.severity.value, _about(f.message))
        for f in result.findings
        if f.severity in (Severity.ERROR, Severity.WARNING) and f.code not in drops
    )
    return (
        result.department,
        result.year,
        result.kind,
        result.total,
        result.grade,
        len(result.tables),
        sorted(findings.items()),
    )


def compare(doc: SourceDocument, review, folder, formats=("docx", "xlsx"), kinds: list[str] | None = None):
    """Per variant and format: (kind, format, agrees, what differs). `review(path)` is review_file."""
    from .corpus import write_docx, write_xlsx

    writers = {"docx": write_docx, "xlsx": write_xlsx}
    for fmt in formats:
        original = folder / f"original.{fmt}"
        writers[fmt](doc, original)
        base = review(original)
        for variant in variants(doc, kinds):
            path = folder / f"{variant.kind}.{fmt}"
            writers[fmt](variant.document, path, variant.merges)
            try:
                result = review(path)
            except Exception as exc:  # a crash is a disagreement, reported with its type
                yield variant.kind, fmt, False, f"crash {type(exc).__name__}: {exc}"
                continue
            agrees, what = _differ(base, result, variant.drops)
            yield variant.kind, fmt, agrees, what


def _differ(base, result, drops: frozenset[str] = frozenset()) -> tuple[bool, str]:
    """Whether `result` reviews as `base` does (outcome), and what differs."""
    want, got = outcome(base, drops), outcome(result, drops)
    names = ("department", "year", "kind", "total", "grade", "tables")
    diff = [f"{n}: {a!r} → {b!r}" for n, a, b in zip(names, want, got, strict=False) if a != b]
    was, now = ({(f.code, _about(f.message)): f.message for f in r.findings} for r in (base, result))
    diff += [f"was: {m[:90]}" for k, m in was.items() if k not in now and k[0] not in drops]
    diff += [f"now: {m[:90]}" for k, m in now.items() if k not in was and k[0] not in drops]
    return got == want, "; ".join(diff) if got != want else ""


def compare_files(doc: SourceDocument, review, folder, kinds: list[str] | None = None):
    """Per file kind (tablefiles.FILE_KINDS: a real file's messiness): (kind, format, agrees, what differs) against
    the clean file of the same format."""
    from .corpus import write_docx, write_xlsx
    from .tablefiles import FILE_KINDS

    writers = {"docx": write_docx, "xlsx": write_xlsx}
    bases = {}
    for kind, (fmt, write) in FILE_KINDS.items():
        if kinds and kind not in kinds:
            continue
        path = folder / f"{kind}.{fmt}"
        if not write(doc, path):
            continue
        if fmt not in bases:
            writers[fmt](doc, folder / f"clean.{fmt}")
            bases[fmt] = review(folder / f"clean.{fmt}")
        try:
            result = review(path)
        except Exception as exc:  # a crash is a disagreement, reported with its type
            yield kind, fmt, False, f"crash {type(exc).__name__}: {exc}"
            continue
        agrees, what = _differ(bases[fmt], result)
        yield kind, fmt, agrees, what


def _found(result) -> Counter:
    return Counter(
        (f.code, f.severity.value, _about(f.message))
        for f in result.findings
        if f.severity in (Severity.ERROR, Severity.WARNING)
    )


def _reviews(review, path) -> list:
    """`review(path)` as a list: review_file gives one result, tableparts.review_file_tables one a table."""
    got = review(path)
    return got if isinstance(got, list) else [got]


def compare_pair(first: SourceDocument, second: SourceDocument, review, folder, kinds: list[str] | None = None):
    """Per pair kind (tablefiles.PAIR_KINDS: two projects' tables in one workbook): (kind, "xlsx", agrees, what
    differs) — the workbook must give the score tables and findings the two clean workbooks give apart. With
    `review` = tableparts.review_file_tables, a workbook reviewed as two tables is held to each table's own: its
    department, score tables and findings those of its clean workbook."""
    from .corpus import write_xlsx
    from .tablefiles import PAIR_KINDS

    base = []
    for name, doc in (("a", first), ("b", second)):
        write_xlsx(doc, folder / f"clean_{name}.xlsx")
        base += _reviews(review, folder / f"clean_{name}.xlsx")
    for kind, write in PAIR_KINDS.items():
        if kinds and kind not in kinds:
            continue
        path = folder / f"{kind}.xlsx"
        if not write(first, second, path):
            continue
        try:
            results = _reviews(review, path)
        except Exception as exc:
            yield kind, "xlsx", False, f"crash {type(exc).__name__}: {exc}"
            continue
        pairs = list(zip(base, results, strict=True)) if len(results) == len(base) else [(base, results)]
        diff = []
        for want, got in pairs:
            diff += _pair_diff(want if isinstance(want, list) else [want], got if isinstance(got, list) else [got])
        yield kind, "xlsx", not diff, "; ".join(diff)


def _pair_diff(want: list, got: list) -> list[str]:
    """What the reviews `got` give that the reviews `want` do not (score tables, findings; the department when each
    side is one table's review)."""
    counts = [(sum(len(r.tables) for r in side), sum((_found(r) for r in side), Counter())) for side in (want, got)]
    diff = [f"tables: {counts[0][0]} → {counts[1][0]}"] if counts[0][0] != counts[1][0] else []
    if len(want) == len(got) == 1 and want[0].department != got[0].department:
        diff.append(f"department: {want[0].department!r} → {got[0].department!r}")
    diff += [f"lost: {k[0]} {k[2][:60]}" for k in counts[0][1] - counts[1][1]]
    diff += [f"new: {k[0]} {k[2][:60]}" for k in counts[1][1] - counts[0][1]]
    return diff
