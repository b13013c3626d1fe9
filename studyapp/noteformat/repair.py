"""Repair of Japanese mojibake in imported notes, and bytes-to-text decoding.

The damage this undoes: UTF-8 bytes were read as Windows-1252 and written out
again as UTF-8. Reversing that is a plain re-encode, except that Windows-1252
has no characters for 0x81, 0x8D, 0x8F, 0x90 and 0x9D, and the soft hyphen
0xAD vanished too; those bytes were dropped, so some characters lost one or
two of their continuation bytes. For such a character every way of putting
the lost bytes back that gives valid UTF-8 is a candidate, and a character
language model built from wordfreq's Japanese word list picks among them by
context. When the choice is close the character is reported as uncertain.

No Django here: the importer and its tests use this as plain Python.
"""

from __future__ import annotations

import codecs
import functools
import itertools
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

# Bytes the damaging round trip dropped: undefined in Windows-1252, plus the
# soft hyphen, which the writer treated as invisible.
DROPPED_BYTES = (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xAD)

# A character is reported as uncertain when its runner-up is within this many
# natural-log units of it: the best reading is less than 20 times as likely as
# the next one. Wrong guesses in the seed all fell well inside this margin and
# right ones well outside it (see tests); 20x keeps the report short without
# hiding a real doubt.
UNCERTAINTY_MARGIN = math.log(20)


@dataclass(frozen=True)
class Uncertain:
    line: int
    column: int
    char: str
    candidates: list[str]


@dataclass(frozen=True)
class RepairResult:
    text: str
    repaired: bool
    repaired_lines: list[int]
    uncertain: list[Uncertain]


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str
    warnings: list[str]


# --------------------------------------------------------------------------
# Mapping the damaged characters back to bytes
# --------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _byte_of() -> dict[str, int]:
    """Character -> Windows-1252 byte for 0x80-0xFF. ftfy's sloppy codec also
    maps the five undefined bytes (to U+0081 and so on), so text whose damage
    kept them as C1 controls instead of dropping them is reversed as well."""
    table = {}
    for value in range(0x80, 0x100):
        table[bytes([value]).decode("sloppy-windows-1252")] = value
    return table


def _char_class(values) -> str:
    return "".join(re.escape(ch) for ch, value in _byte_of().items() if value in values)


@functools.lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(run, suspect): a run is a stretch of characters that map to high
    bytes; a suspect is a UTF-8 lead byte followed by a continuation byte, the
    cheap sign that makes the full analysis worth doing."""
    high = _char_class(range(0x80, 0x100))
    lead = _char_class(range(0xC2, 0xF5))
    continuation = _char_class(range(0x80, 0xC0))
    return re.compile(f"[{high}]+"), re.compile(f"[{lead}][{continuation}]")


# --------------------------------------------------------------------------
# Splitting a run into UTF-8 sequences
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sequence:
    """One UTF-8 sequence as found: its lead byte, the continuation bytes that
    survived, and how many continuation bytes it should have."""

    data: bytes
    needed: int

    @property
    def missing(self) -> int:
        return self.needed - (len(self.data) - 1)


def _sequence_length(lead: int) -> int:
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _split_sequences(data: bytes) -> list[_Sequence] | None:
    """None when the bytes cannot come from UTF-8 that only lost continuation
    bytes: a continuation byte with no lead, an impossible lead, or a lead
    with more continuation bytes than it takes. Legitimate Latin text such as
    "“café”" fails here, which is what keeps it untouched."""
    sequences = []
    index = 0
    while index < len(data):
        length = _sequence_length(data[index])
        if not length:
            return None
        end = index + 1
        while end < len(data) and 0x80 <= data[end] <= 0xBF:
            end += 1
        if end - index > length:
            return None
        sequences.append(_Sequence(data[index:end], length - 1))
        index = end
    return sequences


# --------------------------------------------------------------------------
# Candidates for a sequence that lost bytes
# --------------------------------------------------------------------------


def _acceptable(ch: str) -> bool:
    """Unassigned code points, private use, surrogates and C0/C1 controls are
    never what a note's author typed."""
    return unicodedata.category(ch) not in {"Cn", "Co", "Cs", "Cc"}


def _decode_one(data: bytes) -> str | None:
    try:
        ch = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return ch if len(ch) == 1 and _acceptable(ch) else None


@functools.lru_cache(maxsize=4096)
def _candidates(sequence: _Sequence) -> tuple[str, ...]:
    """Every character the sequence can have been: the lost bytes may have
    stood at any continuation position, and each was one of DROPPED_BYTES."""
    if not sequence.missing:
        ch = _decode_one(sequence.data)
        return (ch,) if ch else ()
    lead, kept = sequence.data[:1], sequence.data[1:]
    found: dict[str, None] = {}
    for gaps in itertools.combinations(range(sequence.needed), sequence.missing):
        for fill in itertools.product(DROPPED_BYTES, repeat=sequence.missing):
            body = _interleave(kept, dict(zip(gaps, fill, strict=True)), sequence.needed)
            ch = _decode_one(lead + body)
            if ch:
                found[ch] = None
    return tuple(found)


def _interleave(kept: bytes, inserted: dict[int, int], length: int) -> bytes:
    rest = iter(kept)
    return bytes(inserted[i] if i in inserted else next(rest) for i in range(length))


# --------------------------------------------------------------------------
# Deciding which runs are damaged
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    start: int
    end: int
    options: list[tuple[str, ...]]  # one tuple of candidate characters per output character
    complete: bool  # holds at least one whole multi-byte sequence


def _analyse_run(match: re.Match[str]) -> _Run | None:
    """None when the run is not damaged UTF-8 (or nothing can be said about
    it). A run made only of lone lead bytes ("é", "São") is left alone: in
    real text those are accented letters far more often than a character
    that lost every continuation byte."""
    data = bytes(_byte_of()[ch] for ch in match.group())
    sequences = _split_sequences(data)
    if sequences is None or all(len(s.data) == 1 for s in sequences):
        return None
    options = [_candidates(s) for s in sequences]
    if not all(options):
        return None
    complete = any(not s.missing for s in sequences)
    return _Run(match.start(), match.end(), options, complete)


def _damaged_runs(line: str) -> list[_Run]:
    run_pattern, _ = _patterns()
    runs = []
    for match in run_pattern.finditer(line):
        run = _analyse_run(match)
        if run is not None:
            runs.append(run)
    return runs


# --------------------------------------------------------------------------
# The character language model
# --------------------------------------------------------------------------

# Context length of the character model: three characters of history. Two
# are not enough for katakana, where the lost byte usually hides a whole
# syllable (チ, ネ, ハ, バ, ポ, ロ all share E3 83 and differ only in the
# dropped byte): "チーム" against "バーム" needs "チー" and "ーム" together.
_ORDER = 4

# Frequencies from wordfreq are per token; scaled so that the rarest listed
# word counts once, which is what the Witten-Bell weights expect.
_COUNT_SCALE = 1e8

_START = "^"  # a word begins (also: after anything that is not a word character)
_END = "$"  # a word ends

# Share of tokens in Japanese prose that are punctuation rather than words, and
# the relative frequency of the marks a lost byte can produce. wordfreq has no
# punctuation, so these come from ordinary Japanese usage.
_PUNCTUATION_SHARE = 0.15
_PUNCTUATION = {
    "、": 0.30,
    "。": 0.30,
    "「": 0.04,
    "」": 0.04,
    "（": 0.03,
    "）": 0.03,
    "・": 0.02,
    "！": 0.02,
    "？": 0.02,
    "：": 0.01,
    "…": 0.01,
    "『": 0.005,
    "』": 0.005,
    "【": 0.005,
    "】": 0.005,
    "／": 0.005,
    "〜": 0.005,
    "～": 0.005,
    "※": 0.003,
    "→": 0.003,
    "＝": 0.002,
    "－": 0.002,
    "％": 0.002,
    "\ufe0f": 0.05,  # emoji presentation selector, as in "⚠️"
    "\u200d": 0.005,  # zero-width joiner inside emoji sequences
}

# Probability, once a word has ended, of a character the word list never
# shows, by what kind of character it is.
_RARE = {
    "letter": 1e-6,
    "symbol": 1e-6,
    "cjk": 1e-8,
    "other": 1e-9,
}

# Words of the note format itself: its section headings and labels (see
# docs/note-format). wordfreq, built from general text, prefers the verb
# "読み解く" to the noun "読み解き" of the first heading; every note has that
# heading, so the model is told about it.
_NOTE_VOCABULARY = (
    "状況",
    "の",
    "読み解き",
    "構成図",
    "分析",
    "必須",
    "要件",
    "勝負",
    "を",
    "決める",
    "キーワード",
    "なぜ",
    "その",
    "答え",
    "か",
    "論理的",
    "根拠",
    "選択肢",
    "比較",
    "と",
    "公式",
    "資料",
    "比較表",
    "詳細",
    "学習",
    "メモ",
)
_NOTE_VOCABULARY_FREQUENCY = 1e-4


def _rare_kind(ch: str) -> str:
    code = ord(ch)
    if 0x3400 <= code <= 0x4DBF or 0x20000 <= code <= 0x3FFFF or 0xF900 <= code <= 0xFAFF:
        return "cjk"  # extension blocks and compatibility ideographs: almost never typed
    category = unicodedata.category(ch)
    if category.startswith(("L", "N")):
        return "letter"
    if category.startswith(("S", "P")):
        return "symbol"
    return "other"


def _outside_probability(ch: str) -> float:
    """Probability of a non-word character where a word has just ended."""
    if ch in _PUNCTUATION:
        return _PUNCTUATION_SHARE * _PUNCTUATION[ch]
    return _RARE[_rare_kind(ch)]


class _CharModel:
    """Character n-grams of Japanese text seen as words written one after
    another, counted from a word list weighted by word frequency, each word
    framed as "^word$". Where a word may end, the text goes on with a new
    word or with punctuation; characters that are not in the list (ASCII,
    punctuation, emoji) end the current word. Orders are mixed with
    Witten-Bell interpolation."""

    def __init__(self, frequencies: dict[str, float], order: int = _ORDER) -> None:
        self.order = order
        self.counts: dict[str, float] = defaultdict(float)
        for word, frequency in frequencies.items():
            if word.isascii() or _START in word or _END in word:
                continue
            self._count_word(_START + word + _END, frequency * _COUNT_SCALE)
        self.types: dict[str, int] = defaultdict(int)
        for gram in self.counts:
            if len(gram) > 1:
                self.types[gram[:-1]] += 1
        self.total = sum(count for gram, count in self.counts.items() if len(gram) == 1)
        self.types[""] = sum(1 for gram in self.counts if len(gram) == 1)
        self._memo: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {}

    def _count_word(self, framed: str, weight: float) -> None:
        for n in range(1, self.order + 1):
            for i in range(len(framed) - n + 1):
                self.counts[framed[i : i + n]] += weight

    def knows(self, ch: str) -> bool:
        return ch not in (_START, _END) and ch in self.counts

    def _interpolated(self, context: str, symbol: str) -> float:
        """P(symbol | context) over word characters and the end mark, each
        order mixed with the next shorter context (Witten-Bell)."""
        if not context:
            return self.counts.get(symbol, 0.0) / self.total
        lower = self._interpolated(context[1:], symbol)
        seen = self.counts.get(context, 0.0)
        kinds = self.types.get(context, 0)
        if not seen or not kinds:
            return lower
        return (self.counts.get(context + symbol, 0.0) + kinds * lower) / (seen + kinds)

    def transitions(self, context: str, ch: str) -> tuple[tuple[str, float], ...]:
        """The ways the text can go on with ch from context, as (next context,
        log probability). Japanese does not write word boundaries, so a word
        character may either continue the current word or end it and start a
        new one; the search keeps both and lets the rest of the line decide.
        Anything the word list does not know ends the current word."""
        key = (context, ch)
        cached = self._memo.get(key)
        if cached is None:
            cached = self._memo[key] = self._transitions(context, ch)
        return cached

    def _transitions(self, context: str, ch: str) -> tuple[tuple[str, float], ...]:
        at_boundary = context == _START
        ends = 1.0 if at_boundary else self._interpolated(context, _END)
        if not self.knows(ch):
            return ((_START, math.log(ends * _outside_probability(ch))),)
        start = ends * (1 - _PUNCTUATION_SHARE) * self._interpolated(_START, ch)
        options = [((_START + ch)[-(self.order - 1) :], math.log(start))]
        if not at_boundary:
            within = self._interpolated(context, ch)
            options.append(((context + ch)[-(self.order - 1) :], math.log(within)))
        return tuple(options)


@functools.lru_cache(maxsize=1)
def _char_model() -> _CharModel:
    import wordfreq  # imported here: clean files never pay for loading it

    frequencies = dict(wordfreq.get_frequency_dict("ja"))
    for word in _NOTE_VOCABULARY:
        frequencies[word] = frequencies.get(word, 0.0) + _NOTE_VOCABULARY_FREQUENCY
    return _CharModel(frequencies)


# --------------------------------------------------------------------------
# Brackets and punctuation: what a character model cannot see
# --------------------------------------------------------------------------

_BRACKETS = {"「": "」", "『": "』", "【": "】", "（": "）", "〔": "〕", "［": "］", "《": "》", "〈": "〉"}
_CLOSERS = {closer: opener for opener, closer in _BRACKETS.items()}
_UNBALANCED = math.log(1e-3)  # a closer with no opener, or an opener never closed
_SENTENCE_MARKS = "、。"


def _bracket_step(stack: tuple[str, ...], ch: str) -> tuple[tuple[str, ...], float]:
    """Japanese brackets come in pairs within a line: a lost byte turns "」"
    into a candidate next to "、", and only the open "「" tells them apart."""
    if ch in _BRACKETS:
        return (stack + (ch,))[-3:], 0.0
    if ch in _CLOSERS:
        if stack and stack[-1] == _CLOSERS[ch]:
            return stack[:-1], 0.0
        return stack, _UNBALANCED
    return stack, 0.0


def _punctuation_step(previous: str, ch: str) -> float:
    """"、" or "。" never follows "、", "。" or an opening bracket."""
    if ch in _SENTENCE_MARKS and (previous in _SENTENCE_MARKS or previous in _BRACKETS):
        return _UNBALANCED
    return 0.0


# --------------------------------------------------------------------------
# Choosing characters by context
# --------------------------------------------------------------------------

# A reading in progress: model context, last character, open brackets.
_State = tuple[str, str, tuple[str, ...]]


def _steps(model: _CharModel, state: _State, ch: str) -> list[tuple[_State, float]]:
    context, previous, stack = state
    stack, bracket_cost = _bracket_step(stack, ch)
    cost = bracket_cost + _punctuation_step(previous, ch)
    return [((nxt, ch, stack), gain + cost) for nxt, gain in model.transitions(context, ch)]


def _forward(slots: list[tuple[str, ...]], model: _CharModel) -> list[dict[_State, float]]:
    """Best score of each reading state after each slot (Viterbi)."""
    layers: list[dict[_State, float]] = []
    current: dict[_State, float] = {(_START, "\n", ()): 0.0}
    for options in slots:
        following: dict[_State, float] = {}
        for state, score in current.items():
            for ch in options:
                for nxt, gain in _steps(model, state, ch):
                    total = score + gain
                    if total > following.get(nxt, -math.inf):
                        following[nxt] = total
        layers.append(following)
        current = following
    return layers


def _backward(
    slots: list[tuple[str, ...]], layers: list[dict[_State, float]], model: _CharModel
) -> list[dict[_State, float]]:
    """Best score of the rest of the line from each state after each slot;
    the line must end with its brackets closed."""
    after: list[dict[_State, float]] = [{} for _ in slots]
    after[-1] = {state: _UNBALANCED * len(state[2]) for state in layers[-1]}
    for i in range(len(slots) - 2, -1, -1):
        for state in layers[i]:
            best = -math.inf
            for ch in slots[i + 1]:
                for nxt, gain in _steps(model, state, ch):
                    best = max(best, gain + after[i + 1].get(nxt, -math.inf))
            after[i][state] = best
    return after


def _max_marginals(slots: list[tuple[str, ...]], model: _CharModel) -> list[dict[str, float]]:
    """For every slot and candidate, the score of the best reading of the
    whole line that puts that candidate there."""
    layers = _forward(slots, model)
    after = _backward(slots, layers, model)
    marginals: list[dict[str, float]] = []
    for i, options in enumerate(slots):
        best = dict.fromkeys(options, -math.inf)
        for state, score in layers[i].items():
            ch = state[1]
            best[ch] = max(best[ch], score + after[i][state])
        marginals.append(best)
    return marginals


def _prune(options: tuple[str, ...], model: _CharModel) -> tuple[str, ...]:
    """Candidates the model knows nothing about (ideographs of the extension
    blocks, obscure symbols) never win against ones it knows, so they are
    dropped to keep the search small."""
    if len(options) == 1:
        return options
    kept = tuple(ch for ch in options if model.knows(ch) or ch in _PUNCTUATION)
    return kept or options


def _context_slots(line: str, runs: list[_Run]) -> list[tuple[str, ...]]:
    """The line as one tuple of candidates per output character; undamaged
    characters are tuples of one."""
    slots: list[tuple[str, ...]] = []
    position = 0
    for run in runs:
        slots.extend((ch,) for ch in line[position : run.start])
        slots.extend(run.options)
        position = run.end
    slots.extend((ch,) for ch in line[position:])
    return slots


def _repair_line(line: str, number: int, runs: list[_Run]) -> tuple[str, list[Uncertain]]:
    slots = _context_slots(line, runs)
    if all(len(options) == 1 for options in slots):
        return "".join(options[0] for options in slots), []
    model = _char_model()
    slots = [_prune(options, model) for options in slots]
    scores = _max_marginals(slots, model)
    chosen = []
    uncertain = []
    for column, (options, score) in enumerate(zip(slots, scores, strict=True), start=1):
        ranked = sorted(options, key=lambda ch: -score[ch])
        chosen.append(ranked[0])
        plausible = [ch for ch in ranked if score[ranked[0]] - score[ch] < UNCERTAINTY_MARGIN]
        if len(plausible) > 1:
            uncertain.append(Uncertain(number, column, ranked[0], plausible))
    return "".join(chosen), uncertain


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------


def repair_text(text: str) -> RepairResult:
    """Undo UTF-8-read-as-Windows-1252 damage, line by line. A text without
    the telltale lead-byte-plus-continuation-byte pair is returned as it is
    (the same object) without building the language model."""
    unchanged = RepairResult(text, False, [], [])
    _, suspect = _patterns()
    if not suspect.search(text):
        return unchanged
    lines = text.split("\n")
    found = [_damaged_runs(line) for line in lines]
    # A whole sequence decoded somewhere is the evidence that the text really
    # went through the damage; without it, short partial matches are more
    # likely accented Latin than Japanese that lost bytes.
    if not any(run.complete for runs in found for run in runs):
        return unchanged
    repaired_lines: list[int] = []
    uncertain: list[Uncertain] = []
    for number, (line, runs) in enumerate(zip(lines, found, strict=True), start=1):
        if not runs:
            continue
        new, doubts = _repair_line(line, number, runs)
        if new != line:
            lines[number - 1] = new
            repaired_lines.append(number)
            uncertain.extend(doubts)
    if not repaired_lines:
        return unchanged
    return RepairResult("\n".join(lines), True, repaired_lines, uncertain)


def decode_bytes(data: bytes) -> DecodedText:
    """Bytes -> str: strip a UTF-8 BOM (say so), accept UTF-16 with BOM, try strict UTF-8, then
    cp932/shift_jis and euc-jp for Japanese files, and as last resort UTF-8 with replacement
    characters (with a warning naming the first bad byte's line). Never raises."""
    data = bytes(data)
    if data.startswith(codecs.BOM_UTF8):
        return _decode_utf8(data[len(codecs.BOM_UTF8) :], "utf-8-sig", ["Removed a UTF-8 byte-order mark."])
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _decode_with_bom(data, "utf-32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_with_bom(data, "utf-16")
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", [])
    except UnicodeDecodeError:
        pass
    legacy = _decode_japanese_legacy(data)
    if legacy is not None:
        return legacy
    return _decode_utf8(data, "utf-8", [])


def _decode_with_bom(data: bytes, encoding: str) -> DecodedText:
    text = data.decode(encoding, errors="replace")
    warnings = []
    if "\ufffd" in text:
        warnings.append(f"The file is not valid {encoding.upper()}; undecodable parts were replaced with U+FFFD.")
    return DecodedText(text, encoding, warnings)


def _decode_utf8(data: bytes, encoding: str, warnings: list[str]) -> DecodedText:
    try:
        return DecodedText(data.decode("utf-8"), encoding, warnings)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        warnings = [
            *warnings,
            f"Line {line}: byte 0x{data[error.start]:02X} is not valid UTF-8; "
            "undecodable bytes were replaced with U+FFFD.",
        ]
        return DecodedText(data.decode("utf-8", errors="replace"), encoding, warnings)


_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
_HALFWIDTH_KANA = re.compile(r"[\uff61-\uff9f]")


def _decode_japanese_legacy(data: bytes) -> DecodedText | None:
    """Shift_JIS (as Windows writes it, cp932) or EUC-JP, whichever decodes
    strictly and reads more like Japanese. EUC-JP bytes often also decode as
    cp932, but then as half-width katakana, which real notes rarely use."""
    best: tuple[int, str, str] | None = None
    for encoding in ("cp932", "euc-jp"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        score = len(_JAPANESE.findall(text)) - 2 * len(_HALFWIDTH_KANA.findall(text))
        if score > 0 and (best is None or score > best[0]):
            best = (score, text, encoding)
    if best is None:
        return None
    _, text, encoding = best
    return DecodedText(text, encoding, [f"The file is not UTF-8; read it as {encoding}."])
