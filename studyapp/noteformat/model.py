"""Plain dataclasses that a parsed exam note is made of. No Django here: the
parser and its tests run without a database, and the importer maps these onto
models."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import cache


@dataclass(frozen=True)
class Problem:
    line: int
    message: str


@dataclass
class Meta:
    id: str
    title: str
    category: str = ""
    domain: str = ""
    tags: list[str] = field(default_factory=list)
    created_at: date | None = None
    # Ids this note had before (a declared rename): their history becomes this note's.
    previous_ids: list[str] = field(default_factory=list)
    # SAP-C02 task statements the note tests, as codes ("1.3"), in exam order.
    tasks: list[str] = field(default_factory=list)
    # The documentation its correct answer and key distractor facts rest on (http(s) URLs).
    sources: list[str] = field(default_factory=list)
    # Line of the front matter keys an importer reports on ("id", "previous_ids").
    lines: dict[str, int] = field(default_factory=dict)


@dataclass
class Requirement:
    label: str
    detail: str
    line: int


@dataclass
class Context:
    architecture: str = ""
    requirements: list[Requirement] = field(default_factory=list)
    # Bullets of the context section that are neither architecture nor requirements.
    points: list[Requirement] = field(default_factory=list)
    text: str = ""


@dataclass
class TriggerWord:
    term: str
    gloss: str
    explanation: str
    line: int


@dataclass
class Option:
    letter: str
    label: str = ""
    # The option as the exam shows it; empty when the note carries only a label.
    text: str = ""
    correct: bool = False
    reasoning: str = ""
    line: int = 0


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    line: int
    # The line of each row, for problems that name a row (the card limit).
    row_lines: list[int] = field(default_factory=list)


@dataclass
class Reference:
    text: str
    url: str
    line: int


@dataclass
class BestPractice:
    trigger: str
    practice: str
    line: int


@dataclass
class Item:
    """A line of free text (a pitfall, a shortcut, a concept point) and where it stood."""

    text: str
    line: int


@dataclass
class ExamNote:
    summary: str = ""
    concept: str = ""
    concept_points: list[Item] = field(default_factory=list)
    concept_line: int = 0
    best_practices: list[BestPractice] = field(default_factory=list)
    pitfalls: list[Item] = field(default_factory=list)
    shortcuts: list[Item] = field(default_factory=list)


@dataclass
class ParsedNote:
    meta: Meta
    context: Context = field(default_factory=Context)
    question: str = ""
    trigger_words: list[TriggerWord] = field(default_factory=list)
    options: list[Option] = field(default_factory=list)
    rationale: str = ""
    tables: list[Table] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    exam_note: ExamNote = field(default_factory=ExamNote)
    sections: list[str] = field(default_factory=list)

    @property
    def correct_letters(self) -> list[str]:
        return [o.letter for o in self.options if o.correct]

    @property
    def comparison_rows(self) -> int:
        return sum(len(t.rows) for t in self.tables)

    @property
    def has_option_texts(self) -> bool:
        return bool(self.options) and all(o.text for o in self.options)

    def to_dict(self) -> dict:
        data = _plain(self)
        data["correct"] = self.correct_letters
        created = self.meta.created_at
        data["meta"]["created_at"] = created.isoformat() if created else None
        return data


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _plain(value):
    """Like dataclasses.asdict, without its deep copies: the importer calls
    this once per note, and asdict was a tenth of an import's Python time."""
    if isinstance(value, (str, int, float)) or value is None:
        return value
    if is_dataclass(value):
        return {name: _plain(getattr(value, name)) for name in _field_names(type(value))}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


@dataclass
class ParseResult:
    note: ParsedNote | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.note is not None and not self.errors
