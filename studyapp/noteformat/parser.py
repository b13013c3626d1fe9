"""Exam note text -> ``ParsedNote``. Pure Python: no Django, no I/O.

The format is described in docs/note-format.md. The parser is lenient about
what it can understand (heading language, section order, list markers, CRLF,
BOM) and strict about what would mislead a learner (a missing id, an answer
key that names an option that does not exist). Every problem names its line.

A note file is untrusted input: parsing takes time and memory linear in its
size. No regular expression here may backtrack over a line (those that could
are written out by hand), YAML anchors and aliases are refused before anything
is built from them, nesting is bounded, and a message quotes at most a few
dozen characters of what the note says."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

import yaml

from studyapp.noteformat import vocabulary
from studyapp.noteformat.blocks import (
    MAX_LIST_DEPTH,
    Blocks,
    Line,
    Node,
    bold_label,
    links,
    parse_table,
    plain,
    split_blocks,
)
from studyapp.noteformat.model import (
    BestPractice,
    Context,
    ExamNote,
    Item,
    Meta,
    Option,
    ParsedNote,
    ParseResult,
    Problem,
    Reference,
    Requirement,
    Table,
    TriggerWord,
)

ID_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
MAX_PREVIOUS_IDS = 20
PREVIOUS_ID_KEYS = ("previous_ids", "previous_id")
# tasks and sources: a note tests a few task statements and rests on a few pages.
MAX_LIST_ITEMS = 30
# An absolute http(s) URL without spaces or quotes, of a sane length.
SOURCE_URL = re.compile(r"^https?://[^\s<>\"'`]{3,500}$")

# Section kinds, tried in this order against the heading text (lower-cased).
# "question" comes before "reasoning" so that "Question & Options" is not read
# as reasoning, and "選択肢の分析" is a bullet, never a heading.
SECTION_KINDS: list[tuple[str, re.Pattern]] = [
    ("exam_note", re.compile(r"exam note|study note|学習メモ|試験メモ|まとめ")),
    ("question", re.compile(r"question|options|choices|問題|選択肢")),
    ("triggers", re.compile(r"trigger|keyword|キーワード")),
    ("reasoning", re.compile(r"reasoning|rationale|explanation|answer|なぜ|根拠|解説")),
    ("comparison", re.compile(r"comparison|compare|reference|比較|資料")),
    ("context", re.compile(r"context|requirement|scenario|situation|状況|要件|背景")),
]

EXAM_PARTS: list[tuple[str, re.Pattern]] = [
    ("best_practices", re.compile(r"best practice|ベストプラクティス|対策|trigger")),
    ("pitfalls", re.compile(r"pitfall|anti-pattern|antipattern|落とし穴|注意|アンチパターン")),
    ("shortcuts", re.compile(r"shortcut|mnemonic|暗記|ショートカット|覚え方|語呂")),
    ("concept", re.compile(r"concept|概念|コンセプト|要点|ポイント")),
]

WRONG_GROUP = re.compile(r"選択肢の分析|分析|誤答|不正解|誤り|incorrect|wrong|other option|distractor", re.I)
CORRECT_GROUP = re.compile(r"論理的根拠|正解|根拠|correct|answer|right option", re.I)
ARCHITECTURE = re.compile(r"構成|architecture|diagram|topology", re.I)
REQUIREMENTS = re.compile(r"要件|requirement|constraint", re.I)
LETTER = re.compile(r"(?<![A-Za-z])([A-Z])(?![A-Za-z])")
# Cannot backtrack far: after the letter, "\s*(.*)$" matches whatever follows.
OPTION_REASON_LABEL = re.compile(r"^([A-Z])(?:\s*[.:：)）]?\s*)(?:[(（]\s*(.*?)\s*[)）])?\s*(.*)$")
PARENS = re.compile(r"[(（]([^()（）]*)[)）]")
QUOTED_TERM = re.compile(r"^[\"“「『'](.+?)[\"”」』']\s*(.*)$")
ARROW = re.compile(r"➔|→|->|=>|⇒")
FENCE = re.compile(r"^\s*(```|~~~)")
# "(Choose two.)", "（2 つ選択してください）": how many answers the stem asks for.
CHOOSE = re.compile(r"\bchoose\s+(one|two|three|four|five|six|[1-9])\b|([1-9一二三四五六])\s?つ[をの]?\s?選", re.I)
NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
NUMBER_WORDS |= {k: i for i, k in enumerate("一二三四五六", start=1)}

OPEN_PARENS, CLOSE_PARENS = "(（", ")）"

# Characters a note may not contain. PostgreSQL cannot store NUL; XML 1.0, and
# so HTML, has no place for the other C0 controls but tab and newline, nor for
# surrogates and noncharacters; C1 controls and DEL never belong in prose.
FORBIDDEN = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(plane << 16 | 0xFFFE)}{chr(plane << 16 | 0xFFFF)}" for plane in range(1, 17))
    + "]"
)
FORBIDDEN_REPORTED = 5

# Front matter holds a few short fields; YAML is slow pure Python, so it is
# bounded before it is read, and so is what it may build.
MAX_FRONT_MATTER_CHARS = 64_000
MAX_YAML_DEPTH = 16
MAX_YAML_NUMBER = 64
QUOTE_LIMIT = 60


def normalize_newlines(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def clip(value, limit: int = QUOTE_LIMIT) -> str:
    """What a message may quote of the note: at most ``limit`` characters."""
    text = value if isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_character(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    if ch == "\x00":
        return f"a NUL character ({code})"
    if unicodedata.category(ch) == "Cs":
        return f"an unpaired surrogate ({code})"
    if unicodedata.category(ch) == "Cc":
        return f"a control character ({code})"
    return f"a noncharacter ({code})"


def heading_text(line: str, level: int) -> str | None:
    """The text of a ``#``-heading of exactly ``level``, or None: what
    ``^#{level}\\s+(.*?)\\s*#*\\s*$`` captures. That pattern backtracks
    cubically over a heading line of spaces."""
    marks = "#" * level
    if not line.startswith(marks) or not line[level : level + 1].isspace():
        return None
    return line[level:].strip().rstrip("#").rstrip()


def split_arrow(text: str) -> tuple[str, str] | None:
    """``trigger ➔ practice`` -> the two sides, around the first arrow."""
    found = ARROW.search(text)
    if not found:
        return None
    return text[: found.start()].strip(), text[found.end() :].strip()


class _Refused(yaml.MarkedYAMLError):
    """Valid YAML that a note's front matter may not hold."""

    def __init__(self, problem: str, mark):
        super().__init__(problem=problem, problem_mark=mark)


class _FrontMatterLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases before anything is built
    from them (a 4 KB "billion laughs" took minutes and gigabytes, and merge
    keys `<<` multiply without bound), bounds nesting, and refuses numbers too
    long to convert in linear time (a sexagesimal 1:2:3:... grows quadratically;
    a long hexadecimal cannot be printed)."""

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None) is not None:
            raise _Refused("anchors and aliases (&name, *name) are not allowed", event.start_mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise _Refused(f"collections nested more than {MAX_YAML_DEPTH} levels deep", event.start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_yaml_int(self, node):
        if len(node.value) > MAX_YAML_NUMBER:
            raise _Refused(f"a number longer than {MAX_YAML_NUMBER} characters", node.start_mark)
        return super().construct_yaml_int(node)


_FrontMatterLoader.add_constructor("tag:yaml.org,2002:int", _FrontMatterLoader.construct_yaml_int)


def parse_note(text: str) -> ParseResult:
    """Parse one note. Never raises on any ``str``: problems come back as errors."""
    return _NoteParser(normalize_newlines(text)).run()


class _NoteParser:
    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        # The line that declares the correct options, for the question-format lint.
        self.declared_line = 0

    def error(self, line: int, message: str) -> None:
        self.errors.append(Problem(line, message))

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(line, message))

    def run(self) -> ParseResult:
        if self._forbidden_characters():
            return ParseResult(note=None, errors=self.errors, warnings=self.warnings)
        try:
            note = self._parse()
        except RecursionError:
            self.error(1, "note is nested too deeply to read")
            note = None
        if self.errors:
            note = None
        self.errors.sort(key=lambda p: p.line)
        self.warnings.sort(key=lambda p: p.line)
        return ParseResult(note=note, errors=self.errors, warnings=self.warnings)

    def _forbidden_characters(self) -> bool:
        """Report the first few characters no note may hold, each at its line."""
        found = 0
        for number, line in enumerate(self.lines, start=1):
            for match in FORBIDDEN.finditer(line):
                found += 1
                if found > FORBIDDEN_REPORTED:
                    self.error(number, "more characters that are not allowed follow; the note was not read")
                    return True
                self.error(
                    number, f"column {match.start() + 1}: {describe_character(match.group())} is not allowed in a note"
                )
        return found > 0

    def _blocks(self, lines: list[Line]) -> Blocks:
        blocks = split_blocks(lines)
        if blocks.too_deep is not None:
            self.warn(
                blocks.too_deep,
                f"a list nested more than {MAX_LIST_DEPTH} levels deep; deeper items are read at that depth",
            )
        return blocks

    # -- front matter -------------------------------------------------------

    def _parse(self) -> ParsedNote | None:
        located = self._front_matter_lines()
        if located is None:
            return None
        start, end = located
        meta_raw = self._load_yaml(start, end)
        if meta_raw is None:
            return None
        body = [(n + 1, self.lines[n]) for n in range(end + 1, len(self.lines))]
        h1_title = self._h1_title(body)
        meta = self._meta(meta_raw, start, end, h1_title)
        if meta is None:
            return None
        note = ParsedNote(meta=meta)
        self._body(note, body, first_line=end + 2)
        return note

    def _front_matter_lines(self) -> tuple[int, int] | None:
        start = next((i for i, line in enumerate(self.lines) if line.strip()), None)
        if start is None:
            self.error(1, "the file is empty")
            return None
        if self.lines[start].strip() != "---":
            self.error(
                start + 1,
                "expected front matter: a '---' line, YAML with at least 'id' and 'title', then '---'",
            )
            return None
        for i in range(start + 1, len(self.lines)):
            if self.lines[i].rstrip() in ("---", "..."):
                return start, i
        self.error(start + 1, "front matter opened here is never closed (no closing '---' line)")
        return None

    def _load_yaml(self, start: int, end: int) -> dict | None:
        source = "\n".join(self.lines[start + 1 : end])
        if len(source) > MAX_FRONT_MATTER_CHARS:
            self.error(
                start + 1,
                f"front matter is {len(source)} characters long; it may have at most {MAX_FRONT_MATTER_CHARS}",
            )
            return None
        try:
            data = yaml.load(source, Loader=_FrontMatterLoader)  # noqa: S506 - a SafeLoader subclass
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
            line = start + 2 + (mark.line if mark else 0)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            kind = "front matter" if isinstance(exc, _Refused) else "front matter is not valid YAML"
            self.error(line, f"{kind}: {clip(problem, 120)}")
            return None
        except (ValueError, TypeError, OverflowError) as exc:
            # PyYAML's timestamp and int constructors can raise these on odd values.
            self.error(start + 2, f"front matter is not valid YAML: {clip(str(exc), 120)}")
            return None
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self.error(start + 2, "front matter must be a mapping of 'key: value' lines")
            return None
        clean = True
        for key, value in data.items():
            bad = _forbidden_in(key, value)
            if bad:
                clean = False
                line = self._key_line(str(key), start, end)
                self.error(line, f"front matter '{clip(str(key), 40)}' contains {describe_character(bad)}")
        return data if clean else None

    def _key_line(self, key: str, start: int, end: int) -> int:
        pattern = re.compile(rf"^\s*['\"]?{re.escape(key)}['\"]?\s*:")
        for i in range(start + 1, end):
            if pattern.match(self.lines[i]):
                return i + 1
        return start + 1

    def _meta(self, raw: dict, start: int, end: int, h1_title: str) -> Meta | None:
        raw = {str(k).strip().lower(): v for k, v in raw.items()}
        note_id = raw.get("id")
        if note_id is None or (isinstance(note_id, str) and not note_id.strip()):
            self.error(start + 1, "front matter has no 'id' (for example id: \"SAP-56\")")
            return None
        if isinstance(note_id, (dict, list, bool)) or not ID_PATTERN.match(str(note_id).strip()):
            self.error(
                self._key_line("id", start, end),
                f"id must be 1-64 letters, digits, '-', '_' or '.', not {clip(str(note_id), 40)!r}",
            )
            return None
        title = self._text_field(raw, "title", start, end) or h1_title
        if not title:
            self.error(start + 1, "the note has no title (front matter 'title' or a '# ' heading)")
            return None
        meta = Meta(
            id=str(note_id).strip(),
            title=title,
            category=self._text_field(raw, "category", start, end),
            domain=self._text_field(raw, "domain", start, end),
            tags=self._tags(raw.get("tags"), self._key_line("tags", start, end)),
            created_at=self._date(raw.get("created_at"), self._key_line("created_at", start, end)),
        )
        for key in ("category", "domain"):
            if not getattr(meta, key):
                self.warn(start + 1, f"front matter has no '{key}'")
        self._map_vocabulary(meta, start, end)
        meta.previous_ids = self._previous_ids(raw, meta.id, start, end)
        meta.tasks = self._tasks(raw.get("tasks"), self._key_line("tasks", start, end))
        meta.sources = self._sources(raw.get("sources"), self._key_line("sources", start, end))
        meta.lines = {"id": self._key_line("id", start, end)}
        for key in ("tasks", "sources"):
            if key in raw:
                meta.lines[key] = self._key_line(key, start, end)
        if meta.previous_ids:
            key = next(k for k in PREVIOUS_ID_KEYS if k in raw)
            meta.lines["previous_ids"] = self._key_line(key, start, end)
        return meta

    def _map_vocabulary(self, meta: Meta, start: int, end: int) -> None:
        """Domain and category to the exam's canonical names; an unknown name
        is kept as written, with a warning on its line."""
        if meta.domain:
            domain = vocabulary.domain_for(meta.domain)
            if domain is not None:
                meta.domain = domain.name
            else:
                guess = vocabulary.closest_domain(meta.domain)
                hint = f"; did you mean '{guess.name}'?" if guess else ""
                self.warn(
                    self._key_line("domain", start, end),
                    f"domain {meta.domain[:80]!r} is not one of the four SAP-C02 exam domains "
                    f"(e.g. 'Domain 3' or 'Continuous Improvement for Existing Solutions'); kept as written{hint}",
                )
        if meta.category:
            category = vocabulary.category_for(meta.category)
            if category is not None:
                meta.category = category.name
            else:
                guess = vocabulary.closest_category(meta.category)
                hint = f"; did you mean '{guess.name}'?" if guess else ""
                self.warn(
                    self._key_line("category", start, end),
                    f"category {meta.category[:80]!r} is not one studyapp knows "
                    f"(AWS product categories such as 'Networking' or 'Security'); kept as written{hint}",
                )

    def _previous_ids(self, raw: dict, own_id: str, start: int, end: int) -> list[str]:
        """``previous_ids:`` (or ``previous_id:``): the ids this note had
        before a rename, as a list or a comma-separated string."""
        key = next((k for k in PREVIOUS_ID_KEYS if k in raw), None)
        if key is None or raw[key] is None:
            return []
        line = self._key_line(key, start, end)
        value = raw[key]
        if isinstance(value, str):
            items = value.split(",")
        elif isinstance(value, list):
            items = value
        else:
            self.warn(line, f"'{key}' should be a list of note ids; ignored")
            return []
        found: list[str] = []
        for item in items[:MAX_PREVIOUS_IDS]:
            text = str(item).strip() if isinstance(item, (str, int, float)) and not isinstance(item, bool) else ""
            if not ID_PATTERN.match(text):
                self.warn(line, f"previous id {str(item)[:40]!r} is not a note id; ignored")
            elif text == own_id:
                self.warn(line, f"previous id {text} is this note's own id; ignored")
            elif text not in found:
                found.append(text)
        if len(items) > MAX_PREVIOUS_IDS:
            self.warn(line, f"'{key}' lists more than {MAX_PREVIOUS_IDS} ids; the rest are ignored")
        return found

    def _list(self, value, key: str, line: int) -> list:
        if value is None:
            return []
        if isinstance(value, str):
            return value.split(",")
        if isinstance(value, list):
            if len(value) > MAX_LIST_ITEMS:
                self.warn(line, f"'{key}' lists more than {MAX_LIST_ITEMS} items; the rest are ignored")
            return value[:MAX_LIST_ITEMS]
        self.warn(line, f"'{key}' should be a list; ignored")
        return []

    def _tasks(self, value, line: int) -> list[str]:
        """``tasks:`` the SAP-C02 task statements the note tests ("1.3", or
        1.3 unquoted); a code the exam guide does not have is ignored with a
        warning, as an unknown domain is."""
        found: set[str] = set()
        for item in self._list(value, "tasks", line):
            task = vocabulary.task_for(item.strip() if isinstance(item, str) else item)
            if task is None:
                self.warn(
                    line,
                    f"task {clip(str(item), 40)!r} is not one of the 20 SAP-C02 task statements "
                    "(1.1-1.5, 2.1-2.6, 3.1-3.5, 4.1-4.4); ignored",
                )
            else:
                found.add(task.code)
        return [task.code for task in vocabulary.TASK_STATEMENTS if task.code in found]

    def _sources(self, value, line: int) -> list[str]:
        """``sources:`` the pages a note's facts rest on: absolute http(s) URLs."""
        found: list[str] = []
        for item in self._list(value, "sources", line):
            text = item.strip() if isinstance(item, str) else ""
            if not SOURCE_URL.match(text):
                self.warn(line, f"source {clip(str(item), 60)!r} is not an http(s) URL; ignored")
            elif text not in found:
                found.append(text)
        return found

    def _text_field(self, raw: dict, key: str, start: int, end: int) -> str:
        value = raw.get(key)
        if value is None:
            return ""
        if isinstance(value, (dict, list)):
            self.warn(self._key_line(key, start, end), f"'{key}' should be text; ignored")
            return ""
        return " ".join(str(value).split())[:200]

    def _tags(self, value, line: int) -> list[str]:
        if value is None:
            return []
        if isinstance(value, str):
            items = value.split(",")
        elif isinstance(value, list):
            items = value
        else:
            self.warn(line, "'tags' should be a list; ignored")
            return []
        tags: list[str] = []
        for item in items:
            if isinstance(item, (dict, list)) or item is None:
                self.warn(line, f"tag {clip(item)} is not text; ignored")
                continue
            tag = " ".join(str(item).split())[:60]
            if tag and tag not in tags:
                tags.append(tag)
        return tags

    def _date(self, value, line: int) -> date | None:
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip()[:10])
        except ValueError:
            self.warn(line, f"created_at {clip(value)} is not a date (YYYY-MM-DD); ignored")
            return None

    # -- body ---------------------------------------------------------------

    def _h1_title(self, body: list[Line]) -> str:
        for _, text in body:
            title = heading_text(text, 1)
            if title is not None:
                return _without_trailing_parens(title)
        return ""

    def _body(self, note: ParsedNote, body: list[Line], first_line: int) -> None:
        sections = self._sections(body)
        if not sections:
            self.error(
                first_line,
                "no '## ' sections found: expected headings such as '## 1. 状況の読み解き (Context & Requirements)'",
            )
            return
        handlers = {
            "context": self._context,
            "question": self._question,
            "triggers": self._triggers,
            "reasoning": self._reasoning,
            "comparison": self._comparison,
            "exam_note": self._exam_note,
        }
        for kind, line, lines in sections:
            handlers[kind](note, lines, line)
            note.sections.append(kind)
        self._check_options(note, sections)

    def _sections(self, body: list[Line]) -> list[tuple[str, int, list[Line]]]:
        sections: list[tuple[str, int, list[Line]]] = []
        current: list[Line] | None = None
        seen: set[str] = set()
        in_fence = False
        for number, text in body:
            if FENCE.match(text):
                in_fence = not in_fence
            heading = None if in_fence else heading_text(text, 2)
            if heading is not None:
                kind = classify(heading, SECTION_KINDS)
                if kind is None:
                    self.warn(number, f"section '{clip(heading)}' is not one studyapp knows; ignored")
                    current = None
                elif kind in seen:
                    self.warn(number, f"a second {kind.replace('_', ' ')} section; ignored")
                    current = None
                else:
                    seen.add(kind)
                    current = []
                    sections.append((kind, number, current))
                continue
            if current is not None:
                current.append((number, text))
            elif text.strip() and heading_text(text, 1) is None and not sections:
                self.warn(number, "text before the first '## ' section is ignored")
        return sections

    def _context(self, note: ParsedNote, lines: list[Line], line: int) -> None:
        blocks = self._blocks(lines)
        context = Context(text="\n".join(t for _, t in blocks.paragraphs))
        for node in blocks.bullets:
            labelled = bold_label(node.text)
            label, detail = labelled if labelled else ("", node.text)
            if labelled and ARCHITECTURE.search(label):
                context.architecture = _strip_period(detail)
            elif labelled and REQUIREMENTS.search(label) and node.children:
                context.requirements.extend(_requirements(node.children))
                if detail:
                    context.points.append(Requirement(label, detail, node.line))
            else:
                context.points.append(Requirement(label, detail, node.line))
                context.requirements.extend(_requirements(node.children))
        if not (context.architecture or context.requirements or context.points or context.text):
            self.warn(line, "the context section is empty")
        note.context = context

    def _question(self, note: ParsedNote, lines: list[Line], line: int) -> None:
        blocks = self._blocks(lines)
        note.question = "\n".join(t for _, t in blocks.paragraphs)
        texts: dict[str, tuple[str, int]] = {}
        for node in blocks.bullets:
            parsed = option_text(node.text)
            if parsed is None:
                self.warn(node.line, "expected an option like '- **A**: option text'; ignored")
                continue
            letter, text = parsed
            if letter in texts:
                self.error(node.line, f"option {letter} is given twice")
                continue
            texts[letter] = (text.strip(), node.line)
        for letter, (text, number) in texts.items():
            option = _option(note, letter, number)
            option.text = text
        if not texts:
            self.warn(line, "the question section lists no options")

    def _triggers(self, note: ParsedNote, lines: list[Line], line: int) -> None:
        seen: set[str] = set()
        for node in self._blocks(lines).bullets:
            parsed = _trigger(node)
            if parsed is None:
                self.warn(node.line, "expected a trigger word like '- **\"term\" (gloss)**: why'; ignored")
                continue
            key = parsed.term.casefold()
            if key in seen:
                self.warn(node.line, f"trigger word '{clip(parsed.term)}' is given twice; kept the first")
                continue
            seen.add(key)
            note.trigger_words.append(parsed)
        if not note.trigger_words:
            self.warn(line, "the trigger words section has no trigger words")

    def _reasoning(self, note: ParsedNote, lines: list[Line], line: int) -> None:
        declared: list[str] | None = None
        declared_line = line
        explained: dict[str, bool] = {}
        for node in self._blocks(lines).bullets:
            labelled = bold_label(node.text)
            label, rest = labelled if labelled else ("", node.text)
            own = _option_reason(node)
            if own is not None and not node.children:
                self._explain(note, own, None, explained)
                continue
            if WRONG_GROUP.search(label):
                for child in node.children:
                    self._explain_child(note, child, False, explained)
            elif CORRECT_GROUP.search(label):
                declared_line = node.line
                self.declared_line = node.line
                letters = _declared_letters(label)
                if letters:
                    if declared is not None:
                        self.error(node.line, "the correct answers are declared twice")
                    declared = letters
                note.rationale = rest
                for child in node.children:
                    self._explain_child(note, child, True, explained)
                if not letters and not node.children:
                    self.warn(node.line, "no option letters in parentheses, e.g. '(A & E)'")
            else:
                self.warn(node.line, "expected '**論理的根拠 (A & E)**' or '**選択肢の分析**'; ignored")
        self._settle_correct(note, declared, declared_line, explained)

    def _explain_child(self, note: ParsedNote, child: Node, correct: bool, explained: dict) -> None:
        parsed = _option_reason(child)
        if parsed is None:
            self.warn(child.line, "expected an option like '- **B (label)**: why'; ignored")
            return
        self._explain(note, parsed, correct, explained)

    def _explain(self, note: ParsedNote, parsed: tuple, correct: bool | None, explained: dict) -> None:
        letter, label, reason, number = parsed
        if letter in explained:
            self.error(number, f"option {letter} is explained twice")
            return
        explained[letter] = correct
        option = _option(note, letter, number)
        option.label = label
        option.reasoning = reason
        if correct is not None:
            option.correct = correct

    def _settle_correct(self, note: ParsedNote, declared, line: int, explained: dict) -> None:
        if declared is None:
            declared = [letter for letter, correct in explained.items() if correct]
            if not declared:
                self.error(line, "the reasoning never says which options are correct, e.g. '**論理的根拠 (A & E)**'")
                return
        letters = {o.letter for o in note.options}
        for letter in declared:
            if letter not in letters:
                self.error(line, f"correct option {letter} is not one of the note's options")
            elif explained.get(letter) is False:
                self.error(line, f"option {letter} is declared correct but analysed as a wrong option")
        for letter, correct in explained.items():
            if correct and letter not in declared:
                self.error(line, f"option {letter} is explained as correct but not declared in {declared}")
        for option in note.options:
            option.correct = option.letter in declared

    def _comparison(self, note: ParsedNote, lines: list[Line], line: int) -> None:
        blocks = self._blocks(lines)
        for raw in blocks.tables:
            table = self._table(raw)
            if table:
                note.tables.append(table)
        for number, text in lines:
            if text.strip().startswith("|"):
                continue
            for label, url in links(text):
                if not re.match(r"^(https?://|/)", url):
                    self.warn(number, f"link '{clip(label)}' is not an http(s) address; ignored")
                    continue
                note.references.append(Reference(text=label, url=url, line=number))
        if not note.tables and not note.references:
            self.warn(line, "the comparison section has neither a table nor a link")

    def _table(self, raw) -> Table | None:
        header, rows, complaints = parse_table(raw)
        for complaint in complaints:
            self.warn(raw.line, complaint)
        if not rows:
            self.warn(raw.line, "table has a header but no rows")
            return None
        seen: set[str] = set()
        kept, kept_lines = [], []
        for number, cells in rows:
            key = plain(cells[0]).casefold()
            if key in seen:
                self.warn(number, f"row '{clip(plain(cells[0]))}' repeats an earlier row's first cell")
            seen.add(key)
            kept.append(cells)
            kept_lines.append(number)
        return Table(header=header, rows=kept, line=raw.line, row_lines=kept_lines)

    def _exam_note(self, note: ParsedNote, lines: list[Line], line: int) -> None:
        exam = ExamNote()
        parts: list[tuple[str | None, int, list[Line]]] = [(None, line, [])]
        for number, text in lines:
            unquoted = re.sub(r"^\s*>\s?", "", text)
            if unquoted.strip().startswith("■"):
                exam.summary = unquoted.strip().lstrip("■").strip()
                continue
            heading = heading_text(unquoted.strip(), 3)
            if heading is not None:
                kind = classify(heading, EXAM_PARTS)
                if kind is None:
                    self.warn(number, f"exam note part '{clip(heading)}' is not one studyapp knows")
                parts.append((kind, number, []))
                continue
            parts[-1][2].append((number, unquoted))
        for kind, number, part in parts:
            blocks = self._blocks(part)
            if kind == "concept":
                exam.concept = " ".join(t for _, t in blocks.paragraphs)
                exam.concept_line = number
                exam.concept_points = [Item(n.text, n.line) for n in _flat(blocks.bullets)]
            elif kind == "best_practices":
                exam.best_practices.extend(self._best_practices(blocks))
            elif kind == "pitfalls":
                exam.pitfalls.extend(_items(blocks))
            elif kind == "shortcuts":
                exam.shortcuts.extend(_items(blocks, each_line=True))
            elif kind is None and (blocks.bullets or blocks.tables) and number != line:
                continue
        note.exam_note = exam

    def _best_practices(self, blocks: Blocks) -> list[BestPractice]:
        found: list[BestPractice] = []
        for raw in blocks.tables:
            table = self._table(raw)
            if table is None:
                continue
            if len(table.header) < 2:
                self.warn(raw.line, "a best-practice table needs two columns (trigger | practice)")
                continue
            for offset, cells in enumerate(table.rows):
                found.append(BestPractice(cells[0], cells[1], raw.line + 2 + offset))
        for node in _flat(blocks.bullets):
            pair = split_arrow(node.text)
            if pair:
                found.append(BestPractice(pair[0], pair[1], node.line))
        return found

    def _check_options(self, note: ParsedNote, sections) -> None:
        kinds = {kind for kind, _, _ in sections}
        note.options.sort(key=lambda o: o.letter)
        for option in note.options:
            if "question" in kinds and not option.text:
                self.warn(option.line, f"option {option.letter} has reasoning but no option text")
            if not option.reasoning and not option.label:
                self.warn(option.line, f"option {option.letter} has no reasoning")
        if note.options and "reasoning" not in kinds:
            self.warn(1, "options without a reasoning section: no question can be asked")
        if "reasoning" in kinds and note.correct_letters:
            self._check_question_format(note, self.declared_line or next(n for k, n, _ in sections if k == "reasoning"))

    def _check_question_format(self, note: ParsedNote, line: int) -> None:
        """The exam's own rule: one correct answer of four options, or two or
        more correct of five or more; and the stem's "(Choose two.)" agrees."""
        correct, total = len(note.correct_letters), len(note.options)
        if (correct == 1 and total != 4) or (correct >= 2 and total < 5):
            self.warn(
                line,
                "an SAP-C02 question has one correct answer of four options, or two or more correct "
                f"of five or more options; this one has {correct} correct of {total}",
            )
        stated = stated_choice_counts(note.question)
        if len(stated) == 1 and correct not in stated:
            declared = "1 option is" if correct == 1 else f"{correct} options are"
            self.warn(line, f"the question says to choose {stated.pop()}, but {declared} declared correct")


def classify(heading: str, kinds: list[tuple[str, re.Pattern]]) -> str | None:
    text = plain(heading).lower()
    # The English name in parentheses is the surest hint; try it first.
    for candidate in [*PARENS.findall(text), text]:
        for kind, pattern in kinds:
            if pattern.search(candidate):
                return kind
    return None


def stated_choice_counts(question: str) -> set[int]:
    """How many answers the stem asks for: {2} for "(Choose two.)" or
    "（2 つ選択）", empty when it does not say."""
    stem = unicodedata.normalize("NFKC", question)
    return {_count(m.group(1) or m.group(2)) for m in CHOOSE.finditer(stem)}


def _count(word: str) -> int:
    return NUMBER_WORDS.get(word.lower()) or int(word)


def _without_trailing_parens(title: str) -> str:
    """``Title (SAP-56)`` -> ``Title``: what
    ``re.sub(r"\\s*[(（][^()（）]*[)）]\\s*$", "", title).strip()`` does, without
    its quadratic backtracking over a title of spaces."""
    text = title.rstrip()
    if text[-1:] and text[-1] in CLOSE_PARENS:
        opening = max(text.rfind(p) for p in OPEN_PARENS)
        inside = text[opening + 1 : -1]
        if opening >= 0 and not any(p in inside for p in CLOSE_PARENS):
            text = text[:opening]
    return text.strip()


def _forbidden_in(key, value) -> str | None:
    """The first character no note may hold in a front-matter entry (YAML
    escapes such as "\\0" or "\\ud800" make them)."""
    pending = [key, value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found = FORBIDDEN.search(item)
            if found:
                return found.group()
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            pending.extend(item)
    return None


def option_text(text: str) -> tuple[str, str] | None:
    """``**A**: text`` or ``A. text`` -> (letter, text): what
    ``^(?:\\*\\*\\s*([A-Z])\\s*[.:：)]?\\s*\\*\\*\\s*[.:：)]?|([A-Z])\\s*[.:：)])\\s*(.+)$``
    (re.S) captures, without its quadratic backtracking over runs of spaces."""
    if text.startswith("**"):
        at = _skip_space(text, 2)
        letter = text[at : at + 1]
        if not ("A" <= letter <= "Z"):
            return None
        at = _skip_space(text, at + 1)
        if text[at : at + 1] and text[at] in ".:：)":
            at += 1
        at = _skip_space(text, at)
        if text[at : at + 2] != "**":
            return None
        steps = _optional_steps(text, at + 2, ".:：)")
    else:
        letter = text[:1]
        if not ("A" <= letter <= "Z"):
            return None
        at = _skip_space(text, 1)
        if not (text[at : at + 1] and text[at] in ".:：)"):
            return None
        steps = [at + 1]
    for at in steps:
        rest = _rest_after_space(text, at)
        if rest is not None:
            return letter, rest
    return None


def _skip_space(text: str, at: int) -> int:
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _optional_steps(text: str, at: int, punctuation: str) -> list[int]:
    """Where ``\\s*[punctuation]?`` can end after ``at``, longest first, as
    the regex engine tries them."""
    spaces_end = _skip_space(text, at)
    ends = []
    if text[spaces_end : spaces_end + 1] and text[spaces_end] in punctuation:
        ends.append(spaces_end + 1)
    ends.extend(range(spaces_end, at - 1, -1))
    return ends


def _rest_after_space(text: str, at: int) -> str | None:
    """``\\s*(.+)$`` (re.S) at ``at``: the spaces are skipped unless nothing
    would be left, in which case the engine gives the last one back."""
    end = _skip_space(text, at)
    if end < len(text):
        return text[end:]
    return text[end - 1 :] if end > at else None


def _strip_period(text: str) -> str:
    return text.strip().rstrip("。.").strip()


def _requirements(nodes: list[Node]) -> list[Requirement]:
    found = []
    for node in nodes:
        labelled = bold_label(node.text)
        label, detail = labelled if labelled else ("", node.text)
        found.append(Requirement(label, detail, node.line))
        found.extend(_requirements(node.children))
    return found


def _trigger(node: Node) -> TriggerWord | None:
    labelled = bold_label(node.text)
    if labelled:
        label, explanation = labelled
    else:
        label, _, explanation = node.text.partition(":")
        if not explanation:
            return None
    label = label.strip()
    quoted = QUOTED_TERM.match(label)
    if quoted:
        term, rest = quoted.group(1), quoted.group(2)
    else:
        term, _, rest = label.partition("(")
        rest = f"({rest}" if rest else ""
    gloss = PARENS.search(rest)
    term = plain(term).strip(" \"'“”「」")
    if not term:
        return None
    explanation = " ".join([explanation, *(c.text for c in _flat(node.children))]).strip()
    return TriggerWord(
        term=term, gloss=gloss.group(1).strip() if gloss else "", explanation=explanation, line=node.line
    )


def _option_reason(node: Node) -> tuple[str, str, str, int] | None:
    labelled = bold_label(node.text)
    if labelled:
        label, reason = labelled
    else:
        label, _, reason = node.text.partition(":")
    match = OPTION_REASON_LABEL.match(label.strip())
    if not match:
        return None
    letter, short, trailing = match.group(1), match.group(2) or "", match.group(3) or ""
    if trailing and not short:
        short = trailing
    extra = " ".join(c.text for c in _flat(node.children))
    return letter, short.strip(), " ".join([reason, extra]).strip(), node.line


def _declared_letters(label: str) -> list[str]:
    inside = PARENS.findall(label)
    letters: list[str] = []
    for group in inside:
        for letter in LETTER.findall(group):
            if letter not in letters:
                letters.append(letter)
    return letters


def _option(note: ParsedNote, letter: str, line: int) -> Option:
    for option in note.options:
        if option.letter == letter:
            return option
    option = Option(letter=letter, line=line)
    note.options.append(option)
    return option


def _flat(nodes: list[Node]) -> list[Node]:
    return [n for node in nodes for n in node.flatten()]


def _items(blocks: Blocks, each_line: bool = False) -> list[Item]:
    items = [Item(n.text, n.line) for n in _flat(blocks.bullets)]
    items.extend(Item(text, number) for number, text in blocks.paragraphs if each_line or not items)
    items.sort(key=lambda item: item.line)
    return [item for item in items if item.text]


def body_of(text: str) -> str:
    """The note without its front matter, for rendering."""
    lines = normalize_newlines(text).split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), None)
    if start is None or lines[start].strip() != "---":
        return "\n".join(lines)
    for i in range(start + 1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[i + 1 :])
    return "\n".join(lines)
