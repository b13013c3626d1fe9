"""Scenario questions: scoring, the grade a result earns, shuffled options and
the cards that explain a trap. Pure functions over the note's parsed JSON."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from fsrs import Rating


@dataclass(frozen=True)
class Choice:
    letter: str
    text: str
    label: str
    reasoning: str
    correct: bool


def options(parsed: dict) -> list[Choice]:
    return [
        Choice(o["letter"], o.get("text", ""), o.get("label", ""), o.get("reasoning", ""), bool(o.get("correct")))
        for o in parsed.get("options", [])
    ]


def has_option_texts(parsed: dict) -> bool:
    choices = options(parsed)
    return bool(choices) and all(c.text for c in choices)


def shuffled(choices: list[Choice], seed: int) -> list[Choice]:
    """A new order at every showing (the seed changes with each answer), so the
    learner remembers the reasoning, not the position."""
    order = list(choices)
    random.Random(seed).shuffle(order)
    return order


def score(chosen: set[str], correct: set[str]) -> float:
    """Partial credit: each right choice earns 1/N, each wrong one costs 1/N
    (N = number of correct options); never below zero."""
    if not correct:
        return 0.0
    right = len(chosen & correct)
    wrong = len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


def rating_for(result: float) -> Rating:
    if result >= 1.0:
        return Rating.Good
    if result >= 0.5:
        return Rating.Hard
    return Rating.Again


def normalized(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def trap_keys(parsed: dict, wrong_letters: set[str], keys_by_term: dict[str, str]) -> set[str]:
    """Keys of the cards that explain why the chosen wrong options are wrong:
    those whose term (a trigger word, a table row's head; normalized) appears
    in the option's text, label or reasoning."""
    keys: set[str] = set()
    for choice in options(parsed):
        if choice.letter not in wrong_letters:
            continue
        haystack = normalized(" ".join([choice.text, choice.label, choice.reasoning]))
        for term, key in keys_by_term.items():
            if term and term in haystack:
                keys.add(key)
    return keys


def terms(parsed: dict) -> list[str]:
    """Trigger words, longest first (so '504 Gateway' wins over '504')."""
    found = [w["term"] for w in parsed.get("trigger_words", []) if w.get("term")]
    return sorted(set(found), key=len, reverse=True)


def row_heads(parsed: dict) -> list[str]:
    heads = []
    for table in parsed.get("tables", []):
        for row in table.get("rows", []):
            head = re.sub(r"[*_`]", "", row[0]).strip() if row else ""
            if head:
                heads.append(head)
    return heads
