"""Helpers shared by the format tests (test_scan, test_ofd): the corpus documents chosen, and a review reduced to
what must agree across formats."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from jixiao.review import review_file
from jixiao.review.corpus import load_corpus


def one_of_each_kind() -> list:
    """The first corpus document of each kind (project table, department table, narrative …)."""
    seen: dict[str, object] = {}
    for item in load_corpus():
        seen.setdefault(item.kind, item)
    return list(seen.values())


def review_summary(path: Path) -> tuple:
    """Department, year, total, grade, score tables (family; each row's name, 分值, 得分) and findings."""
    result = review_file(path)
    findings = sorted((f.code, f.severity.value, f.expected, f.actual) for f in result.findings)
    tables = [(t.family, [(r.name, r.weight, r.score) for r in t.rows]) for t in result.tables]
    return result.department, result.year, result.total, result.grade, tables, findings


def cjk_font(size: int):
    """Noto Sans CJK SC at `size` for drawing test pages (PIL); the test is skipped where the font is missing."""
    from PIL import ImageFont

    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", "Noto Sans CJK SC"], capture_output=True, text=True)
    except OSError:
        pytest.skip("fontconfig and fonts-noto-cjk are installed by scripts/setup.sh")
    if "CJK" not in found.stdout:
        pytest.skip("fonts-noto-cjk is installed by scripts/setup.sh")
    return ImageFont.truetype(found.stdout.strip(), size)
