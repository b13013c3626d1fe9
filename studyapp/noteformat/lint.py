"""The content lint of the exam bank: what a note must hold to be an exam
question (beyond parsing), and what the bank must cover.

Per note: it parses with no error and no warning; it has a question stem and
the text of every option; the exam's formats hold (one correct of four with
no "Choose"; "Choose two." of five, "Choose three." of six); it names the
SAP-C02 task statements it tests and the documentation it rests on; it is
bilingual (Japanese context, trigger words, reasoning and exam note; the
exam's English stem and options).

Per bank: notes per task statement (at least ``min_per_task`` each) and per
domain, and the share of single-answer questions (``single_share``).

Pure Python, no Django: `manage.py lint_notes` reads the files and prints."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from studyapp.noteformat.model import ParsedNote, Problem
from studyapp.noteformat.parser import normalize_newlines, parse_note, stated_choice_counts
from studyapp.noteformat.repair import decode_bytes, repair_text
from studyapp.noteformat.vocabulary import DOMAINS, TASK_STATEMENTS, domain_for

# The exam's formats: how many options a question with N correct answers has.
OPTIONS_FOR_CORRECT = {1: 4, 2: 5, 3: 6}
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# An English stem is mostly Latin words: at least this many, and no kana or kanji.
MIN_ENGLISH_WORDS = 12
MIN_PER_TASK = 4
SINGLE_SHARE = (0.70, 0.85)


@dataclass
class NoteLint:
    path: str
    note: ParsedNote | None = None
    problems: list[Problem] = field(default_factory=list)

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(line, message))

    @property
    def single(self) -> bool:
        return self.note is not None and len(self.note.correct_letters) == 1


def lint_note(path: str, raw: bytes) -> NoteLint:
    """Every rule a single note must pass; problems name their line."""
    result = NoteLint(path)
    decoded = decode_bytes(raw)
    if decoded.unreadable_line:
        result.problem(decoded.unreadable_line, "no encoding reads this file")
        return result
    repair = repair_text(normalize_newlines(decoded.text))
    if repair.repaired:
        result.problem(repair.repaired_lines[0] if repair.repaired_lines else 1, "damaged encoding: save it repaired")
    parsed = parse_note(repair.text)
    for problem in parsed.errors:
        result.problem(problem.line, f"error: {problem.message}")
    for problem in parsed.warnings:
        result.problem(problem.line, f"warning: {problem.message}")
    note = parsed.note
    if note is None or parsed.errors:
        return result
    result.note = note
    _question(result, note)
    _metadata(result, note)
    _languages(result, note)
    return result


def _question(result: NoteLint, note: ParsedNote) -> None:
    if not note.question.strip():
        result.problem(1, "no question stem (section 'Question & Options')")
    missing = [o.letter for o in note.options if not o.text.strip()]
    if not note.options:
        result.problem(1, "no options")
    elif missing:
        result.problem(note.options[0].line, f"options without their text: {', '.join(missing)}")
    correct = len(note.correct_letters)
    if not correct:
        result.problem(1, "no correct option declared")
        return
    expected = OPTIONS_FOR_CORRECT.get(correct)
    if expected is None:
        result.problem(1, f"{correct} correct options: the exam asks for one, two or three")
    elif len(note.options) != expected:
        result.problem(
            note.options[0].line if note.options else 1,
            f"{correct} correct of {len(note.options)} options: the exam has {correct} correct of {expected}",
        )
    stated = stated_choice_counts(note.question)
    if correct == 1 and stated:
        result.problem(1, "a single-answer question does not say 'Choose N'")
    elif correct > 1 and stated != {correct}:
        words = {2: "two", 3: "three"}.get(correct, str(correct))
        result.problem(1, f"{correct} correct options: the stem must end with '(Choose {words}.)'")


def _metadata(result: NoteLint, note: ParsedNote) -> None:
    line = note.meta.lines.get
    if not note.meta.tasks:
        result.problem(line("tasks", 1), "no 'tasks' (the SAP-C02 task statements it tests, e.g. [\"1.3\"])")
    if not note.meta.sources:
        result.problem(line("sources", 1), "no 'sources' (the AWS documentation its facts rest on)")
    domain = domain_for(note.meta.domain)
    if domain is None:
        result.problem(1, f"domain {note.meta.domain!r} is not one of the four SAP-C02 domains")
    elif note.meta.tasks and not any(code.startswith(f"{domain.number}.") for code in note.meta.tasks):
        result.problem(line("tasks", 1), f"none of its task statements is in its domain ({domain.number})")


def _languages(result: NoteLint, note: ParsedNote) -> None:
    japanese = {
        "context": " ".join(
            [note.context.architecture, note.context.text, *(r.detail for r in note.context.requirements)]
        ),
        "trigger words": " ".join(t.explanation for t in note.trigger_words),
        "reasoning": " ".join(o.reasoning for o in note.options),
        "exam note": " ".join([note.exam_note.summary, note.exam_note.concept]),
    }
    for part, text in japanese.items():
        if not JAPANESE.search(text):
            result.problem(1, f"no Japanese in the {part}")
    if JAPANESE.search(note.question) or len(LATIN_WORD.findall(note.question)) < MIN_ENGLISH_WORDS:
        result.problem(1, "the question stem is not the exam's English")
    for option in note.options:
        if option.text and (JAPANESE.search(option.text) or not LATIN_WORD.search(option.text)):
            result.problem(option.line, f"option {option.letter} is not in English")


@dataclass
class BankLint:
    notes: list[NoteLint]
    min_per_task: int = MIN_PER_TASK
    single_share: tuple[float, float] = SINGLE_SHARE

    @property
    def parsed(self) -> list[ParsedNote]:
        return [n.note for n in self.notes if n.note is not None]

    def per_task(self) -> Counter:
        return Counter(code for note in self.parsed for code in note.meta.tasks)

    def per_domain(self) -> Counter:
        found = (domain_for(note.meta.domain) for note in self.parsed)
        return Counter(d.number for d in found if d is not None)

    def single(self) -> float:
        questions = [n for n in self.notes if n.note is not None and n.note.correct_letters]
        return sum(n.single for n in questions) / len(questions) if questions else 0.0

    def problems(self) -> list[str]:
        """What the bank as a whole lacks (the per-note problems aside)."""
        found = []
        counts = self.per_task()
        thin = [f"{t.code} ({counts[t.code]})" for t in TASK_STATEMENTS if counts[t.code] < self.min_per_task]
        if thin:
            found.append(f"task statements with fewer than {self.min_per_task} notes: {', '.join(thin)}")
        low, high = self.single_share
        share = self.single()
        if not low <= share <= high:
            found.append(f"single-answer share {share:.0%} is outside {low:.0%}-{high:.0%}")
        return found

    def coverage_table(self) -> list[str]:
        counts, domains, total = self.per_task(), self.per_domain(), len(self.parsed)
        lines = ["task  notes  statement"]
        lines += [f"{t.code:<5} {counts[t.code]:>5}  {t.name}" for t in TASK_STATEMENTS]
        lines.append("")
        lines.append("domain  notes  share  exam weight")
        for d in DOMAINS:
            share = domains[d.number] / total if total else 0.0
            lines.append(f"{d.number:<7} {domains[d.number]:>5}  {share:>5.0%}  {d.weight:>5}%  {d.name}")
        questions = [n for n in self.notes if n.note is not None and n.note.correct_letters]
        single = sum(n.single for n in questions)
        lines.append("")
        lines.append(
            f"questions: {len(questions)}; single-answer {single} ({self.single():.0%}), "
            f"multiple-response {len(questions) - single}"
        )
        return lines
