"""Mojibake repair and byte decoding for imported notes (plain Python, no Django)."""

from pathlib import Path

import ftfy.bad_codecs  # noqa: F401  (the "sloppy-windows-1252" codec)
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyapp.noteformat import repair
from studyapp.noteformat.repair import DROPPED_BYTES, decode_bytes, repair_text

SEED = Path(__file__).resolve().parents[3] / "shared/seeds/000_c2550ee25db96fae.txt"
# The seed as the repair restores it, byte for byte: the note as its author
# wrote it. notes/SAP-56.md has since been corrected and extended by the
# content review (issue 15); the repair's target stays the delivered text.
REPAIRED_NOTE = Path(__file__).resolve().parent / "data" / "SAP-56-as-delivered.md"

needs_seed = pytest.mark.skipif(not SEED.exists(), reason=f"the seed note is not on this machine: {SEED}")


def damage(text: str) -> str:
    """What happened to the seed: UTF-8 read as Windows-1252, with the bytes
    Windows-1252 cannot show, and the soft hyphen, dropped on the way."""
    data = bytes(b for b in text.encode("utf-8") if b not in DROPPED_BYTES)
    return data.decode("cp1252")


@pytest.fixture(scope="module")
def seed() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_result(seed):
    return repair_text(seed)


# --------------------------------------------------------------------------
# The seed note
# --------------------------------------------------------------------------


@needs_seed
def test_seed_repairs_to_the_stored_note(seed_result):
    assert seed_result.repaired
    assert seed_result.text == REPAIRED_NOTE.read_text(encoding="utf-8")


@needs_seed
def test_seed_headings_come_out_as_japanese(seed_result):
    headings = [line for line in seed_result.text.split("\n") if line.startswith("## ")]
    assert headings == [
        "## 1. 状況の読み解き (Context & Requirements)",
        "## 2. 勝負を決めるキーワード (Trigger Words)",
        "## 3. なぜその答えか (Reasoning)",
        "## 4. 比較と公式資料 (Comparison)",
        "## 5. 学習メモ (Exam Note)",
    ]


@needs_seed
@pytest.mark.parametrize(
    "phrase",
    [
        "**構成図の分析**",
        "**論理的根拠 (A & E)**",
        "**選択肢の分析**",
        "**詳細資料**",
        "不正なレスポンス",
        "コネクション切断",
        "応答が遅延している",
        "（または設定値）",
        "処理できず接続を切断",
        "小規模チーム",
        "「アクセス増加のタイミング」に関係なく",
        "「対症療法」。",
        "バックエンド(EKS/EC2)",
        "ネットワーク断）",
        "タイムアウト値の不整合",
        "(OOMKilled等)",
        "（EKSのHPA等）",
        "> ### ⚠️ Pitfall / Anti-Pattern",
    ],
)
def test_seed_words_that_lost_a_byte_are_restored(seed_result, phrase):
    assert phrase in seed_result.text


@needs_seed
def test_seed_keeps_everything_but_the_damage(seed, seed_result):
    before, after = seed.split("\n"), seed_result.text.split("\n")
    assert len(before) == len(after)
    assert before[:16] == after[:16]  # front matter and title were plain ASCII
    assert seed_result.repaired_lines == [n for n, (a, b) in enumerate(zip(before, after, strict=True), 1) if a != b]
    assert not any("\u00c0" <= ch <= "\u00ff" for ch in seed_result.text)


@needs_seed
def test_seed_uncertain_characters_are_reported_where_they_stand(seed_result):
    lines = seed_result.text.split("\n")
    assert seed_result.uncertain, "the seed has genuinely ambiguous characters (き or く in 処理できず)"
    for doubt in seed_result.uncertain:
        assert doubt.line in seed_result.repaired_lines
        assert lines[doubt.line - 1][doubt.column - 1] == doubt.char
        assert doubt.candidates[0] == doubt.char
        assert len(doubt.candidates) == len(set(doubt.candidates)) >= 2


@needs_seed
def test_seed_ambiguous_kana_of_dekizu_is_reported_with_its_alternatives(seed_result):
    line = 34
    column = seed_result.text.split("\n")[line - 1].index("できず") + 2
    doubt = next(d for d in seed_result.uncertain if (d.line, d.column) == (line, column))
    assert doubt.char == "き"
    assert "く" in doubt.candidates


@needs_seed
def test_seed_with_crlf_line_endings_keeps_them(seed_result, seed):
    result = repair_text(seed.replace("\n", "\r\n"))
    assert result.text == seed_result.text.replace("\n", "\r\n")


@needs_seed
def test_repaired_seed_is_left_alone(seed_result):
    again = repair_text(seed_result.text)
    assert not again.repaired
    assert again.text is seed_result.text


# --------------------------------------------------------------------------
# Clean text passes through untouched
# --------------------------------------------------------------------------

CLEAN_TEXTS = [
    "# 状況の読み解き\n- **構成図の分析**: CloudFront -> ALB\n- 応答が遅延している。\n",
    "Plain English note.\n\n- bullet one\n- bullet two\n",
    "Un café au lait, s'il vous plaît. Déjà vu, naïve façade.",
    "Herr Müller aus Köln, Straße 5. Ångström. São Paulo. Ærø.",
    "“Smart quotes” – en dash — em dash … ellipsis, €5, ©, ®, ™, ±, ½, «voilà»",
    "Emoji: 📌 🛠 ⚠️ 💡 👍🏽 👩‍💻 ➔ ■",
    "混在: café と Müller と 📌、「引用」。\r\nCRLF line\r\n",
    "",
]


@pytest.mark.parametrize("text", CLEAN_TEXTS)
def test_clean_text_passes_through_unchanged(text):
    result = repair_text(text)
    assert result.text is text
    assert not result.repaired
    assert result.repaired_lines == []
    assert result.uncertain == []


def test_clean_text_does_not_build_the_language_model(monkeypatch):
    def fail():
        raise AssertionError("the language model was built for a clean text")

    monkeypatch.setattr(repair, "_char_model", fail)
    for text in CLEAN_TEXTS:
        repair_text(text)


@pytest.mark.parametrize("text", ["Il a dit «c'est fini»: voilà»", "Le «É» majuscule"])
def test_a_lone_accented_pair_is_not_taken_for_damage(text):
    # "à»" and "É»" read as a lead byte plus a continuation byte; alone, they are French.
    assert repair_text(text).text is text


def test_classic_latin_mojibake_is_repaired_too():
    assert repair_text("Un cafÃ© Ã\u00a0 emporter").text == "Un café à emporter"


# --------------------------------------------------------------------------
# Synthetic damage
# --------------------------------------------------------------------------

SENTENCES = [
    "東京は日本の首都であり、多くの人が住んでいる。",
    "このアプリケーションはデータベースに接続できません。",
    "ネットワークの設定を確認してください。",
    "彼女は新しい本を読み始めた。",
    "今日はとても暑いので、外に出たくない。",
    "ロードバランサーのヘルスチェックが失敗すると、ターゲットは異常と判断される。",
    "キャッシュの有効期限を短くすると、オリジンへのリクエストが増える。",
    "子供たちは公園でサッカーをして遊んでいた。",
    "「なぜ」を五回繰り返して、根本原因を探る。",
    "バックアップから復元するには、スナップショットを使用する。",
    "データの整合性を保つために、トランザクションを使う。",
    "猫がソファの上で気持ちよさそうに寝ている。",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_synthetic_damage_is_repaired_back(sentence):
    damaged = damage(sentence)
    assert damaged != sentence
    result = repair_text(damaged)
    assert result.text == sentence
    assert result.repaired_lines == [1]


# Sentences where context alone cannot settle every character: "行きます"
# against "行くます" needs grammar across words, "雨が降り" against "雨が限り"
# knowledge of the world.
HARD_SENTENCES = [
    "私は毎朝コーヒーを飲んでから会社に行きます。",
    "雨が降りそうなので、傘を持って行きましょう。",
    "空のネームスペースを作成する。",
    "ページが「最後」ではないか、数値に変換できる値ではありません。",
]


@pytest.mark.parametrize("sentence", SENTENCES + HARD_SENTENCES)
def test_every_wrong_guess_is_reported_as_uncertain(sentence):
    result = repair_text(damage(sentence))
    assert len(result.text) == len(sentence)
    doubts = {d.column: d for d in result.uncertain}
    for column, (got, want) in enumerate(zip(result.text, sentence, strict=True), start=1):
        if got != want:
            assert column in doubts, f"{want!r} became {got!r} at column {column} without a warning"
            assert want in doubts[column].candidates


def test_several_damaged_lines_are_numbered():
    text = "\n".join(["plain", damage(SENTENCES[0]), "plain", damage(SENTENCES[2])])
    result = repair_text(text)
    assert result.repaired_lines == [2, 4]
    assert result.text.split("\n") == ["plain", SENTENCES[0], "plain", SENTENCES[2]]


def test_damage_that_kept_undefined_bytes_as_controls_is_reversed_exactly():
    sentence = "読み解き、キーワード、の分析。"
    kept = sentence.encode("utf-8").decode("sloppy-windows-1252")  # 0x81 -> U+0081 etc.
    result = repair_text(kept)
    assert result.text == sentence
    assert result.uncertain == []


def test_lost_variation_selector_of_an_emoji_is_restored():
    result = repair_text(damage("### ⚠️ 注意点と落とし穴"))
    assert result.text == "### ⚠️ 注意点と落とし穴"


# --------------------------------------------------------------------------
# decode_bytes
# --------------------------------------------------------------------------

JAPANESE = "# 状況の読み解き\n- **必須要件**: 運用負荷を最小限にすること。\n"


def test_decode_plain_utf8_has_no_warnings():
    decoded = decode_bytes(JAPANESE.encode("utf-8"))
    assert (decoded.text, decoded.encoding, decoded.warnings) == (JAPANESE, "utf-8", [])


def test_decode_strips_a_utf8_bom_and_says_so():
    decoded = decode_bytes(b"\xef\xbb\xbf" + JAPANESE.encode("utf-8"))
    assert decoded.text == JAPANESE
    assert decoded.encoding == "utf-8-sig"
    assert any("byte-order mark" in w for w in decoded.warnings)


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_decode_accepts_utf16_with_a_bom(codec):
    bom = {"utf-16": b"", "utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff"}[codec]
    decoded = decode_bytes(bom + JAPANESE.encode(codec))
    assert decoded.text == JAPANESE
    assert decoded.encoding == "utf-16"


def test_decode_reads_utf16_without_a_bom_from_its_nul_bytes():
    decoded = decode_bytes(JAPANESE.encode("utf-16-le"))
    assert decoded.text == JAPANESE
    assert decoded.warnings


@pytest.mark.parametrize("codec", ["cp932", "shift_jis", "euc-jp"])
def test_decode_reads_legacy_japanese_encodings(codec):
    decoded = decode_bytes(JAPANESE.encode(codec))
    assert decoded.text == JAPANESE
    assert decoded.encoding == ("euc-jp" if codec == "euc-jp" else "cp932")
    assert decoded.warnings


def test_decode_does_not_take_latin1_for_shift_jis():
    decoded = decode_bytes("Mémé était là, à l'été.".encode("latin-1"))
    assert decoded.encoding == "utf-8"
    assert "\ufffd" in decoded.text


def test_decode_replaces_invalid_bytes_and_names_the_first_bad_line():
    decoded = decode_bytes(b"line one\nline two\nbad \xff here\nand \xfe again\n")
    assert decoded.text == "line one\nline two\nbad \ufffd here\nand \ufffd again\n"
    assert decoded.encoding == "utf-8"
    assert len(decoded.warnings) == 1
    assert decoded.warnings[0].startswith("Line 3:")
    assert "0xFF" in decoded.warnings[0]


def test_decode_of_nothing_is_empty_text():
    assert decode_bytes(b"").text == ""


# --------------------------------------------------------------------------
# Never raises
# --------------------------------------------------------------------------

fuzz = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Characters that make up mojibake, so that the fuzzer reaches the repair
# itself and not just the quick check.
MOJIBAKE_ALPHABET = "".join(bytes([b]).decode("sloppy-windows-1252") for b in range(0x80, 0x100)) + " a\n、の"


@fuzz
@given(st.text())
def test_repair_never_raises_on_any_text(text):
    result = repair_text(text)
    assert isinstance(result.text, str)
    if not result.repaired:
        assert result.text is text


@fuzz
@given(st.text(alphabet=MOJIBAKE_ALPHABET, max_size=200))
def test_repair_never_raises_on_mojibake_like_text(text):
    result = repair_text(text)
    assert result.text.count("\n") == text.count("\n")
    for doubt in result.uncertain:
        assert result.text.split("\n")[doubt.line - 1][doubt.column - 1] == doubt.char


@fuzz
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80))
def test_repair_never_raises_on_damaged_text(text):
    repair_text(damage(text))


@fuzz
@given(st.binary())
def test_decode_never_raises(data):
    decoded = decode_bytes(data)
    assert isinstance(decoded.text, str)


@fuzz
@given(st.text(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp932", "euc-jp", "latin-1"]))
def test_decode_never_raises_on_encoded_text(text, codec):
    decode_bytes(text.encode(codec, errors="replace"))
