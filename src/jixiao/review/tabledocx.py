"""A Word document as it prints, before its paragraphs and tables are read (review/source.py's .docx reader).

Word keeps text inside wrappers that python-docx's paragraphs, rows and cells pass over, so that a figure a
clerk typed, or a system's form filled in, read as a blank cell:

- content controls (w:sdt: a system's or a template's 内容控件) round runs, round cells of a row, round rows,
  round paragraphs and tables; custom XML and smart tags (w:customXml, w:smartTag) and simple fields
  (w:fldSimple, whose runs are the field's result) the same way;
- 修订 (track changes) left on: an insertion (w:ins, w:moveTo) is printed, a deletion (w:del, w:moveFrom) is not;
  a row marked deleted is not printed either.

`printed(body)` unwraps the first kind in place (their content put where they stand), keeps insertions and drops
deletions, so that every later reading sees the document as Word prints it with its changes accepted.
"""

from __future__ import annotations

__all__ = ["printed"]

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# wrappers whose content stands in their place
_WRAPPERS = {f"{_W}customXml", f"{_W}smartTag", f"{_W}ins", f"{_W}moveTo"}
# what is not printed
_GONE = {f"{_W}del", f"{_W}moveFrom"}


def printed(body) -> None:
    """The document body (an lxml element) as printed with its tracked changes accepted, in place."""
    for element in list(body.iter(f"{_W}sdt")):  # content controls: their content in their place
        content = element.find(f"{_W}sdtContent")
        _unwrap(element, list(content) if content is not None else [])
    for element in list(body.iter(f"{_W}fldSimple")):  # a simple field: its runs (the result) in its place
        _unwrap(element, list(element))
    for tag in _GONE:
        for element in list(body.iter(tag)):
            if element.getparent() is not None and not _is_mark(element):
                element.getparent().remove(element)
    for row in list(body.iter(f"{_W}tr")):  # a row deleted with track changes on
        props = row.find(f"{_W}trPr")
        if props is not None and props.find(f"{_W}del") is not None and row.getparent() is not None:
            row.getparent().remove(row)
    for tag in _WRAPPERS:
        for element in list(body.iter(tag)):
            if not _is_mark(element):
                _unwrap(element, list(element))


def _is_mark(element) -> bool:
    """A revision mark on properties (w:rPr/w:del, w:trPr/w:ins …), not a wrapper of content."""
    parent = element.getparent()
    return parent is not None and parent.tag.endswith("Pr")


def _unwrap(element, children: list) -> None:
    parent = element.getparent()
    if parent is None:
        return
    at = parent.index(element)
    for offset, child in enumerate(children):
        parent.insert(at + offset, child)
    parent.remove(element)
