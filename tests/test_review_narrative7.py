"""Review of narrative reports, continued from tests/test_review_narrative6.py: errors planted by
bench/review_mutations.py in real reports of tests/fixtures/review_corpus/n*/ that the review let pass. Each corpus
paragraph is followed by a hand-made one of the same form; every number is worked by hand in the comment beside it."""

from __future__ import annotations

from pathlib import Path

from jixiao.review.source import Segment, SourceDocument


def _doc(*paragraphs: str) -> SourceDocument:
    return SourceDocument(Path("报告.txt"), [Segment("paragraph", i, text) for i, text in enumerate(paragraphs, 1)])


def _findings(*paragraphs: str) -> list:
    from jixiao.review.pipeline import review_document

    return review_document(_doc(*paragraphs)).findings


def _codes(*paragraphs: str) -> list[str]:
    return [p.code for p in _findings(*paragraphs)]


# --- parts_total: amounts split by the level that pays them are one money, never less than a part ---------------

# n02 第6段 as printed: 179.25 + 59.75 = 239 — no finding
_N02 = "我校2022年按生均1000元安排,共计239万元,其中上级资金179.25万元,本级59.75万元,项目绩效目标是保证学校的正常运转。"


def test_funding_levels_above_their_total_are_found() -> None:
    assert "review.narrative.parts_total" not in _codes(_N02)
    # 共计239 typed 39: 179.25 + 59.75 = 239 > 39, and 179.25 alone is above the total — a part of one money
    slipped = _N02.replace("共计239万元", "共计39万元")
    assert "review.narrative.parts_total" in _codes(slipped)
    # hand-made: 中央资金 80 + 省级资金 40 = 120 > 共100万元
    made = "本项目共下达资金100万元,其中中央资金80万元,省级资金40万元。"
    assert "review.narrative.parts_total" in _codes(made)
    # hand-made (n116's 三公经费 with its rates left out): a total the text claims (共计), a part typed tenfold:
    # 15.5 + 200 = 215.5 > 35.5, and 200 alone is above the total
    claimed = "2020年“三公”经费决算数共计35.5万元,其中公务接待费15.5万元,公务用车运行维护费200万元。"
    assert "review.narrative.parts_total" in _codes(claimed)
    assert "review.narrative.parts_total" not in _codes(claimed.replace("200万元", "20万元"))  # 15.5 + 20 = 35.5
    # a score's parts (一级指标) as large as their total stay another breakdown: no finding
    scores = "项目自评得分90分,其中产出指标95分,效益指标92分。"
    assert "review.narrative.parts_total" not in _codes(scores)


# --- share: a 执行率 of at most 100% over the whole its sentence states, with the spent amount typed too large ----

# n05 第12段 as printed: 2113.63 ÷ 2179 = 97.00% — no finding
_N05 = "2、项目资金执行情况分析。项目资金共2179万元,截止2022年12月8日,已完成拨付2113.63万元,执行率97%。"


def test_rate_of_a_stated_whole_with_its_numerator_above_it() -> None:
    assert "review.narrative.share" not in _codes(_N05)
    # 2113.63 typed 21113.63: 21113.63 ÷ 2179 = 968.96%, not 97%
    slipped = _N05.replace("2113.63", "21113.63")
    found = [p for p in _findings(slipped) if p.code == "review.narrative.share"]
    assert found and "968.96%" in found[0].message
    # hand-made: 资金合计500万元, 已支出480 typed 5200: 5200 ÷ 500 = 1040%, not the stated 96%
    made = "项目资金合计500万元,截至年底已支出5200万元,预算执行率96%。"
    assert "review.narrative.share" in _codes(made)
    # the same with the rate right (480 ÷ 500 = 96%): no finding
    assert "review.narrative.share" not in _codes(made.replace("5200", "480"))


# --- parts_total: a total's changes on last year between it and its 其中 list ------------------------------------

# n116 第1段 as printed: 15.5 + 20 = 35.5 — no finding
_N116 = (
    "许镇镇2020年“三公”经费决算数共计35.5万元,比上年预算数字下降35.45%,比上年决算数字下降34.26%;其中公务接待费15.5万元,"
    "比上年预算数字下降18.42%,比上年决算数字下降16.22%;公务用车运行维护费20万元,比上年预算数字下降44.44%,"
    "比上年决算数字下降43.66%.下降的主要原因都是按照上级三公经费管理的规定,逐年减少三公经费支出。"
)


def test_parts_after_the_totals_changes() -> None:
    assert "review.narrative.parts_total" not in _codes(_N116)
    # 20 typed 200: 15.5 + 200 = 215.5 > 35.5
    assert "review.narrative.parts_total" in _codes(_N116.replace("运行维护费20万元", "运行维护费200万元"))
    # hand-made: 支出合计120万元, its change, then 其中 甲50万元 + 乙90万元 = 140 > 120
    made = "2023年项目支出合计120万元,较上年增长20%,其中设备购置费50万元,维修费90万元。"
    assert "review.narrative.parts_total" in _codes(made)
    assert "review.narrative.parts_total" not in _codes(made.replace("90万元", "70万元"))  # 50 + 70 = 120


# --- parts_total: a budget stated as a total, then what was spent and what is left ------------------------------

# n106 第5段 as printed: 47317.66 + 11682.34 = 59000 — no finding
_N106 = (
    "2017年度山东省城镇和困难工矿区老旧住宅小区整治改造补助资金预算总额为59000万元,该专项资金由山东省财政厅和山东省住房"
    "和城乡建设厅按职责分工共同管理,并在16个地级市(不含青岛)和14个直管县之间进行分配。2017年实际支出47317.66万元,"
    "结余资金11682.34万元。"
)


def test_budget_is_spent_plus_balance() -> None:
    assert "review.narrative.parts_total" not in _codes(_N106)
    # 11682.34 with its point moved (1168.234): 47317.66 + 1168.234 = 48485.894 ≠ 59000
    found = [p for p in _findings(_N106.replace("11682.34", "1168.234")) if p.code == "review.narrative.parts_total"]
    assert found and "48485.894" in found[0].message and found[0].severity.name == "WARNING"
    # hand-made: 预算总额为200万元; 实际支出150万元 + 结余60万元 = 210 ≠ 200
    made = "本项目预算总额为200万元,由县财政局管理。全年实际支出150万元,结余资金60万元。"
    assert "review.narrative.parts_total" in _codes(made)
    assert "review.narrative.parts_total" not in _codes(made.replace("60万元", "50万元"))  # 150 + 50 = 200
    # a balance of another year is no part of this budget: 150 + 上年结余 60 — no finding
    assert "review.narrative.parts_total" not in _codes(made.replace("结余资金60万元", "上年结余资金60万元"))
