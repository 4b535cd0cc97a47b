"""Plain-text layouts of a table, for source.py: tab-separated lines (and Word's text export, where a line
break inside a cell starts a new line), and HTML tables (rowspan/colspan resolved to the grid). A merged
cell is written once, in its top-left position, as in every other format."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

__all__ = ["read_html", "table_runs"]


def table_runs(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Lines grouped into ("table", rows…) runs of tab-separated lines and ("line", [text]) items. Word's text
    export starts a new line at a line break inside a cell: a line whose last cell has text, followed by a
    line whose first cell has text, the two adding up to the usual number of cells, are one row."""
    out: list[tuple[str, list[str]]] = []
    run: list[str] = []

    def flush() -> None:
        if run:
            out.append(("table", _join_broken_rows(list(run))))
            run.clear()

    for i, line in enumerate(lines):
        if "\t" in line:
            run.append(line)
            continue
        following = next((x for x in lines[i + 1 :] if x.strip()), "")
        if run and not line.strip() and "\t" in following:
            continue  # a blank line between two parts of a table (a page break in the text)
        if run and line.strip() and "\t" in following and _continues_last_cell(run, line):
            run[-1] += line  # a line break in the last cell of a row
            continue
        flush()
        out.append(("line", [line]))
    flush()
    return out


def _usual_width(rows: list[str]) -> int:
    counts: dict[int, int] = {}
    for row in rows:
        n = row.count("\t") + 1
        counts[n] = counts.get(n, 0) + 1
    return max(counts, key=lambda n: (counts[n], n)) if counts else 0


def _continues_last_cell(run: list[str], line: str) -> bool:
    width = _usual_width(run)
    last = run[-1]
    return (
        width >= 3
        and _regular(run)
        and last.count("\t") + 1 == width
        and last.rsplit("\t", 1)[-1].strip() != ""
        # a cell of words goes on; a figure does not, and a line of digits alone is a page number
        and not re.fullmatch(r"[\d.,%\s-]+", last.rsplit("\t", 1)[-1])
        and not re.fullmatch(r"[\s\d—\-－]+", line)
        and not re.search(r"表\s*$|^(附件|表\s*\d|注|说明)", line.strip())
    )


def _regular(rows: list[str]) -> bool:
    """Word writes every row with all its cells: rows of one width (at least 3 in 4), a few broken ones."""
    width = _usual_width(rows)
    return bool(rows) and sum(1 for r in rows if r.count("\t") + 1 == width) >= 0.75 * len(rows)


def _join_broken_rows(rows: list[str]) -> list[str]:
    width = _usual_width(rows)
    if not _regular(rows):
        return rows
    out: list[str] = []
    for row in rows:
        if out:
            previous = out[-1]
            a, b = previous.count("\t") + 1, row.count("\t") + 1
            if (
                a < width
                and b < width
                and a + b - 1 == width
                and previous.rsplit("\t", 1)[-1].strip()
                and row.split("\t", 1)[0].strip()
            ):
                out[-1] = previous + row
                continue
        out.append(row)
    return out


def read_html(path: Path, builder: Any) -> Any:
    """Paragraphs and tables of an HTML page (a published table), rowspan/colspan resolved to the grid. A page
    laid out in tables (a table whose cell holds another table) gives its cells' text as paragraphs."""
    from html.parser import HTMLParser

    blocks = ("p", "div", "br", "h1", "h2", "h3", "h4", "li", "tr")

    class Parser(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.stack: list[dict] = []  # open tables
            self.text: list[str] = []
            self.skip = 0  # inside <script> or <style>

        def handle_starttag(self, tag: str, attrs: list) -> None:
            a = dict(attrs)
            if tag in ("script", "style"):
                self.skip += 1
            elif tag == "table":
                if self.stack and self.stack[-1]["cell"] is not None:  # a table in a cell: the outer one is layout
                    outer = self.stack[-1]
                    outer["layout"] = True
                    self.paragraphs("".join(outer["cell"][0]))
                    outer["cell"][0].clear()
                self.flush_text()
                self.stack.append({"rows": [], "row": None, "cell": None, "layout": False})
            elif self.stack and tag == "tr":
                self.stack[-1]["row"] = []
            elif self.stack and tag in ("td", "th"):
                span = (_span(a.get("rowspan"), 65534), _span(a.get("colspan"), 1000))  # HTML's own limits
                self.stack[-1]["cell"] = ([], span)
            elif tag in blocks:
                self.newline()

        def handle_endtag(self, tag: str) -> None:
            if tag in ("script", "style"):
                self.skip = max(0, self.skip - 1)
                return
            if not self.stack:
                if tag in blocks:
                    self.flush_text()
                return
            t = self.stack[-1]
            if tag in ("td", "th") and t["cell"] is not None and t["row"] is not None:
                text = "".join(t["cell"][0])
                if t["layout"]:
                    self.paragraphs(text)
                else:
                    t["row"].append((text, t["cell"][1]))
                t["cell"] = None
            elif tag == "tr" and t["row"] is not None:
                t["rows"].append(t["row"])
                t["row"] = None
            elif tag == "table":
                self.stack.pop()
                if not t["layout"]:
                    builder.table(_html_grid(t["rows"]))
            elif tag in blocks:
                self.newline()

        def handle_data(self, data: str) -> None:
            if self.skip:
                return
            if self.stack and self.stack[-1]["cell"] is not None:
                self.stack[-1]["cell"][0].append(data.strip())
            elif not self.stack:
                self.text.append(data)

        def newline(self) -> None:
            if self.stack and self.stack[-1]["cell"] is not None:
                self.stack[-1]["cell"][0].append("\n")
            elif not self.stack:
                self.text.append("\n")

        def paragraphs(self, text: str) -> None:
            for line in text.splitlines():
                builder.paragraph(line)

        def flush_text(self) -> None:
            self.paragraphs("".join(self.text))
            self.text = []

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("gb18030", errors="replace")
    parser = Parser()
    try:
        parser.feed(text)
    except _TooLarge as exc:  # spans that would draw a grid of millions of cells from a few bytes
        from jixiao.model.problems import JixiaoError, Location, Problem

        raise JixiaoError([Problem("file.table_too_large", str(exc), Location(str(builder.doc.path)))]) from None
    parser.flush_text()
    return builder.doc


class _TooLarge(ValueError):
    """A table whose spans reach past the table limits; str() is the Chinese message."""


def _span(value: str | None, most: int) -> int:
    """A rowspan or colspan as browsers take it: a whole number from 1 to HTML's limit, 1 when it is not one."""
    try:
        return max(1, min(int(str(value).strip()), most)) if value else 1
    except ValueError:
        return 1


def _html_grid(rows: list[list[tuple[str, tuple[int, int]]]]) -> list[list[str]]:
    """The rows' cells on a grid; a row span reaches no further than the table's last row (as browsers draw it), a
    column span no further than `table_columns` (its cells are empty); a cell beyond that column, or a grid of more
    than `table_cells` cells, is refused (_TooLarge)."""
    from jixiao.files.guard import LIMITS  # looked up at call time: tests may replace it

    grid: dict[tuple[int, int], str] = {}
    for r, row in enumerate(rows):
        c = 0
        for text, (down, across) in row:
            down = min(down, len(rows) - r)
            while (r, c) in grid:
                c += 1
            across = max(1, min(across, LIMITS.table_columns - c))  # a span's cells past the limit are empty
            if c >= LIMITS.table_columns or len(grid) + down * across > LIMITS.table_cells:
                raise _TooLarge(
                    f"网页表格的合并单元格（rowspan/colspan）使表格超过 {LIMITS.table_columns} 列或 "
                    f"{LIMITS.table_cells:,} 个单元格（第 {r + 1} 行），超出上限（疑似表格炸弹）。"
                    "请用 Excel/Word 打开后另存为 .xlsx/.docx 再审核。（上限可用环境变量 JIXIAO_LIMIT_TABLE_COLUMNS、"
                    "JIXIAO_LIMIT_TABLE_CELLS 调整）"
                )
            for dr in range(down):
                for dc in range(across):
                    grid[(r + dr, c + dc)] = text if (dr, dc) == (0, 0) else ""
            c += across
    height = max((r for r, _ in grid), default=-1) + 1
    width = max((c for _, c in grid), default=-1) + 1
    return [[grid.get((r, c), "") for c in range(width)] for r in range(height)]
