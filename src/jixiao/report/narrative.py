"""Narrative the department wrote: Markdown files in the department folder, placed where the outline says.

Only a small, predictable subset of Markdown is read, the part finance staff use: paragraphs, `**bold**`,
and list items (`- ` or `1. `), which become paragraphs of their own. Everything else is kept as text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from .document import Paragraph, Run

__all__ = ["NarrativeSource", "parse_markdown"]

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LIST = re.compile(r"^\s*(?:[-*+]|\d+[.)、])\s+")


def _runs(text: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    pos = 0
    for match in _BOLD.finditer(text):
        if match.start() > pos:
            runs.append(Run(text[pos : match.start()]))
        runs.append(Run(match.group(1), bold=True))
        pos = match.end()
    if pos < len(text):
        runs.append(Run(text[pos:]))
    return tuple(runs) or (Run(""),)


def parse_markdown(text: str) -> list[Paragraph]:
    """Paragraphs separated by blank lines; each list item its own paragraph (numbers kept as typed)."""
    paragraphs: list[Paragraph] = []
    buffer: list[str] = []

    def flush() -> None:
        if buffer:
            paragraphs.append(Paragraph(_runs("".join(buffer))))
            buffer.clear()

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", "<!--")):
            flush()
            continue
        if _LIST.match(raw) and re.match(r"^\s*[-*+]\s+", raw):
            flush()
            paragraphs.append(Paragraph(_runs(_LIST.sub("", raw, count=1).strip())))
            continue
        buffer.append(line)
    flush()
    return paragraphs


class NarrativeSource:
    """The department's narrative folder (narrative/ beside the data, or as configured), or its texts held in
    memory by section name (the web app's)."""

    def __init__(self, folder: Path | None, texts: Mapping[str, str] | None = None):
        self.folder = folder
        self.texts = texts
        self.used: list[str] = []
        self.missing: list[str] = []

    def get(self, name: str) -> list[Paragraph] | None:
        if self.texts is not None:
            text = self.texts.get(name)
            if text is None:
                self.missing.append(name)
                return None
            self.used.append(name)
            return parse_markdown(text.removeprefix("\ufeff"))
        if self.folder is None:
            self.missing.append(name)
            return None
        for candidate in (self.folder / f"{name}.md", self.folder / f"{name}.txt"):
            if candidate.exists():
                self.used.append(name)
                return parse_markdown(candidate.read_text(encoding="utf-8-sig"))
        self.missing.append(name)
        return None
