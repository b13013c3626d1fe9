import pytest

from studyapp.noteformat.parser import parse_note
from tests import samples


def parsed(text):
    result = parse_note(text)
    assert result.errors == [], result.errors
    return result.note


def test_canonical_note_yields_every_part():
    note = parsed(samples.CANONICAL)
    assert note.meta.id == "TST-1"
    assert note.meta.tags == ["S3", "Replication", "KMS"]
    assert str(note.meta.created_at) == "2026-03-01"
    assert note.context.architecture == "S3 (us-east-1) -> S3 (eu-west-1)"
    assert [r.label for r in note.context.requirements] == ["暗号化", "運用負荷"]
    assert [w.term for w in note.trigger_words] == ["SSE-KMS", "最小限の運用"]
    assert note.trigger_words[0].gloss == "KMS encryption"
    assert [o.letter for o in note.options] == ["A", "B", "C", "D"]
    assert note.correct_letters == ["A", "C"]
    assert note.options[1].text == "Copy the objects nightly with a Lambda function."
    assert note.options[1].label == "Lambda"
    assert "運用負荷" in note.options[1].reasoning
    assert note.question.startswith("A company must replicate")
    assert note.comparison_rows == 3
    assert note.tables[0].header == ["Method", "Managed", "Encrypted objects"]
    assert note.references[0].url.startswith("https://docs.aws.amazon.com/")
    exam = note.exam_note
    assert exam.summary.startswith("AWS SAP Exam Note")
    assert exam.concept == "暗号化オブジェクトの複製は KMS 権限が鍵。"
    assert [b.trigger for b in exam.best_practices] == ["SSE-KMS オブジェクト", "別リージョンへの複製"]
    assert len(exam.pitfalls) == 1
    assert exam.shortcuts[0].text == 'CRR = "Copy across Regions"'


def test_trigger_word_lines_point_at_their_bullets():
    note = parsed(samples.CANONICAL)
    lines = samples.CANONICAL.split("\n")
    assert "SSE-KMS" in lines[note.trigger_words[0].line - 1]


@pytest.mark.parametrize(
    "text",
    [
        samples.ENGLISH_HEADINGS,
        samples.JAPANESE_HEADINGS,
        samples.sections_reordered(),
        samples.INLINE_YAML,
        samples.CRLF_BOM.decode("utf-8"),
    ],
    ids=["english-headings", "japanese-headings", "reordered", "inline-yaml", "crlf-bom"],
)
def test_variations_give_the_same_counts(text):
    note = parsed(text)
    assert len(note.trigger_words) == 2
    assert len(note.options) == 4
    assert note.correct_letters == ["A", "C"]
    assert note.comparison_rows == 3
    assert len(note.exam_note.best_practices) == 2
    assert len(note.exam_note.pitfalls) == 1
    assert note.meta.tags == ["S3", "Replication", "KMS"]


def test_a_single_correct_option_written_in_parentheses():
    assert parsed(samples.SINGLE_CORRECT).correct_letters == ["A"]


def test_six_options_with_three_correct():
    note = parsed(samples.SIX_OPTIONS_THREE_CORRECT)
    assert [o.letter for o in note.options] == list("ABCDEF")
    assert note.correct_letters == ["A", "C", "F"]


@pytest.mark.parametrize("declared", ["(B, D)", "(B & D)", "(B、D)", "(B and D)", "（B・D）"])
def test_correct_sets_in_every_spelling(declared):
    text = (
        samples.CANONICAL.replace("(A & C)", declared)
        .replace("**A (S3 Replication)**", "**B (S3 Replication)**")
        .replace("**C (KMS 権限)**", "**D (KMS 権限)**")
        .replace("**B (Lambda)**", "**A (Lambda)**")
        .replace("**D (Transfer Acceleration)**", "**C (Transfer Acceleration)**")
    )
    assert parsed(text).correct_letters == ["B", "D"]


def test_note_without_option_texts_keeps_labels_only():
    note = parsed(samples.NO_QUESTION_SECTION)
    assert note.correct_letters == ["A", "C"]
    assert all(o.text == "" for o in note.options)
    assert note.options[0].label == "S3 Replication"


def test_unknown_markdown_is_a_warning_with_a_line():
    text = samples.CANONICAL.replace("## 5. 比較", "## 付録 (Appendix)\n\nsome text\n\n## 5. 比較")
    result = parse_note(text)
    assert result.ok
    line = text.split("\n").index("## 付録 (Appendix)") + 1
    assert any(w.line == line and "Appendix" in w.message for w in result.warnings)


@pytest.mark.parametrize(
    ("text", "line_text", "words"),
    [
        (samples.NO_ID, "---", "no 'id'"),
        (samples.BAD_YAML, "category: Storage: Networking", "not valid YAML"),
        (samples.UNCLOSED_FRONT_MATTER, "---", "never closed"),
        (samples.CORRECT_LETTER_WITHOUT_OPTION, "- **論理的根拠 (A & G)**:", "correct option G"),
    ],
    ids=["no-id", "bad-yaml", "unclosed-front-matter", "correct-letter-without-option"],
)
def test_broken_notes_fail_with_a_line_number(text, line_text, words):
    line = text.split("\n").index(line_text) + 1
    result = parse_note(text)
    assert result.note is None
    assert any(words in e.message for e in result.errors), result.errors
    assert any(e.line == line for e in result.errors), result.errors


def test_an_option_declared_correct_and_analysed_as_wrong_is_an_error():
    text = samples.CANONICAL.replace("(A & C)", "(A, B & C)")
    result = parse_note(text)
    assert not result.ok
    assert any("option B" in e.message for e in result.errors)


def test_a_note_with_no_sections_is_rejected():
    result = parse_note('---\nid: "X-1"\ntitle: "t"\n---\n\nJust prose.\n')
    assert not result.ok
    assert result.errors[0].line == 5


def test_empty_text_is_rejected():
    assert parse_note("").errors[0].message == "the file is empty"
