"""The review's domain words (vocabulary.yaml), loaded once, and the few lookups made with them."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from .cache import cached, digest
from .rx import rx

__all__ = ["Vocabulary", "load_yaml", "norm", "vocabulary"]

_FILE = Path(__file__).with_name("vocabulary.yaml")


_NOT_COMPARED = rx(r"[\s:*＊]")


def norm(text: str) -> str:
    """A label as compared: NFKC (full-width brackets, letters and digits half-width), no spaces, no colon."""
    return _norm(text or "")


@lru_cache(maxsize=1 << 16)  # the same cells and labels are compared again and again within a review
def _norm(text: str) -> str:
    return _NOT_COMPARED.sub("", unicodedata.normalize("NFKC", text))


class Vocabulary:
    def __init__(self, raw: dict[str, Any]):
        self.raw = raw
        pairs = [(norm(str(v)), key) for key, values in raw["columns"].items() for v in values]
        self.column_variants = sorted(pairs, key=lambda p: -len(p[0]))
        # the variants of four characters or more, in that order, with their characters sorted and as a set: what a
        # label whose characters text recognition scrambled is compared with (made once, not per label)
        self.long_variants = [
            (variant, role, "".join(sorted(variant)), frozenset(variant))
            for variant, role in self.column_variants
            if len(variant) >= 4
        ]
        # within an operator, longer forms first (＞＝ before ＞)
        self.operators = [(k, sorted((str(f) for f in v), key=len, reverse=True)) for k, v in raw["operators"].items()]
        self._ignore = [norm(w) for w in raw.get("columns_ignore", [])]
        self._matched: dict[str, tuple[str | None, int]] = {}  # a header label is matched once per run

    def column_role(self, label: str) -> str | None:
        return self.column_match(label)[0]

    def column_match(self, label: str) -> tuple[str | None, int]:
        """The role of a header label and how well it matched: 3 an exact variant, 2 the longest variant it
        starts with, 1 the longest it contains (e.g. 全年预算数(万元) → budget); (None, 0) if none."""
        text = norm(label)
        if text not in self._matched:
            self._matched[text] = self._match(text)
        return self._matched[text]

    def _match(self, text: str) -> tuple[str | None, int]:
        if not text or any(w in text for w in self._ignore):
            return None, 0
        variants = self.column_variants
        for variant, role in variants:
            if text == variant:
                return role, 3
        for variant, role in variants:
            if len(variant) >= 2 and text.startswith(variant):
                return role, 2
        for variant, role in variants:
            if len(variant) >= 3 and variant in text:
                return role, 1
        scrambled = "".join(sorted(text))  # characters scrambled by text recognition: 考值参分 for 参考分值
        for variant, role, chars, _ in self.long_variants:
            if len(text) == len(variant) and scrambled == chars:
                return role, 1
        return None, 0

    def words(self, *path: str) -> list[str]:
        node: Any = self.raw
        for key in path:
            node = node.get(key, {}) if isinstance(node, dict) else {}
        return [str(w) for w in node] if isinstance(node, list) else []

    def operator(self, text: str) -> tuple[str | None, int, int]:
        """The operator written in a target (its canonical form and span), or None."""
        best: tuple[str | None, int, int] = (None, -1, -1)
        for canonical, forms in self.operators:
            for form in forms:
                at = text.find(form)
                if at >= 0 and (best[0] is None or at < best[1] or (at == best[1] and len(form) > best[2] - best[1])):
                    best = (canonical, at, at + len(form))
        return best


def load_yaml(path: Path) -> Any:
    """A data file of the review, read with libyaml's safe loader where PyYAML has it (ten times faster: the
    vocabularies and regions.yaml are read on every review) and the pure-Python safe loader otherwise; kept
    parsed between runs under the SHA-256 of its bytes (cache.py), so that a start reads no YAML at all."""
    data = path.read_bytes()
    return cached("yaml", digest(data), lambda: _parse_yaml(data))


def _parse_yaml(data: bytes) -> Any:
    import yaml  # only when the parsed file is not cached: importing PyYAML is a start-up cost of its own

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(data.decode("utf-8"), Loader=loader)


@cache
def vocabulary() -> Vocabulary:
    return Vocabulary(load_yaml(_FILE))


@cache
def regions() -> dict[str, list[str]]:
    """Province → the cities and counties inside it (regions.yaml)."""
    return load_yaml(_FILE.with_name("regions.yaml"))
