"""A report as renderer-neutral blocks: headings, paragraphs, tables with merged cells, images.

The content builder produces one `Document`; the Word, HTML and Markdown renderers each walk the same
blocks, so every format says the same thing. Tables are grids: a cell that spans others carries its
rowspan/colspan and the positions it covers hold None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

__all__ = ["Block", "Cell", "Chart", "Document", "Heading", "Image", "PageBreak", "Paragraph", "Run", "Table"]


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    align: str = "justify"  # justify | center | right | left
    indent: bool = True  # first-line indent of two characters, as Chinese documents do
    role: str = "body"  # body | caption | note | title-meta
    keep_next: bool = False  # on the same page as the next block (a signature's lines, in Word)

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)

    @staticmethod
    def of(text: str, **kw: object) -> Paragraph:
        return Paragraph((Run(text),), **kw)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Heading:
    level: int  # 1 一、  2 （一）  3 1.  4 (1)
    number: str
    text: str

    @property
    def full(self) -> str:
        return f"{self.number}{self.text}"


@dataclass(frozen=True)
class Cell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    bold: bool = False
    align: str = "center"  # center | left | right
    number_format: str = ""  # for spreadsheets: "#,##0.00", "0.00%"
    value: object = None  # the typed value for spreadsheets (Decimal, int); text is what prints


@dataclass(frozen=True)
class Table:
    title: str
    rows: tuple[tuple[Cell | None, ...], ...]
    header_rows: int = 1
    widths: tuple[float, ...] = ()  # relative column widths
    note: str = ""

    @property
    def columns(self) -> int:
        return len(self.rows[0]) if self.rows else 0


@dataclass(frozen=True)
class Image:
    png: bytes
    caption: str
    width_cm: float = 15.0
    alt: str = ""


@dataclass(frozen=True)
class Chart:
    """A bar chart as data; each renderer draws it as vector (a native Word chart, SVG in HTML and Markdown).

    Values are percents (93.58 for 93.58%); bars below `highlight_below` are drawn red; `reference` is a
    dashed line with its legend label (序时进度 100%).
    """

    title: str
    categories: tuple[str, ...]
    values: tuple[Decimal, ...]
    caption: str
    axis_title: str = ""
    horizontal: bool = False
    axis_max: Decimal = Decimal(110)
    reference: Decimal | None = None
    reference_label: str = ""
    highlight_below: Decimal | None = None
    width_cm: float = 14.0
    height_cm: float = 7.0
    alt: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Image | Chart | PageBreak


@dataclass(frozen=True)
class Document:
    title: str
    meta: tuple[str, ...] = ()  # lines under the title (部门名称（公章）：…, date)
    blocks: tuple[Block, ...] = ()
    attachments: tuple[Table, ...] = ()  # printed after the body as 附件 and written to the workbook
    footer_text: str = ""
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def headings(self) -> list[Heading]:
        return [b for b in self.blocks if isinstance(b, Heading)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)] + list(self.attachments)
