"""The report as plain Markdown: diff-friendly for reviewers and version control.

Merged table cells are written once, in the first cell they cover; charts are written as PNG files beside
the Markdown and linked.
"""

from __future__ import annotations

from .charts import chart_svg
from .document import Chart, Document, Heading, Image, Paragraph, Table

__all__ = ["render_markdown"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table_markdown(table: Table) -> list[str]:
    lines = [f"**{table.title}**", ""] if table.title else []
    if table.note:
        lines += [table.note, ""]
    rows = [[_cell(c.text) if c is not None else "" for c in row] for row in table.rows]
    header = rows[0] if rows else []
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return [*lines, ""]


def render_markdown(document: Document, image_dir: str = "") -> tuple[bytes, dict[str, bytes]]:
    """Markdown text, and the images to write beside it (relative name -> SVG or PNG bytes)."""
    lines = [f"# {document.title}", ""] + [f"{m}  " for m in document.meta] + [""]
    images: dict[str, bytes] = {}
    for block in document.blocks:
        if isinstance(block, Heading):
            lines += ["#" * min(block.level + 1, 6) + f" {block.full}", ""]
        elif isinstance(block, Paragraph):
            lines += ["".join(f"**{r.text}**" if r.bold else r.text for r in block.runs), ""]
        elif isinstance(block, Table):
            lines += table_markdown(block)
        elif isinstance(block, Chart):
            name = f"{image_dir}图{len(images) + 1}.svg"
            images[name] = chart_svg(block).encode("utf-8")
            lines += [f"![{block.caption}]({name})", "", f"*{block.caption}*", ""]
        elif isinstance(block, Image):
            name = f"{image_dir}图{len(images) + 1}.png"
            images[name] = block.png
            lines += [f"![{block.caption}]({name})", "", f"*{block.caption}*", ""]
    for table in document.attachments:
        lines += table_markdown(table)
    return "\n".join(lines).encode("utf-8"), images
