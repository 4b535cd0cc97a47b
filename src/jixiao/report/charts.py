"""Charts as PNG images: quarterly execution against the time-proportional schedule, and 得分率 by 一级.

Drawn with matplotlib's Agg backend and a CJK font found by fontconfig (Noto Sans CJK SC on Debian's
fonts-noto-cjk). PNGs carry no timestamp, so re-running gives the same bytes.
"""

from __future__ import annotations

import io
from decimal import Decimal
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")
from matplotlib import font_manager
from matplotlib import pyplot as plt

__all__ = ["quarterly_chart", "score_rate_chart"]

_CJK_CANDIDATES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
)


@lru_cache(maxsize=1)
def _font() -> font_manager.FontProperties | None:
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_CANDIDATES:
        if name in names:
            return font_manager.FontProperties(family=name)
    # Debian ships the CJK fonts as .ttc collections that older matplotlib caches miss: look them up directly.
    for path in ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",):
        try:
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path)
        except (OSError, RuntimeError):
            continue
    return None


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    # Fixed margins instead of bbox_inches="tight", which draws the whole figure twice.
    fig.savefig(buffer, format="png", dpi=150, metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def quarterly_chart(rates: dict[int, Decimal], title: str = "季度序时执行率") -> bytes:
    font = _font()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    fig.subplots_adjust(left=0.11, right=0.98, top=0.88, bottom=0.12)
    labels = [f"第{'一二三四'[q - 1]}季度" for q in rates]
    values = [float(r * 100) for r in rates.values()]
    colors = ["#b22222" if v < 100 else "#2f5597" for v in values]
    bars = ax.bar(labels, values, color=colors, width=0.5)
    ax.axhline(100, color="#444444", linestyle="--", linewidth=1, label="序时进度 100%")
    legend_font = font.copy() if font is not None else None
    if legend_font is not None:
        legend_font.set_size(9)
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), frameon=False, prop=legend_font)
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value + 1, f"{value:.2f}%", ha="center", va="bottom", fontsize=9)
    ax.set_ylim(0, max([*values, 100]) * 1.15)
    ax.set_ylabel("序时执行率（%）", fontproperties=font)
    ax.set_title(title, fontproperties=font, loc="left")
    for label in ax.get_xticklabels():
        label.set_fontproperties(font)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def score_rate_chart(items: list[tuple[str, Decimal]], title: str = "各一级指标得分率") -> bytes:
    font = _font()
    fig, ax = plt.subplots(figsize=(6.4, 0.9 + 0.55 * len(items)))
    fig.subplots_adjust(
        left=0.16, right=0.95, top=1 - 0.45 / (0.9 + 0.55 * len(items)), bottom=0.55 / (0.9 + 0.55 * len(items))
    )
    names = [name for name, _ in items][::-1]
    values = [float(rate * 100) for _, rate in items][::-1]
    bars = ax.barh(names, values, color="#2f5597", height=0.5)
    for bar, value in zip(bars, values, strict=True):
        ax.text(value + 0.5, bar.get_y() + bar.get_height() / 2, f"{value:.2f}%", va="center", fontsize=9)
    ax.set_xlim(0, 110)
    ax.set_xlabel("得分率（%）", fontproperties=font)
    ax.set_title(title, fontproperties=font)
    for label in ax.get_yticklabels():
        label.set_fontproperties(font)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)
