"""Place names read with an unlikely character, settled against the country's administrative divisions.

A county's or district's name often holds a rare character that the recogniser reads as a common look-alike
however the line is cropped (corpus t27 scanned: 濉溪县 read 淮溪县; n38: 渑池县 read 池县, the 渑 dropped). The
recogniser's output still gives the right character a small share at its step (濉 0.075 beside 淮 0.372; 渑
0.023 at a step the blank won with 0.497), which alone is too little to be trusted.

A line's text is settled only where all of this holds: a run of it ending in 县/区/市/旗 (three characters or
more) is not a place name, but becomes one with one character replaced — or, at a step the blank won narrowly,
inserted — by a character the recogniser gave at least PLACE_SEEN there; the step itself was doubtful (its own
reading below DOUBTFUL, or the blank below BLANK_DOUBTFUL); and of the place names that fit, that
character has the largest share, at least CLEAR times the next. So a line read surely is never changed, and a
name is only taken when the recogniser's own output picks it out of the list.

The names: src/jixiao/review/regions.yaml — the cities, counties and districts of each province, from cpca
0.5.5's resources/adcodes.csv (MIT licence), China's administrative divisions of 2020 as the Ministry of Civil
Affairs publishes them (民政部 行政区划代码, https://www.mca.gov.cn/mzsj/xzqh/2020/20201201.html).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Protocol

__all__ = ["BLANK_DOUBTFUL", "CLEAR", "DOUBTFUL", "PLACE_SEEN", "Correction", "Output", "placed"]

PLACE_SEEN = 0.01  # the place's character at its step: 濉 0.075 and 渑 0.023 on the corpus scans
DOUBTFUL = 0.9  # a step read with less than this may be a place's rare character
BLANK_DOUBTFUL = 0.85  # a step the blank won with less than this may have dropped one (reading.BLANK_DOUBT)
CLEAR = 3.0  # the chosen place's character against the next place's at that step
_SUFFIXES = frozenset("县区市旗")
_REGIONS = Path(__file__).resolve().parents[1] / "review" / "regions.yaml"

Correction = tuple[str, str]  # (as read, as settled)


@cache
def _index() -> tuple[frozenset[str], dict[str, list[tuple[str, str]]], int]:
    """The names (three characters or more, ending in a suffix), each name under its patterns with one
    character (not the suffix) as "?": "?溪县" → [("濉溪县", "濉"), ("尤溪县", "尤"), …]; the longest name."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    regions = yaml.load(_REGIONS.read_text(encoding="utf-8"), Loader=loader)
    names = frozenset(n for places in regions.values() for n in places if len(n) >= 3 and n[-1] in _SUFFIXES)
    patterns: dict[str, list[tuple[str, str]]] = {}
    for name in names:
        for i in range(len(name) - 1):
            patterns.setdefault(name[:i] + "?" + name[i + 1 :], []).append((name, name[i]))
    return names, patterns, max(map(len, names))


class Output(Protocol):
    """What the recogniser's output says of one line, by position in its text."""

    def written(self, at: int) -> float:
        """The probability of the character read at `at`."""
        ...

    def gap(self, at: int) -> float:
        """The blank's probability at the step the blank won least surely just before `at` (-1: none)."""
        ...

    def share(self, at: int, character: str, inserted: bool) -> float:
        """The probability of `character` at `at`'s step, or (inserted) at that gap's step."""
        ...


def placed(text: str, output: Output) -> tuple[str, list[Correction]]:
    """`text` with a place name settled (see above), and what was settled."""
    if not any(ch in _SUFFIXES for ch in text):
        return text, []
    names, patterns, longest = _index()
    for end in (k for k, ch in enumerate(text) if ch in _SUFFIXES):
        if any(text[a : end + 1] in names for a in range(max(0, end - longest + 1), end - 1)):
            continue  # a place name ends here as read
        for size in range(3, longest + 1):
            start = end - size + 1
            if start < -1:
                break
            if start >= 0:  # a character read for the place's
                window = text[start : end + 1]
                for i in range(size - 1):
                    fits = patterns.get(window[:i] + "?" + window[i + 1 :], [])
                    if (found := _chosen(fits, start + i, False, output)) is not None:
                        fixed = text[: start + i] + found + text[start + i + 1 :]
                        return fixed, [(window, fixed[start : end + 1])]
            shorter = text[start + 1 : end + 1]  # a character dropped: the run one short of the name
            for i in range(size - 1):
                fits = patterns.get(shorter[:i] + "?" + shorter[i:], [])
                if (found := _chosen(fits, start + 1 + i, True, output)) is not None:
                    fixed = text[: start + 1 + i] + found + text[start + 1 + i :]
                    return fixed, [(shorter, fixed[start + 1 : end + 2])]
    return text, []


def _chosen(fits: list[tuple[str, str]], at: int, inserted: bool, output: Output) -> str | None:
    """The character to take at `at` among the place names that fit, or None (see the module's rules)."""
    if not fits:
        return None
    level = output.gap(at) if inserted else output.written(at)
    if level < 0 or level >= (BLANK_DOUBTFUL if inserted else DOUBTFUL):
        return None
    ranked = sorted(((output.share(at, ch, inserted), ch) for _, ch in fits), reverse=True)
    best, character = ranked[0]
    runner = ranked[1][0] if len(ranked) > 1 else 0.0
    return character if best >= PLACE_SEEN and best >= CLEAR * runner else None
