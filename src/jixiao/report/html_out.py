"""The report as one self-contained HTML file (images inlined), to mail or archive as a single file."""

from __future__ import annotations

import base64
from html import escape

from .charts import chart_svg
from .document import Chart, Document, Heading, Image, PageBreak, Paragraph, Table

__all__ = ["render_html", "table_html"]

_CSS = """
@page { size: A4; margin: 37mm 26mm 35mm 28mm; }
body { font-family: "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", "SimSun", serif; font-size: 14pt;
       line-height: 1.8; max-width: 170mm; margin: 2em auto; color: #111; }
h1.title { font-family: "方正小标宋简体", "Noto Serif CJK SC", serif; font-size: 22pt; text-align: center; font-weight: bold; }
p.meta { text-align: center; font-size: 16pt; margin: 0.2em 0; }
h2 { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 16pt; font-weight: normal; margin: 1em 0 0.3em; }
h3 { font-family: "楷体_GB2312", "KaiTi", "AR PL UKai CN", serif; font-size: 16pt; font-weight: normal; margin: 0.8em 0 0.2em; }
h4 { font-size: 14pt; font-weight: bold; text-indent: 2em; margin: 0.4em 0 0; }
h5 { font-size: 14pt; font-weight: normal; text-indent: 2em; margin: 0.3em 0 0; }
p { text-align: justify; margin: 0.2em 0; }
p.indent { text-indent: 2em; }
p.center { text-align: center; } p.right { text-align: right; }
table { border-collapse: collapse; margin: 0.5em auto 1em; font-family: "宋体", "SimSun", "Noto Serif CJK SC", serif;
        font-size: 10.5pt; line-height: 1.4; }
caption { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-size: 12pt; padding: 0.3em; }
th, td { border: 1px solid #000; padding: 3px 6px; text-align: center; vertical-align: middle; }
td.left { text-align: left; } td.right { text-align: right; }
th { font-weight: bold; background: #f2f2f2; }
figure { text-align: center; margin: 0.5em 0 1em; } figure img { max-width: 100%; }
figcaption { font-size: 10.5pt; }
section.attachments { page-break-before: always; }
p.note { font-size: 10.5pt; }
"""


def table_html(table: Table) -> str:
    out = ["<table>"]
    if table.title:
        out.append(f"<caption>{escape(table.title)}</caption>")
    if table.note:
        out.append(f'<tr><td colspan="{table.columns}" class="left" style="border:none">{escape(table.note)}</td></tr>')
    for r, row in enumerate(table.rows):
        tag = (
            "th"
            if r < table.header_rows or any(c is not None and c.bold and r < table.header_rows for c in row)
            else "td"
        )
        cells = []
        for cell in row:
            if cell is None:
                continue
            attrs = ""
            if cell.rowspan > 1:
                attrs += f' rowspan="{cell.rowspan}"'
            if cell.colspan > 1:
                attrs += f' colspan="{cell.colspan}"'
            if cell.align in ("left", "right"):
                attrs += f' class="{cell.align}"'
            text = escape(cell.text)
            if cell.bold and tag == "td":
                text = f"<strong>{text}</strong>"
            cells.append(f"<{tag}{attrs}>{text}</{tag}>")
        out.append("<tr>" + "".join(cells) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _paragraph(block: Paragraph) -> str:
    classes = [
        c
        for c in (
            "indent" if block.indent and block.align == "justify" else "",
            block.align if block.align in ("center", "right") else "",
            "note" if block.role in ("note", "caption") else "",
        )
        if c
    ]
    body = "".join(f"<strong>{escape(r.text)}</strong>" if r.bold else escape(r.text) for r in block.runs)
    cls = f' class="{" ".join(classes)}"' if classes else ""
    return f"<p{cls}>{body}</p>"


def render_html(document: Document) -> bytes:
    parts = [f'<h1 class="title">{escape(document.title)}</h1>']
    parts += [f'<p class="meta">{escape(line)}</p>' for line in document.meta]
    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(block.level + 1, 5)
            parts.append(f"<h{level}>{escape(block.full)}</h{level}>")
        elif isinstance(block, Paragraph):
            parts.append(_paragraph(block))
        elif isinstance(block, Table):
            parts.append(table_html(block))
        elif isinstance(block, Chart):
            data = base64.b64encode(chart_svg(block).encode("utf-8")).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/svg+xml;base64,{data}" alt="{escape(block.alt or block.caption)}">'
                f"<figcaption>{escape(block.caption)}</figcaption></figure>"
            )
        elif isinstance(block, Image):
            data = base64.b64encode(block.png).decode("ascii")
            parts.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{escape(block.alt or block.caption)}">'
                f"<figcaption>{escape(block.caption)}</figcaption></figure>"
            )
        elif isinstance(block, PageBreak):
            parts.append('<div style="page-break-after: always"></div>')
    if document.attachments:
        parts.append('<section class="attachments">')
        parts += [table_html(t) for t in document.attachments]
        parts.append("</section>")
    html = (
        f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n<title>{escape(document.title)}</title>\n'
        f"<style>{_CSS}</style>\n</head>\n<body>\n" + "\n".join(parts) + "\n</body>\n</html>\n"
    )
    return html.encode("utf-8")
