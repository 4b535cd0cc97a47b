"""The generated reference docs match the code they describe."""

from pathlib import Path

from jixiao.model.docgen import data_format_markdown, indicators_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_data_format_doc_is_current():
    assert (DOCS / "data-format.md").read_text(encoding="utf-8") == data_format_markdown(), (
        "docs/data-format.md is stale: run .venv/bin/python -m jixiao.model.docgen"
    )


def test_indicators_doc_is_current():
    assert (DOCS / "indicators.md").read_text(encoding="utf-8") == indicators_markdown(), (
        "docs/indicators.md is stale: run .venv/bin/python -m jixiao.model.docgen"
    )


def test_every_field_and_indicator_is_documented():
    text = data_format_markdown()
    for path in ("budget.adjustment.amount", "quarterly[].time_rate", "facts.*.answer", "procurement.plan"):
        assert f"`{path}`" in text
    assert "`procurement_execution_rate`" in indicators_markdown()
