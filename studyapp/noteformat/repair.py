"""Repair of Japanese mojibake in imported notes, and bytes-to-text decoding.

The damage this undoes: UTF-8 bytes were read as Windows-1252 and written out
again as UTF-8. Reversing that is a plain re-encode, except that Windows-1252
has no characters for 0x81, 0x8D, 0x8F, 0x90 and 0x9D, and the soft hyphen
0xAD vanished too; those bytes were dropped, so some characters lost one or
two of their continuation bytes. For such a character every way of putting
the lost bytes back that gives valid UTF-8 is a candidate, and a character
language model built from wordfreq's Japanese word list picks among them by
context, line by line; then the doubtful characters are decided again with
the character n-grams that the rest of the note shows for certain, and those
of the notes already imported (a vocabulary the caller passes in). When the
choice is close the character is reported as uncertain. The model's tables
are kept on disk (model_store.py) and loaded once per process. The method and its
measurement: docs/note-format.md (Encoding repair), docs/benchmarks.md.

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
from typing import Protocol

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

from studyapp.noteformat import model_store


class Vocabulary(Protocol):
    """What the repair reads of the other notes' vocabulary (built by
    note_vocabulary.py, which uses this module's looks_damaged: so the type
    is named here, not imported from there). Falsy when it counted nothing."""

    orders: tuple[int, ...]

    def count(self, gram: str) -> int: ...

    def __bool__(self) -> bool: ...


# Bytes the damaging round trip dropped: undefined in Windows-1252, plus the
# soft hyphen, which the writer treated as invisible.
DROPPED_BYTES = (0x81, 0x8D, 0x8F, 0x90, 0x9D, 0xAD)

# A character is uncertain when the best reading of its line that uses the
# runner-up scores within this many natural-log units of the best reading
# overall: the winner is less than 20 times as likely. Measured on 518
# ambiguous characters (synthetic damage to Django's Japanese translations
# and to hand-written sentences): all 16 wrong choices had a margin below
# ln 20 = 3.0, where 51 choices fell; none of the 467 above it was wrong.
UNCERTAINTY_MARGIN = math.log(20)


@dataclass(frozen=True)
class Uncertain:
    line: int  # 1-based line number in the text
    column: int  # 1-based column of the character in the repaired line
    char: str  # the character chosen
    candidates: list[str]  # every plausible character, best first (includes char)


@dataclass(frozen=True)
class RepairResult:
    text: str  # the input object itself when nothing was damaged
    repaired: bool
    repaired_lines: list[int]  # 1-based numbers of the lines that changed
    uncertain: list[Uncertain]


@dataclass(frozen=True)
class DecodedText:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp932", "euc-jp", ...
    warnings: list[str]
    # 1-based line of the first byte that no encoding could read (replaced
    # with U+FFFD in ``text``); 0 when every byte was read.
    unreadable_line: int = 0


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


def _char_class(values: range) -> str:
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
    """One UTF-8 sequence as found: its lead byte and the continuation bytes
    that survived, where it starts in its run, and how many continuation
    bytes the lead byte calls for. A byte that cannot be part of damaged
    UTF-8 (a continuation byte with no lead, "“" or "—" typed after the
    damage) is a stray: needed is None and it stays as it is."""

    start: int
    data: bytes
    needed: int | None

    @property
    def missing(self) -> int:
        return 0 if self.needed is None else self.needed - (len(self.data) - 1)

    @property
    def partial(self) -> bool:
        """A lead byte that kept at least one continuation byte."""
        return self.needed is not None and len(self.data) > 1


def _continuation_bytes(lead: int) -> int | None:
    if 0xC2 <= lead <= 0xDF:
        return 1
    if 0xE0 <= lead <= 0xEF:
        return 2
    if 0xF0 <= lead <= 0xF4:
        return 3
    return None


def _split_sequences(data: bytes) -> list[_Sequence]:
    sequences = []
    index = 0
    while index < len(data):
        needed = _continuation_bytes(data[index])
        end = index + 1
        while needed and end < len(data) and end - index <= needed and 0x80 <= data[end] <= 0xBF:
            end += 1
        sequences.append(_Sequence(index, data[index:end], needed))
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
def _candidates(data: bytes, needed: int) -> tuple[str, ...]:
    """Every character the sequence can have been: the lost bytes may have
    stood at any continuation position, and each was one of DROPPED_BYTES.
    Empty when no way of putting them back gives a character."""
    missing = needed - (len(data) - 1)
    if not missing:
        ch = _decode_one(data)
        return (ch,) if ch else ()
    lead, kept = data[:1], data[1:]
    found: dict[str, None] = {}
    for gaps in itertools.combinations(range(needed), missing):
        for fill in itertools.product(DROPPED_BYTES, repeat=missing):
            body = _interleave(kept, dict(zip(gaps, fill, strict=True)), needed)
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
    """A stretch of a line to rewrite: its characters map to bytes that read
    as UTF-8 which lost nothing but continuation bytes."""

    start: int
    end: int
    options: list[tuple[str, ...]]  # one tuple of candidate characters per output character
    convincing: bool  # damaged UTF-8 beyond reasonable doubt, see _is_convincing


def _is_convincing(sequences: list[_Sequence]) -> bool:
    """Damage beyond reasonable doubt: a whole sequence of three or four
    bytes ("ã‚¢" for "ア"), the classic two-byte kind ("Ã©" for "é"), or two
    lead bytes that each kept a continuation byte ("ã„ã„" for "いい").
    Latin text has none of these by accident; a single pair such as "à»" in
    "voilà»" or "É»" in "«É»" it may have, so such a run is repaired only
    in a text that is convincingly damaged elsewhere."""
    for s in sequences:
        if s.partial and not s.missing and (len(s.data) > 2 or "\u00a0" <= s.data.decode("utf-8") <= "\u00ff"):
            return True
    return sum(1 for s in sequences if s.partial) >= 2


def _runs_between_strays(offset: int, sequences: list[_Sequence]) -> list[_Run]:
    """Runs from the sequences that lie between stray bytes. A stretch with
    no lead byte that kept a continuation byte ("é", "São") is left alone:
    in real text that is an accented letter far more often than a character
    that lost every continuation byte."""
    runs = []
    groups = itertools.groupby(sequences, key=lambda s: s.needed is None)
    for stray, group in groups:
        members = list(group)
        if stray or not any(s.partial for s in members):
            continue
        options = [_candidates(s.data, s.needed or 0) for s in members]
        if all(options):
            start = offset + members[0].start
            end = offset + members[-1].start + len(members[-1].data)
            runs.append(_Run(start, end, options, _is_convincing(members)))
    return runs


def _damaged_runs(line: str) -> list[_Run]:
    run_pattern, _ = _patterns()
    byte_of = _byte_of()
    runs = []
    for match in run_pattern.finditer(line):
        data = bytes(byte_of[ch] for ch in match.group())
        runs.extend(_runs_between_strays(match.start(), _split_sequences(data)))
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

# Every word of the list counts. Leaving out the 130,000 of wordfreq's
# 215,000 words rarer than 1e-7 saves about a second of building and 60 MB,
# but made 8 % more wrong choices on the tuning set of
# bench/encoding_repair.py (14.7 against 13.7 per 1,000).
_MIN_WORD_FREQUENCY = 0.0

_MEMO_LIMIT = 200_000

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
    "”": 0.005,
    "“": 0.005,
    "‐": 0.001,
    "※": 0.003,
    "→": 0.003,
    "＝": 0.002,
    "－": 0.002,
    "％": 0.002,
    "\ufe0f": 0.05,  # emoji presentation selector, as in "⚠️"
    "\u200d": 0.0005,  # zero-width joiner inside emoji sequences
}

# Probability, once a word has ended, of a character the word list never
# shows, by what kind of character it is.
_RARE = {
    "letter": 1e-6,
    "symbol": 1e-6,
    "cjk": 1e-8,
    "other": 1e-9,
}

# Words of the note format itself: its section headings and labels (see the
# format description). wordfreq, built from general text, prefers the verb
# "読み解く" to the noun "読み解き" of the first heading; every note has that
# heading, so the model is told about it.
_NOTE_FORMAT_VOCABULARY = """
状況 読み解き 構成図 分析 必須 要件 勝負 決める キーワード なぜ その 答え
論理的 根拠 選択肢 比較 公式 資料 比較表 詳細 学習 メモ 正解 不正解 注目 事象
調査 すべき 対象
"""

# Cloud and IT terms the notes are about. General Japanese text seldom has
# them (wordfreq lacks "バックエンド", "不整合", "冗長化"), and katakana is
# where a lost byte is most ambiguous: "バ", "チ", "ネ", "ハ", "ポ" and "ロ"
# differ only in the byte that was dropped.
_DOMAIN_VOCABULARY = """
バックエンド フロントエンド ロードバランサー ロードバランサ ヘルスチェック タイムアウト
レイテンシー レイテンシ スループット キャッシュ オリジン ディストリビューション
エッジロケーション リージョン アベイラビリティーゾーン インスタンス コンテナ
クラスター ノード ポッド サブネット ゲートウェイ エンドポイント ファイアウォール
セキュリティグループ ルートテーブル ピアリング レプリケーション レプリカ
フェイルオーバー スナップショット バックアップ リストア スケーリング
オートスケーリング スケールアウト スケールイン スケールアップ スロットリング
リトライ キュー メッセージング イベント駆動 ワークロード マイクロサービス
サーバーレス プロビジョニング デプロイ デプロイメント ロールバック パイプライン
リポジトリ メトリクス アラーム ダッシュボード モニタリング ストレージ ボリューム
オブジェクト バケット ライフサイクル アーカイブ データベース トランザクション
クエリ インデックス パーティション シャード ストリーム バッチ オンプレミス
ハイブリッド ガバナンス コンプライアンス プロトコル コネクション セッション
リクエスト レスポンス ステータスコード ペイロード ヘッダー ルーティング
トラフィック ネットワーク 帯域幅 スケーラブル マネージド ランタイム
ドメイン 名前解決 証明書 暗号化 復号 認証 認可 権限 最小権限 脆弱性 疎通
監視 可用性 高可用性 耐障害性 冗長化 冗長性 障害 障害復旧 単一障害点
回線断 通信断 瞬断 ネットワーク断 切断 接続 接続拒否 不整合 整合性
遅延 同期 非同期 冪等性 閾値 上限 移行 構成 設定 設定値 設定ミス 運用負荷
ポート ポート番号 アクセスキー シークレットキー キーペア 主キー 外部キー
ユーザー名 ホスト名 ドメイン名 ファイル名 バケット名 リソース名 サービス名
"""

_NOTE_VOCABULARY_FREQUENCY = 1e-4
_DOMAIN_VOCABULARY_FREQUENCY = 1e-5


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


@functools.lru_cache(maxsize=65536)
def _is_word_char(ch: str) -> bool:
    """ASCII, punctuation and symbols are word boundaries, even where the
    word list has them inside a "word" ("Tシャツ", "・・・"); the use of the
    marks a lost byte can produce is modelled by _PUNCTUATION instead."""
    if ch.isascii() or ch in _PUNCTUATION:
        return False
    return not unicodedata.category(ch).startswith(("P", "S", "Z", "C"))


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

    def __init__(self, counts: dict[str, float], types: dict[str, int], total: float, order: int = _ORDER) -> None:
        self.order = order
        self.counts = counts
        self.types = types  # distinct continuations of a context
        self.total = total
        self._memo: dict[tuple[str, str], tuple[tuple[str, float], ...]] = {}

    @classmethod
    def build(cls, frequencies: dict[str, float], order: int = _ORDER) -> _CharModel:
        counts: dict[str, float] = {}
        types: dict[str, int] = defaultdict(int)
        for word, frequency in frequencies.items():
            if all(map(_is_word_char, word)):
                _count_word(counts, _START + word + _END, frequency * _COUNT_SCALE, order)
        for gram in counts:
            if len(gram) > 1:
                types[gram[:-1]] += 1
        symbols = [gram for gram in counts if len(gram) == 1 and gram != _START]
        types[""] = len(symbols)
        return cls(counts, dict(types), float(sum(counts[gram] for gram in symbols)), order)

    def tables(self) -> model_store.Tables:
        return self.counts, self.types, self.total

    def knows(self, ch: str) -> bool:
        return ch in self.counts and _is_word_char(ch)

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
            if len(self._memo) > _MEMO_LIMIT:
                self._memo.clear()  # hostile input must not grow it without bound
            cached = self._memo[key] = self._transitions(context, ch)
        return cached

    def end_logp(self, context: str) -> float:
        """log P(the current word ends here), as it must at the end of a line."""
        return 0.0 if context == _START else math.log(self._interpolated(context, _END))

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


def _count_word(counts: dict[str, float], framed: str, weight: float, order: int) -> None:
    get = counts.get
    length = len(framed)
    for n in range(1, min(order, length) + 1):
        for i in range(length - n + 1):
            gram = framed[i : i + n]
            counts[gram] = get(gram, 0.0) + weight


def _model_recipe() -> str:
    """Everything the model's tables are built from, for the name of their file."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        wordfreq_version = version("wordfreq")
    except PackageNotFoundError:
        wordfreq_version = "?"
    return "|".join(
        [
            f"wordfreq {wordfreq_version}",
            str(_ORDER),
            repr(_COUNT_SCALE),
            repr(_MIN_WORD_FREQUENCY),
            _NOTE_FORMAT_VOCABULARY,
            repr(_NOTE_VOCABULARY_FREQUENCY),
            _DOMAIN_VOCABULARY,
            repr(_DOMAIN_VOCABULARY_FREQUENCY),
        ]
    )


@functools.lru_cache(maxsize=1)
def _char_model() -> _CharModel:
    """Once per process, when a damaged text first needs it: the tables saved
    on disk (one read), or built and saved for the next process."""
    path = model_store.path_for(_model_recipe())
    tables = model_store.tables_load(path)
    if tables is not None:
        return _CharModel(*tables)
    model = _build_char_model()
    model_store.tables_save(path, model.tables())
    return model


def model_prepare() -> bool:
    """Make sure the model's tables are on disk (``migrate`` calls this); True
    when they had to be built."""
    path = model_store.path_for(_model_recipe())
    if path.exists():
        return False
    model_store.tables_save(path, _build_char_model().tables())
    return True


def _build_char_model() -> _CharModel:
    import wordfreq  # imported here: clean files never pay for loading it

    frequencies = {
        word: frequency
        for word, frequency in wordfreq.get_frequency_dict("ja").items()
        if frequency >= _MIN_WORD_FREQUENCY
    }
    for words, frequency in (
        (_NOTE_FORMAT_VOCABULARY, _NOTE_VOCABULARY_FREQUENCY),
        (_DOMAIN_VOCABULARY, _DOMAIN_VOCABULARY_FREQUENCY),
    ):
        for word in words.split():
            frequencies[word] = frequencies.get(word, 0.0) + frequency
    return _CharModel.build(frequencies)


# --------------------------------------------------------------------------
# Brackets and punctuation: what a character model cannot see
# --------------------------------------------------------------------------

_BRACKETS = {
    "「": "」",
    "『": "』",
    "【": "】",
    "（": "）",
    "〔": "〕",
    "［": "］",
    "《": "》",
    "〈": "〉",
    "“": "”",
}
_CLOSERS = {closer: opener for opener, closer in _BRACKETS.items()}
_UNBALANCED = math.log(1e-3)  # a closer with no opener, an opener never closed, a quote in a quote
_SENTENCE_MARKS = "、。"

# Quotation brackets hold a term or a short phrase. In the tuning texts of
# bench/encoding_repair.py, 60 quoted spans held about 350 characters and
# not one "、" or "。" (against one character in 300 outside), and half of
# them were at most 5 characters long. So when a lost byte leaves "」" and
# "、" to choose from at two places after a "「", the reading that closes the
# quote early and puts the comma outside is the likely one: a mark inside a
# quote costs ln 0.1, and every character inside one costs what a span of
# geometric length with mean 8 costs per character.
_QUOTES = "「『"
_MARK_IN_QUOTE = math.log(0.1)
_INSIDE_QUOTE = math.log(1 - 1 / 8)


def _bracket_step(stack: tuple[str, ...], ch: str) -> tuple[tuple[str, ...], float]:
    """Japanese brackets come in pairs within a line: a lost byte turns "」"
    into a candidate next to "、", and only the open "「" tells them apart.
    Brackets nest, but not in themselves: a quote inside a quote takes "『",
    so a second "「" while one is open means a closer was missed."""
    quoted = bool(stack) and stack[-1] in _QUOTES
    if ch in _BRACKETS:
        cost = _UNBALANCED if ch in stack else 0.0
        return (stack + (ch,))[-3:], cost + (_INSIDE_QUOTE if quoted else 0.0)
    if ch in _CLOSERS:
        if stack and stack[-1] == _CLOSERS[ch]:
            return stack[:-1], 0.0
        return stack, _UNBALANCED
    if not quoted:
        return stack, 0.0
    return stack, _INSIDE_QUOTE + (_MARK_IN_QUOTE if ch in _SENTENCE_MARKS else 0.0)


def _punctuation_step(previous: str, ch: str) -> float:
    """ "、" or "。" never follows "、", "。" or an opening bracket, and the
    particle "を" never starts a phrase; this is what tells "「なぜ」を" from
    "「なぜ、を" when both "」" and "、" lost the same byte."""
    after_break = previous in _SENTENCE_MARKS or previous in _BRACKETS or previous == "\n"
    if after_break and (ch in _SENTENCE_MARKS or ch == "を"):
        return _UNBALANCED
    return 0.0


# --------------------------------------------------------------------------
# Choosing characters by context
# --------------------------------------------------------------------------

# A reading in progress: model context, last character, open brackets.
_State = tuple[str, str, tuple[str, ...]]
_BEAM = 64


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
        current = _keep_best(following)
        layers.append(current)
    return layers


def _keep_best(states: dict[_State, float]) -> dict[_State, float]:
    """A beam: long stretches of ambiguous characters (or hostile input)
    would otherwise multiply the states; the best few hundred readings are
    far more than the choice ever depends on."""
    if len(states) <= _BEAM:
        return states
    kept = sorted(states.items(), key=lambda item: -item[1])[:_BEAM]
    return dict(kept)


def _backward(
    slots: list[tuple[str, ...]], layers: list[dict[_State, float]], model: _CharModel
) -> list[dict[_State, float]]:
    """Best score of the rest of the line from each state after each slot;
    the line must end with its brackets closed."""
    after: list[dict[_State, float]] = [{} for _ in slots]
    after[-1] = {state: model.end_logp(state[0]) + _UNBALANCED * len(state[2]) for state in layers[-1]}
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


@dataclass
class _Line:
    """A damaged line being decided: its candidates per character, each
    candidate's score (the best reading of the line with it there) and the
    characters chosen so far."""

    number: int
    slots: list[tuple[str, ...]]
    scores: list[dict[str, float]]
    chosen: list[str]

    def margin(self, i: int) -> float:
        """How far the chosen character is ahead of the runner-up."""
        score = self.scores[i]
        if len(score) < 2:
            return math.inf
        first, second = sorted(score.values(), reverse=True)[:2]
        return first - second

    def uncertain(self) -> list[Uncertain]:
        found = []
        for column, score in enumerate(self.scores, start=1):
            if len(score) < 2:
                continue
            ranked = sorted(score, key=lambda ch: -score[ch])
            plausible = [ch for ch in ranked if score[ranked[0]] - score[ch] < UNCERTAINTY_MARGIN]
            if len(plausible) > 1:
                found.append(Uncertain(self.number, column, ranked[0], plausible))
        return found


def _first_reading(number: int, line: str, runs: list[_Run]) -> _Line:
    """The character model's reading of a damaged line."""
    slots = _context_slots(line, runs)
    if all(len(options) == 1 for options in slots):
        return _Line(number, slots, [{options[0]: 0.0} for options in slots], [options[0] for options in slots])
    model = _char_model()
    slots = [_prune(options, model) for options in slots]
    scores = _max_marginals(slots, model)
    chosen = [max(options, key=score.__getitem__) for options, score in zip(slots, scores, strict=True)]
    return _Line(number, slots, scores, chosen)


# --------------------------------------------------------------------------
# Evidence from the same document
# --------------------------------------------------------------------------

# The character model reads each line on its own. The doubtful characters
# are decided again with what the rest of the note shows for certain: the
# character bigrams and trigrams of its lines without damage, of the
# characters that lost no byte, and of the choices the model made elsewhere
# by a wide margin (a cache, as in cache language models). A candidate that
# reproduces n-grams the note has elsewhere gains log(1 + count) per n-gram:
# a note that writes "バケット" undamaged in its tags, or where the context
# left no doubt, reads "バケット" and not the commoner "チケット" where a
# lost byte leaves the choice open.

# Candidates within this margin of the character model's best are decided
# again; the others are left behind.
_RESCORE_MARGIN = math.log(1e4)

# Weight of the document's evidence against the character model's log
# probabilities; fitted on the tuning set of bench/encoding_repair.py (0.5
# to 1 did best, 2 and 3 worse).
_CACHE_WEIGHT = 1.0

# A choice of the character model enters the cache only when it won by this
# margin (natural log), far above UNCERTAINTY_MARGIN.
_CONFIDENT_MARGIN = math.log(1000)


class _DocumentCache:
    """Character bigrams and trigrams (with at least one non-ASCII
    character) that the document shows for certain, counted per line so
    that a line is never decided with its own choices (leave one line out):
    a wrong choice cannot vote for itself, only the rest of the note can."""

    def __init__(self) -> None:
        self.grams: dict[str, int] = defaultdict(int)
        self.by_line: dict[int, dict[str, int]] = {}

    def add(self, line: int, text: str, trusted: list[bool]) -> None:
        own: dict[str, int] = defaultdict(int)
        for n in (2, 3):
            for i in range(len(text) - n + 1):
                gram = text[i : i + n]
                if not gram.isascii() and all(trusted[i : i + n]):
                    own[gram] += 1
        for gram, count in own.items():
            self.grams[gram] += count
        self.by_line[line] = own

    def count(self, line: int, gram: str) -> int:
        return self.grams.get(gram, 0) - self.by_line.get(line, {}).get(gram, 0)

    def evidence(self, line: int, text: str, i: int) -> float:
        """Sum of log(1 + count) over the n-grams of text that contain
        position i, counted in the rest of the document."""
        total = 0.0
        for n in (2, 3):
            for start in range(max(0, i - n + 1), min(i, len(text) - n) + 1):
                seen = self.count(line, text[start : start + n])
                if seen > 0:
                    total += math.log1p(seen)
        return total


# Weight of the other notes' vocabulary (studyapp.noteformat.note_vocabulary)
# against the character model's log probabilities, per log(1 + count) of an
# n-gram the candidate makes. Lower than the note's own evidence: the other
# notes are about other services, and their counts grow with their number.
# Chosen on the tuning notes of bench/repair_vocabulary.py before the
# held-out notes were measured: weights 0.25, 0.5 and 1 with bigrams to
# four-grams, trigrams and four-grams, or four-grams only; trigrams and
# four-grams at 0.5 made 9 wrong choices of 2,864 against 13 without the
# vocabulary (docs/note-format.md).
_VOCABULARY_WEIGHT = 0.5


def _vocabulary_evidence(vocabulary: Vocabulary, text: str, i: int) -> float:
    """Sum of log(1 + count) over the n-grams of text that contain position
    i, counted in the other notes."""
    total = 0.0
    for n in vocabulary.orders:
        for start in range(max(0, i - n + 1), min(i, len(text) - n) + 1):
            seen = vocabulary.count(text[start : start + n])
            if seen > 0:
                total += math.log1p(seen)
    return total


def _document_cache(clean: list[tuple[int, str]], damaged: list[_Line]) -> _DocumentCache:
    cache = _DocumentCache()
    for number, text in clean:
        cache.add(number, text, [True] * len(text))
    for line in damaged:
        trusted = [line.margin(i) >= _CONFIDENT_MARGIN for i in range(len(line.slots))]
        cache.add(line.number, "".join(line.chosen), trusted)
    return cache


def _second_reading(damaged: list[_Line], clean: list[tuple[int, str]], vocabulary: Vocabulary | None = None) -> None:
    """Decide the doubtful characters again, one at a time from the left,
    each with the characters chosen so far around it, adding the document's
    evidence, and the other notes' vocabulary, to the character model's score."""
    doubtful = [line for line in damaged if any(line.margin(i) < _RESCORE_MARGIN for i in range(len(line.slots)))]
    if not doubtful:
        return
    cache = _document_cache(clean, damaged)
    if not cache.grams and not vocabulary:
        return
    for line in doubtful:
        for i in range(len(line.slots)):
            if line.margin(i) >= _RESCORE_MARGIN:
                continue
            score = line.scores[i]
            best = max(score.values())
            before, after = "".join(line.chosen[max(0, i - 3) : i]), "".join(line.chosen[i + 1 : i + 4])
            combined = {}
            for ch, value in score.items():
                if best - value < _RESCORE_MARGIN:
                    near = before[-2:] + ch + after[:2]
                    value += _CACHE_WEIGHT * cache.evidence(line.number, near, len(before[-2:]))
                    if vocabulary:
                        value += _VOCABULARY_WEIGHT * _vocabulary_evidence(vocabulary, before + ch + after, len(before))
                combined[ch] = value
            line.scores[i] = combined
            line.chosen[i] = max(combined, key=combined.__getitem__)


# --------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------


def looks_damaged(text: str) -> bool:
    """The cheap sign of damage (a UTF-8 lead byte followed by a continuation
    byte, as Windows-1252 characters): only such a text can need the repair,
    and the vocabulary of the other notes."""
    _, suspect = _patterns()
    return suspect.search(text) is not None


def repair_text(text: str, *, vocabulary: Vocabulary | None = None) -> RepairResult:
    """Undo UTF-8-read-as-Windows-1252 damage. A text without the telltale
    lead-byte-plus-continuation-byte pair is returned as it is (the same
    object) without building the language model. ``vocabulary``: the
    n-grams of the notes already imported (note_vocabulary), which weigh the
    doubtful characters' candidates."""
    unchanged = RepairResult(text, False, [], [])
    if not looks_damaged(text):
        return unchanged
    lines = text.split("\n")
    found = [_damaged_runs(line) for line in lines]
    # A whole sequence decoded somewhere is the evidence that the text really
    # went through the damage; without it, short partial matches are more
    # likely accented Latin than Japanese that lost bytes.
    if not any(run.convincing for runs in found for run in runs):
        return unchanged
    numbered = list(enumerate(zip(lines, found, strict=True), start=1))
    damaged = [_first_reading(number, line, runs) for number, (line, runs) in numbered if runs]
    clean = [(number, line) for number, (line, runs) in numbered if not runs and not line.isascii()]
    _second_reading(damaged, clean, vocabulary)
    repaired_lines: list[int] = []
    uncertain: list[Uncertain] = []
    for line in damaged:
        new = "".join(line.chosen)
        if new != lines[line.number - 1]:
            lines[line.number - 1] = new
            repaired_lines.append(line.number)
            uncertain.extend(line.uncertain())
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
    unmarked = _decode_utf16_without_bom(data)
    if unmarked is not None:
        return unmarked
    try:
        return DecodedText(data.decode("utf-8"), "utf-8", [])
    except UnicodeDecodeError:
        pass
    legacy = _decode_japanese_legacy(data)
    if legacy is not None:
        return legacy
    return _decode_utf8(data, "utf-8", [])


def _decode_with_bom(data: bytes, encoding: str) -> DecodedText:
    try:
        return DecodedText(data.decode(encoding), encoding, [])
    except UnicodeDecodeError:
        text = data.decode(encoding, errors="replace")
        line = text.count("\n", 0, max(text.find("\ufffd"), 0)) + 1
        warning = f"The file is not valid {encoding.upper()}; undecodable parts were replaced with U+FFFD."
        return DecodedText(text, encoding, [warning], unreadable_line=line)


def _decode_utf16_without_bom(data: bytes) -> DecodedText | None:
    """Text files have no NUL bytes, except UTF-16, where every ASCII
    character (and a note is full of Markdown) carries one: on the odd
    positions for little-endian, on the even ones for big-endian."""
    if len(data) < 2 or len(data) % 2 or b"\x00" not in data:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    encoding = "utf-16-le" if odd > even else "utf-16-be"
    if max(even, odd) * 4 < len(data) // 2:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return DecodedText(text, encoding, [f"The file has no byte-order mark; read it as {encoding.upper()}."])


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
        return DecodedText(data.decode("utf-8", errors="replace"), encoding, warnings, unreadable_line=line)


_HIRAGANA = re.compile(r"[\u3041-\u309f]")
_JAPANESE = re.compile(r"[\u3041-\u30ff\u3400-\u9fff\uff61-\uff9f]")
_LEGACY_NAMES = {"cp932": "Shift_JIS (cp932)", "euc-jp": "EUC-JP"}


def _decode_japanese_legacy(data: bytes) -> DecodedText | None:
    """Shift_JIS as Windows writes it (cp932) or EUC-JP, if either decodes
    strictly into something that reads as Japanese: mostly Japanese script
    among the non-ASCII characters, with hiragana in it. Latin-1 text that
    happens to decode as cp932 turns into scattered kanji without hiragana,
    and EUC-JP read as cp932 into half-width katakana, so both fail that."""
    for encoding in ("cp932", "euc-jp"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _reads_as_japanese(text):
            return DecodedText(text, encoding, [f"The file is not UTF-8; read it as {_LEGACY_NAMES[encoding]}."])
    return None


def _reads_as_japanese(text: str) -> bool:
    foreign = sum(1 for ch in text if not ch.isascii())
    hiragana = len(_HIRAGANA.findall(text))
    japanese = len(_JAPANESE.findall(text)) - len(re.findall(r"[\uff61-\uff9f]", text))
    return foreign > 0 and hiragana * 10 >= foreign and japanese * 10 >= foreign * 8
