"""Report outlines as data: which sections, in what order, numbered how, holding what content.

An outline is a YAML file in report/outlines/ named by the rulebook (`report.outline`). Headings are
numbered by level with the style the outline names: seed 000 uses 一、（一）1.(1); seed 004 uses 1、(1)1、.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from jixiao.files import diskcache
from jixiao.model.problems import JixiaoError, Location, Problem

__all__ = ["Outline", "Section", "load_outline", "number"]

OUTLINE_DIR = Path(__file__).parent / "outlines"
_CN = "一二三四五六七八九十"


def _cn(n: int) -> str:
    if n <= 10:
        return _CN[n - 1]
    return ("十" if n < 20 else _CN[n // 10 - 1] + "十") + (_CN[n % 10 - 1] if n % 10 else "")


STYLES = {
    "cn_dun": lambda n: f"{_cn(n)}、",
    "cn_paren": lambda n: f"（{_cn(n)}）",
    "arabic_dot": lambda n: f"{n}.",
    "arabic_dun": lambda n: f"{n}、",
    "arabic_paren": lambda n: f"（{n}）",
    "arabic_half_paren": lambda n: f"({n})",
    "none": lambda n: "",
}


def number(style: str, n: int) -> str:
    return STYLES[style](n)


@dataclass(frozen=True)
class Section:
    heading: str
    content: tuple[dict[str, Any], ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Outline:
    id: str
    title: str
    meta: tuple[str, ...]
    numbering: tuple[str, ...]
    sections: tuple[Section, ...]
    attachments: tuple[dict[str, Any], ...]
    closing: tuple[str, ...] = ()
    intro: tuple[dict[str, Any], ...] = ()  # content before the first heading
    closing_content: tuple[dict[str, Any], ...] = ()  # content after the last section (附件 list)


def _section(raw: dict[str, Any]) -> Section:
    return Section(
        str(raw["heading"]), tuple(raw.get("content") or ()), tuple(_section(s) for s in raw.get("sections") or ())
    )


def _parsed(text: str) -> Any:
    """An outline's YAML parsed, kept in jixiao's disk cache named by its text (a review of a regional report
    reads its outline: issue 15, a warm start imports no PyYAML); libyaml where PyYAML has it."""
    key = diskcache.digest("outline-1", text)
    found = diskcache.load("outline", key)
    if found is not None:
        return found[0]
    import yaml  # per parse: see above

    raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    diskcache.store("outline", key, raw)  # only plain data is stored (a YAML date is not: parsed each time)
    return raw


def load_outline(name: str) -> Outline:
    path = OUTLINE_DIR / f"{name}.yaml"
    return _load_outline(name, path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=16)
def _load_outline(name: str, mtime: int) -> Outline:
    path = OUTLINE_DIR / f"{name}.yaml"
    if not path.exists():
        known = "、".join(p.stem for p in sorted(OUTLINE_DIR.glob("*.yaml")))
        raise JixiaoError(
            [
                Problem(
                    "report.unknown_outline",
                    f"找不到报告提纲“{name}”。可用提纲：{known}",
                    Location(name, field="report.outline"),
                )
            ]
        )
    raw = _parsed(path.read_text(encoding="utf-8"))
    numbering = tuple(raw.get("numbering") or ("cn_dun", "cn_paren", "arabic_dot", "arabic_paren"))
    return Outline(
        raw["id"],
        raw["title"],
        tuple(raw.get("meta") or ()),
        numbering,
        tuple(_section(s) for s in raw["sections"]),
        tuple(raw.get("attachments") or ()),
        tuple(raw.get("closing") or ()),
        tuple(raw.get("intro") or ()),
        tuple(raw.get("closing_content") or ()),
    )
