"""Counts against the items listed beside them ("涉及甲镇、乙镇、丙乡3个乡镇", "共3个项目：甲、乙、丙")."""

from __future__ import annotations

import re

from jixiao.model.problems import Problem, Severity

from .findings import problem, where
from .model import NarrativeFigure
from .vocabulary import vocabulary

__all__ = ["count_items"]


def count_items(figures: list[NarrativeFigure]) -> list[Problem]:
    """“涉及甲镇、乙镇、丙乡3个乡镇” and "共3个项目：甲、乙、丙": the count against the items named."""

    out = []
    for f in figures:
        if f.kind != "count" or f.cell is not None or not f.exact or f.value != f.value.to_integral_value():
            continue
        if f.relation in vocabulary().relations["parts"]:
            continue
        quote = f.quote
        at = quote.find(f.text)
        if at < 0:
            continue
        noun = f.subject
        head = re.sub(r"[（(][^（()）]*[)）]", "", quote[: at + len(f.text) - len(f.raw) - len(f.unit)])
        after = quote[at + len(f.text) :]
        listed = _list_before(head, noun)
        named = re.match(r"[\u4e00-\u9fa5]{1,4}", after)
        if listed is not None and named and not all(_fits(i, named.group(0)) for i in listed[0]):
            # "组织甲局、乙局和丙局7名专家": the count names its own noun, of another kind than the items before
            listed = None
        if listed is None:
            listed = _list_after(after, noun)
        if listed is None:
            continue
        items, partial = listed
        n = int(f.value)
        if len(items) == n or (partial and len(items) < n):
            continue
        out.append(
            problem(
                "count_items",
                f"{where(f)}与所列{len(items)}项不符：文中列出{'、'.join(items)}，共{len(items)}项"
                f"（数目须相等{'，列举以“等”结尾时不得多于所述个数' if partial else ''}）。请核对个数或列举。",
                f,
                Severity.WARNING,
                f"{len(items)}{f.unit}",
                f"{f.raw}{f.unit}",
            )
        )
    return out


def _fits(item: str, noun: str) -> bool:
    """An item of the kind the count names: 临城镇 for 乡镇, 北驾廻村 for 村, “……经费” for 项目 in quotes,
    县会计服务中心 for 事业单位."""
    item = item.strip("“”\"'《》")
    if not item or not noun:
        return False
    words = vocabulary().words
    if noun.endswith(words["institution_nouns"]) and item.endswith(words["institution_suffixes"]):
        return True
    return item.endswith(noun) or item[-1] in noun


def _split_last(items: list[str], noun: str) -> list[str]:
    """ "甲、乙和丙": the last item joined by 和/及/与 is two items when both halves are of the kind counted."""
    if not items:
        return items
    halves = re.split("|".join(map(re.escape, vocabulary().words["list_joiners"])), items[-1], maxsplit=1)
    if len(halves) == 2 and all(_fits(h, noun) for h in halves):
        return [*items[:-1], *halves]
    # "……、应急管理办公室,综合行政执法办公室": the last name after a comma instead of a 、
    names = [n.strip() for n in re.split(r"[，,]", items[-1])]
    if len(names) > 1 and all(_fits(n, noun) and len(n) <= 20 for n in names):
        return [*items[:-1], *names]
    return items


def _list_before(head: str, noun: str) -> tuple[list[str], bool] | None:
    clause = re.split(r"[，,；;：:。]", head)[-1]
    if clause.endswith("各") or re.search(r"\d", clause):
        return None  # "甲、乙各120户": each, not a count of the list
    partial = clause.endswith("等")
    clause = clause.rstrip("等共计")
    if "、" not in clause:
        return None
    items = [i for i in re.split(r"、", clause) if i]
    if len(items) < 2:
        return None
    items[0] = re.split("|".join(map(re.escape, vocabulary().words["list_openers"])), items[0])[-1]
    if _AGENTS_BEFORE.search(items[-1]):
        return None  # "甲党工委、乙办事处设下列内设机构6个,分别是:……": who set them up, the list follows
    items = _split_last(items, noun)
    if len(items) < 2 or not all(_fits(i, noun) and len(i) <= 20 for i in items):
        return None
    return items, partial


# a verb of having or setting up before the count's noun: the names before it are its agents ("……办事处设下列内设机构")
_AGENTS_BEFORE = re.compile(r"(?:下列|以下|如下)|(?:设|设置|设立|下设|内设|下属)[\u4e00-\u9fa5]{1,8}$")


def _list_after(after: str, noun: str) -> tuple[list[str], bool] | None:
    m = re.match(
        r"^[\u4e00-\u9fa5]{0,8}?(?:[，,]?(?:分别为|分别是|包括|即|为|是)[：:]?|[：:])(.+?)(?:[。；;]|$)", after
    )
    if not m or "、" not in m.group(1):
        return None
    body = m.group(1)
    partial = body.rstrip("。").endswith("等") or "等" in body[-4:]
    items = _split_last([i.strip() for i in body.rstrip("等").split("、") if i.strip()], noun)
    if any(re.search(r"\d", i) for i in items):
        return None  # figures in the list: the parts check reads it
    quoted = all(re.fullmatch(r"[“\"《].*[”\"》]", i) for i in items)
    if len(items) < 2 or not (quoted or all(_fits(i, noun) and len(i) <= 20 for i in items)):
        return None
    return items, partial
