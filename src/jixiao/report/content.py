"""Build the report's content: walk the outline, fill each section from narrative, data and the trace.

`build_document(prepared, evaluation)` returns one renderer-neutral Document. The department's own text
(narrative/*.md) wins where it exists; generated paragraphs carry every figure; the score table, the
per-一级 analysis and the problems come from the evaluation's trace.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jixiao.model.checks import check_consistency
from jixiao.model.problems import Severity
from jixiao.scoring.engine import evaluate, score_rate
from jixiao.scoring.explain import ENUMERATION, level_summary
from jixiao.scoring.rulebook import load_rulebook
from jixiao.scoring.trace import Evaluation

from ..pipeline import Prepared
from . import charts
from .document import Block, Document, Heading, Paragraph, Table
from .figures import Figures
from .mof_tables import mof_self_table
from .narrative import NarrativeSource
from .outline import Outline, Section, load_outline, number
from .paragraphs import BUILDERS, ReportContext, quarterly_rates
from .tables import base_data_table, evaluation_table, score_table

__all__ = ["build_document", "narrative_folder"]

_COUNT_WORDS = "一两三四五六七八九十"


def narrative_folder(prepared: Prepared) -> Path | None:
    base = prepared.data.base_dir
    configured = prepared.data.get("narrative.folder")
    if configured:
        folder = Path(configured)
        return folder if folder.is_absolute() or base is None else base / folder
    return base / "narrative" if base is not None else None


class _Builder:
    def __init__(self, prepared: Prepared, evaluation: Evaluation, outline: Outline, narrative: NarrativeSource):
        self.prepared = prepared
        self.evaluation = evaluation
        self.outline = outline
        self.narrative = narrative
        self.figures = Figures(prepared.data, prepared.rulebook)
        self.ctx = ReportContext(self.figures, evaluation, prepared.rulebook)
        self.blocks: list[Block] = []
        self.counters = [0] * 8
        self.extra_warnings: list[str] = []

    def fill(self, template: str) -> str:
        data = self.prepared.data
        return template.format(
            year=data.year or "", department=data.name, report_date=data.get("department.report_date") or ""
        )

    def heading(self, level: int, text: str) -> None:
        self.counters[level - 1] += 1
        for deeper in range(level, len(self.counters)):
            self.counters[deeper] = 0
        style = self.outline.numbering[min(level, len(self.outline.numbering)) - 1]
        self.blocks.append(Heading(level, number(style, self.counters[level - 1]), self.fill(text)))

    def section(self, section: Section, level: int) -> None:
        self.heading(level, section.heading)
        for item in section.content:
            self.content(item, level)
        for child in section.sections:
            self.section(child, level + 1)

    def content(self, item: dict[str, Any], level: int) -> None:
        kind, arg = next(iter(item.items()))
        if kind == "narrative":
            paragraphs = self.narrative.get(arg)
            if paragraphs is not None:
                self.blocks.extend(paragraphs)
        elif kind == "generated":
            self.blocks.extend(BUILDERS[arg](self.ctx))
        elif kind == "text":
            self.blocks.append(Paragraph.of(self.fill(arg)))
        elif kind == "score_table":
            title = self.prepared.rulebook.report.get("score_table_title", arg)
            self.blocks.append(score_table(self.evaluation, title))
        elif kind == "score_chart":
            # a root without a score or without a weight (a bonus root of 0 分) has no 得分率 to draw
            items = [
                (r.name, rate) for r in self.evaluation.roots if (rate := score_rate(r.score, r.weight)) is not None
            ]
            if items:
                self.blocks.append(charts.score_rate_chart(items, arg))
        elif kind == "quarterly_chart":
            rates = quarterly_rates(self.figures)
            if rates:
                self.blocks.append(charts.quarterly_chart(rates, arg))
        elif kind == "level_analysis":
            self.level_analysis(level + 1)
        elif kind in ("problems", "measures"):
            own = self.narrative.get(kind)
            self.blocks.extend(own if own is not None else BUILDERS[kind](self.ctx))
            if kind == "problems":
                self.blocks.extend(self.findings())
        elif kind == "rectification":
            self.rectification(arg, level + 1)
        elif kind == "attachments_list":
            names = [re.sub(r"^附件\s*(\d+)\s*[：:]", r"\1、", self.fill(a["title"])) for a in self.outline.attachments]
            self.blocks.append(Paragraph.of("附件：" + "  ".join(names), indent=False))
        else:
            raise ValueError(f"unknown outline content kind {kind!r}")

    def rectification(self, title: str, level: int) -> None:
        """上年问题整改情况: last year's 整改台账 (rectification.yaml of year − 1 beside the data), if any."""
        import datetime as dt

        from ..cycle.rectify import carryover_paragraphs, load_rectification

        data = self.prepared.data
        base = data.base_dir
        path = base / "rectification.yaml" if base is not None else None
        if path is None or not path.exists() or data.year is None:
            return
        rect = load_rectification(path)
        if rect.year != data.year - 1:
            return  # this year's own 台账 belongs to next year's report
        try:
            as_of = dt.date.fromisoformat(str(data.get("department.report_date") or ""))
        except ValueError:
            as_of = dt.date(data.year, 12, 31)
        self.heading(level, title)
        self.blocks.extend(Paragraph.of(line) for line in carryover_paragraphs(rect, as_of))

    def findings(self) -> list[Paragraph]:
        """Data inconsistencies and flags a reviewer will ask about, said where the problems are."""
        notes = [f.message for f in check_consistency(self.prepared.data) if f.severity is not Severity.INFO]
        notes += [flag for leaf in self.evaluation.leaves() if leaf.trace for flag in leaf.trace.flags]
        if not notes:
            return []
        items = "；".join(
            f"{ENUMERATION[i] if i < len(ENUMERATION) else ''}{n.rstrip('。')}" for i, n in enumerate(notes)
        )
        return [Paragraph.of(f"此外，经核对基础数据，以下情况需要说明：{items}。")]

    def level_analysis(self, level: int) -> None:
        for root in self.evaluation.roots:
            self.heading(level, f"{root.name.removesuffix('指标')}指标分析")
            parts = [child.name for child in root.children]
            if parts:
                count = _COUNT_WORDS[len(parts) - 1] if len(parts) <= len(_COUNT_WORDS) else str(len(parts))
                self.blocks.append(
                    Paragraph.of(
                        f"{root.name}指标主要从{'、'.join(parts)}{count}个方面进行评价。"
                        + level_summary(root, self.prepared.rulebook.strip_zeros)
                    )
                )
            else:
                self.blocks.append(Paragraph.of(level_summary(root, self.prepared.rulebook.strip_zeros)))

    def attachments(self) -> tuple[Table, ...]:
        out = []
        for item in self.outline.attachments:
            title = self.fill(item["title"])
            kind = item["table"]
            if kind == "base_data":
                out.append(base_data_table(self.figures, title))
            elif kind == "evaluation":
                out.append(evaluation_table(self.evaluation, title, self.prepared.rulebook.strip_zeros))
            elif kind in ATTACHMENT_BUILDERS:
                out.extend(ATTACHMENT_BUILDERS[kind](self, title))
        return tuple(out)


def _mof_department(builder: _Builder, title: str) -> list[Table]:
    budget = {
        k: f"budget.{col}.{{}}" for k, col in (("initial", "initial"), ("adjusted", "adjusted"), ("actual", "final"))
    }
    return [
        mof_self_table(
            builder.evaluation,
            builder.figures,
            title,
            funds={k: v.format("total") for k, v in budget.items()},
            head=[("部门名称", builder.prepared.data.name)],
            execution_indicator="budget_execution_rate",
            fund_parts=[
                ("其中：基本支出", {k: v.format("basic") for k, v in budget.items()}),
                ("      项目支出", {k: v.format("project") for k, v in budget.items()}),
            ],
        )
    ]


def _mof_projects(builder: _Builder, title: str) -> list[Table]:
    """One 项目支出绩效自评表 per project that has any figure; the rest are named in the warnings."""
    data = builder.prepared.data
    if not data.items("projects"):
        return []  # no project, no table: the project rulebook is not even loaded
    rulebook = load_rulebook(str(builder.prepared.rulebook.report.get("project_rulebook", "mof/project/2020")))
    tables, skipped = [], []
    for item in data.items("projects"):
        scoped = data.scoped(item)
        name = str(scoped.get("project.name") or item)
        if not any(k.startswith(("funds.", "targets")) for k in scoped.values):
            skipped.append(name)
            continue
        evaluation = evaluate(rulebook, scoped)
        parts = [
            (label, {k: f"funds.{key}.{k}" for k in ("initial", "adjusted", "actual")})
            for label, key in (
                ("其中：当年财政拨款", "fiscal"),
                ("      上年结转资金", "carried"),
                ("      其他资金", "other"),
            )
        ]
        head = [
            ("项目名称", name),
            ("主管部门", str(scoped.get("department_in_charge") or data.name)),
            ("实施单位", str(scoped.get("unit") or data.name)),
        ]
        tables.append(
            mof_self_table(
                evaluation,
                Figures(scoped, rulebook),
                f"{title}（{name}）",
                funds={
                    "initial": "funds.initial",
                    "adjusted": "funds.adjusted",
                    "actual": "funds.actual",
                    "goal": "goal",
                    "result": "result",
                },
                head=head,
                execution_indicator="project_execution_rate",
                fund_parts=parts,
            )
        )
    if skipped:
        builder.extra_warnings.append(f"以下项目没有填报资金或绩效指标，未生成项目支出绩效自评表：{'、'.join(skipped)}")
    return tables


# Extra attachment tables (the MoF-format tables): name -> builder(_Builder, title) -> tables.
ATTACHMENT_BUILDERS: dict[str, Any] = {"mof_department": _mof_department, "mof_projects": _mof_projects}


def build_document(
    prepared: Prepared,
    evaluation: Evaluation,
    narrative_dir: Path | None = None,
    narrative_texts: Mapping[str, str] | None = None,
) -> Document:
    """The report as a Document; its narrative from `narrative_texts` (section name -> Markdown) when given,
    else from `narrative_dir`, else from narrative/ beside the data."""
    outline = load_outline(str(prepared.rulebook.report.get("outline", "shenzhen-department")))
    folder = narrative_dir if narrative_dir is not None else narrative_folder(prepared)
    narrative = NarrativeSource(None if narrative_texts is not None else folder, narrative_texts)
    builder = _Builder(prepared, evaluation, outline, narrative)
    for item in outline.intro:
        builder.content(item, 0)
    for section in outline.sections:
        builder.section(section, 1)
    for item in outline.closing_content:
        builder.content(item, 0)
    for line in outline.closing:
        builder.blocks.append(Paragraph.of(builder.fill(line), align="right", indent=False))
    attachments = builder.attachments()
    warnings = []
    if narrative.missing:
        sections = "、".join(dict.fromkeys(narrative.missing))
        warnings.append(
            f"以下章节的文字材料未提供（{narrative.folder or 'narrative/'}），"
            f"报告中这些章节只有自动生成的内容：{sections}"
        )
    warnings += [*evaluation.notes, *builder.extra_warnings]
    meta = tuple(line for line in (builder.fill(m) for m in outline.meta) if line.strip())
    return Document(builder.fill(outline.title), meta, tuple(builder.blocks), attachments, warnings=tuple(warnings))
