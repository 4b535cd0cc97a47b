"""Text escaped for XML, without `xml.sax.saxutils` (which loads urllib, http and email: 40 ms at start-up)."""

from __future__ import annotations

__all__ = ["escape"]

_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ATTRIBUTE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})


def escape(text: str, entities: dict[str, str] | None = None) -> str:
    """&, < and > escaped; with `entities` (as saxutils takes them) the double quote too, for attribute values."""
    return text.translate(_ATTRIBUTE if entities else _TEXT)
