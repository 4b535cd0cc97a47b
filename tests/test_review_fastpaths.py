"""The review's fast paths (issue 15: review speed) give what the plain code they replace gives: one alternation
regex for "any of these words in the text", sentences and bracket depths found by regular expressions instead of
a walk over every character. Each is held to the plain version on the corpus texts and on random texts."""

from __future__ import annotations

import random
import re
from pathlib import Path

from jixiao.model.numbers import normalize_text
from jixiao.review.extract import _LEADS, _RULES, fold_text, leading_literal
from jixiao.review.narrative.clauses import CLAUSE_END, CLOSE, OPEN, SENTENCE_END, Sentence, depths, sentences
from jixiao.review.narrative.vocabulary import vocabulary
from jixiao.review.rx import any_of

CORPUS = Path(__file__).parent / "fixtures" / "review_corpus"


def _plain_sentences(text: str) -> list[Sentence]:
    out, start = [], 0
    for i, char in enumerate(text + "\n"):
        if char in SENTENCE_END:
            if i > start:
                clauses = [start] + [
                    j + 1
                    for j in range(start, i)
                    if text[j] in CLAUSE_END
                    and not (text[j] == "," and text[j - 1 : j].isdigit() and text[j + 1 : j + 2].isdigit())
                ]
                out.append(Sentence(start, i + 1 if i < len(text) else i, clauses))
            start = i + 1
    return out


def _plain_depths(text: str) -> list[int]:
    depth, out = 0, []
    for char in text:
        if char in OPEN:
            depth += 1
        out.append(depth)
        if char in CLOSE and depth:
            depth -= 1
    return out


def _texts() -> list[str]:
    found = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("n*/document.txt"))[:40]]
    paragraphs = [line for text in found for line in text.split("\n")]
    rng = random.Random(15)
    alphabet = "。！？!?\n，,；;：:（(【[）)】]1234567890.资金万元年" + "的"
    made = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(2000)]
    return [*paragraphs, *made, "", ",", "1,2", "(", ")", "）（", "。。"]


def test_sentences_and_depths_as_the_character_walk() -> None:
    texts = _texts()
    assert len(texts) > 2000
    for text in texts:
        assert sentences(text) == _plain_sentences(text), text
        assert depths(text) == _plain_depths(text), text


def test_any_of_is_any_word_in_the_text() -> None:
    voc = vocabulary()
    lists = [voc.other_year, voc.target, voc.money_words, voc.relations["verbs"], (), ("",), ("a.b", "(", "资金")]
    texts = [t[:80] for t in _texts()[:3000]] + ["a.b", "axb", "("]
    for words in lists:
        for text in texts:
            assert (any_of(words).search(text) is not None) == any(w in text for w in words), (words, text)


def _required_literals(pattern: re.Pattern[str]) -> str:
    """The plain literals the parsed pattern opens with at its top level, after its zero-width assertions and the
    repeats that may match nothing: characters every match holds, one after the other."""
    from re import _parser  # type: ignore[attr-defined]

    out, items = "", list(_parser.parse(pattern.pattern, pattern.flags))
    while items and (
        str(items[0][0]) in ("ASSERT", "ASSERT_NOT")
        or (str(items[0][0]) in ("MAX_REPEAT", "MIN_REPEAT") and items[0][1][0] == 0)
    ):
        items.pop(0)
    for op, argument in items:
        if str(op) != "LITERAL":
            break
        out += chr(argument)
    return out


def test_a_rules_leading_literal_is_what_every_match_begins_with() -> None:
    assert _LEADS and sum(1 for lead in _LEADS if lead) >= 30  # most rules open with their words
    for rule, lead in zip(_RULES, _LEADS, strict=True):
        assert _required_literals(rule.pattern).startswith(lead), rule.pattern.pattern
    assert leading_literal(r"年初预算?\s*1") == "年初预"  # the last taken off before a quantifier
    assert leading_literal(r"甲乙|丙") == "" and leading_literal(r"(甲|乙)丙") == ""
    assert leading_literal(r"甲[|]乙") == "甲" and leading_literal(r"甲\|乙") == "甲"
    assert leading_literal(r"(?<!核定)(?:预算)?调整数\s*1") == "调整数"
    assert leading_literal(r"(?:预算)调整数") == "" and leading_literal(r"(?:预(算))?调整数") == ""


def test_fold_text_is_normalize_text() -> None:
    texts = [*_texts(), "１，２００．５％\u3000－＋\u00a0", " ０ ", "\u3000x\u3000"]
    for text in texts:
        assert fold_text(text) == normalize_text(text), text
