"""Which rulebook an evaluation uses: the choices by kind, and the default for a department's region and year
with the reason in Chinese."""

from __future__ import annotations

from functools import lru_cache

import yaml

from jixiao.scoring.rulebook import available_rulebooks

__all__ = ["default_rulebook", "rulebook_choices"]


@lru_cache(maxsize=1)
def _rulebook_headers() -> tuple[tuple[str, str, str, int, str, bool], ...]:
    """(id, region, kind, year, title, auto_select) of every rulebook, read from the files' top fields."""
    headers = []
    for rulebook_id, path in available_rulebooks().items():
        try:
            tree = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue
        year = str(tree.get("year") or "0")
        headers.append(
            (
                rulebook_id,
                str(tree.get("region") or ""),
                str(tree.get("kind") or ""),
                int(year) if year.isdigit() else 0,
                str(tree.get("title") or rulebook_id),
                # a partly published table (review: {auto_select: false}) is chosen by hand, never by default
                str((tree.get("review") or {}).get("auto_select", True)).lower() not in ("false", "no", "否", "0"),
            )
        )
    return tuple(headers)


def rulebook_choices(kind: str = "department") -> list[tuple[str, str]]:
    """(id, title) of the rulebooks of one kind, for the selection lists."""
    return [(h[0], h[4]) for h in _rulebook_headers() if h[2] == kind]


def default_rulebook(region: str, year: int, kind: str = "department") -> tuple[str | None, str]:
    """The rulebook for a department of `region` in `year`, and why (Chinese): the one whose region is the longest
    prefix of the department's region, of the latest year not after `year` (or the earliest one after it)."""
    region = region or ""
    matches = [h for h in _rulebook_headers() if h[2] == kind and h[1] and h[5] and region.startswith(h[1])]
    if not matches:
        return None, (
            f"没有适用于“{region or '未填写地区'}”的{'部门整体' if kind == 'department' else ''}指标体系，"
            "请手动选择；"
            "如本地另有指标体系，请管理员添加。"
        )
    longest = max(len(h[1]) for h in matches)
    matches = [h for h in matches if len(h[1]) == longest]
    earlier = [h for h in matches if h[3] <= year]
    chosen = max(earlier, key=lambda h: h[3]) if earlier else min(matches, key=lambda h: h[3])
    why = f"按部门所在地区“{region}”匹配到“{chosen[1]}”的{chosen[3]}年度指标体系"
    if chosen[3] != year:
        why += f"（该地区尚无{year}年度的指标体系，沿用{chosen[3]}年度）"
    return chosen[0], why + "。"
