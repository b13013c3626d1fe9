"""The content lint: each rule passes a good note and fails a note that
breaks it, at the line where it breaks; the bank's coverage rules too."""

import pytest

from studyapp.noteformat.lint import BankLint, lint_note
from studyapp.noteformat.parser import parse_note

GOOD = """---
id: "LNT-1"
title: "Lint sample"
category: "Storage"
domain: "Design for New Solutions"
tags: ["S3"]
tasks: ["2.2", "1.3"]
sources:
  - "https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html"
---

# Lint sample (LNT-1)

## 1. 状況の読み解き (Context & Requirements)

- **構成図の分析**: S3 (us-east-1) -> S3 (eu-west-1)。
- **必須要件**:
    - **暗号化**: SSE-KMS で暗号化されたオブジェクトも複製する。

## 2. 問題と選択肢 (Question & Options)

A company stores SSE-KMS encrypted objects in an S3 bucket and must keep a copy in another Region with the LEAST operational overhead. Which solution meets these requirements?

- **A**: Enable S3 Cross-Region Replication with a KMS key in the destination Region.
- **B**: Copy the objects nightly with an AWS Lambda function.
- **C**: Turn on S3 Transfer Acceleration for the bucket.
- **D**: Export the bucket with AWS Snowball Edge every week.

## 3. 勝負を決めるキーワード (Trigger Words)

- **"SSE-KMS" (KMS encryption)**: レプリケーションには KMS 権限が必要。

## 4. なぜその答えか (Reasoning)

- **論理的根拠 (A)**:
    - **A (CRR)**: マネージドな複製機能で運用負荷が最小。
- **選択肢の分析**:
    - **B (Lambda)**: 運用負荷が高い。
    - **C (Transfer Acceleration)**: 転送の高速化であって複製ではない。
    - **D (Snowball)**: オフラインの移行用で継続的な複製ではない。

## 6. 学習メモ (Exam Note)

■ AWS SAP Exam Note: 複製 (LNT-1)

> ### 📌 Core Concept
> 暗号化オブジェクトの複製は KMS 権限が鍵。

> ### ⚠️ Pitfall / Anti-Pattern
> - Transfer Acceleration は複製ではない。
"""

MULTI = (
    GOOD.replace("Which solution meets these requirements?", "Which steps meet these requirements? (Choose two.)")
    .replace(
        "- **D**: Export the bucket", "- **D**: Grant the replication role kms:Decrypt.\n- **E**: Export the bucket"
    )
    .replace("- **論理的根拠 (A)**:", "- **論理的根拠 (A & D)**:")
    .replace(
        "    - **A (CRR)**: マネージドな複製機能で運用負荷が最小。",
        "    - **A (CRR)**: マネージドな複製機能で運用負荷が最小。\n    - **D (KMS)**: 複製ロールに復号権限が要る。",
    )
    .replace("    - **D (Snowball)**:", "    - **E (Snowball)**:")
)


def problems(text: str) -> list[str]:
    return [p.message for p in lint_note("x.md", text.encode()).problems]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.split("\n"), start=1) if needle in line)


def test_a_good_single_answer_note_passes():
    assert problems(GOOD) == []


def test_a_good_choose_two_note_passes():
    assert problems(MULTI) == []


def test_tasks_and_sources_are_read_in_exam_order():
    meta = parse_note(GOOD).note.meta
    assert meta.tasks == ["1.3", "2.2"]
    assert meta.sources == ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html"]


def test_an_unquoted_task_code_is_read_too():
    assert parse_note(GOOD.replace('tasks: ["2.2", "1.3"]', "tasks: [2.2, 1.3]")).note.meta.tasks == ["1.3", "2.2"]


def test_a_task_the_exam_guide_does_not_have_is_warned_about_on_its_line():
    text = GOOD.replace('tasks: ["2.2", "1.3"]', 'tasks: ["2.2", "2.7"]')
    result = parse_note(text)
    assert result.note.meta.tasks == ["2.2"]
    (warning,) = [w for w in result.warnings if "2.7" in w.message]
    assert warning.line == line_of(text, "tasks:")
    assert any("2.7" in p for p in problems(text))


def test_a_source_that_is_not_a_url_is_warned_about_and_ignored():
    text = GOOD.replace('  - "https://docs.aws', '  - "javascript:alert(1)"\n  - "https://docs.aws')
    result = parse_note(text)
    assert result.note.meta.sources == ["https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html"]
    assert any("not an http(s) URL" in w.message for w in result.warnings)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace('tasks: ["2.2", "1.3"]\n', ""), "no 'tasks'"),
        (
            lambda t: t.replace('tasks: ["2.2", "1.3"]', 'tasks: ["1.3"]'),
            "none of its task statements is in its domain",
        ),
        (lambda t: t[: t.index("sources:")] + t[t.index("---\n\n# Lint") :], "no 'sources'"),
        (
            lambda t: t[: t.index("## 2. 問題")] + t[t.index("## 3. 勝負") :],
            "no question stem",
        ),
        (
            lambda t: t.replace("- **D**: Export the bucket with AWS Snowball Edge every week.\n", ""),
            "without their text: D",
        ),
        (
            lambda t: t.replace(
                "- **D**: Export", "- **E**: Something else entirely for the exam.\n- **D**: Export"
            ).replace("    - **D (Snowball)**:", "    - **E (Other)**: 関係がない。\n    - **D (Snowball)**:"),
            "1 correct of 5 options",
        ),
        (
            lambda t: t.replace(
                "Which solution meets these requirements?", "Which solution meets these? (Choose two.)"
            ),
            "does not say 'Choose N'",
        ),
        (
            lambda t: (
                t[: t.index("■ AWS SAP")]
                + "■ Exam note: replication\n\n> ### 📌 Core Concept\n> Replication needs KMS.\n"
            ),
            "no Japanese in the exam note",
        ),
        (lambda t: t.replace("A company stores SSE-KMS", "ある会社は SSE-KMS"), "not the exam's English"),
        (
            lambda t: t.replace("Copy the objects nightly with an AWS Lambda function.", "Lambda で毎晩コピーする。"),
            "option B is not in English",
        ),
        (
            lambda t: t.replace(
                "- **構成図の分析**: S3 (us-east-1) -> S3 (eu-west-1)。", "- **Architecture**: S3 -> S3."
            ).replace(
                "    - **暗号化**: SSE-KMS で暗号化されたオブジェクトも複製する。", "    - **Encryption**: SSE-KMS."
            ),
            "no Japanese in the context",
        ),
        (lambda t: t.replace('domain: "Design for New Solutions"', 'domain: "Solutions"'), "domain"),
        (lambda t: t[: t.index("## 3. 勝負")] + t[t.index("## 4. なぜ") :], "no Japanese in the trigger words"),
        (lambda t: t.replace('category: "Storage"', 'category: "Storagge"'), "warning: category"),
        (lambda t: t.replace('id: "LNT-1"', "id: [1, 2]"), "error"),
    ],
)
def test_each_rule_fails_a_note_that_breaks_it(change, message):
    text = change(GOOD)
    assert text != GOOD
    found = problems(text)
    assert any(message in p for p in found), found


def test_choose_two_must_be_said_when_two_are_correct():
    text = MULTI.replace(" (Choose two.)", "")
    assert any("(Choose two.)" in p for p in problems(text))


def test_choose_three_of_six_is_the_exams_format_and_three_of_five_is_not():
    three = MULTI.replace("(Choose two.)", "(Choose three.)").replace("(A & D)", "(A, B & D)")
    three = three.replace("    - **B (Lambda)**: 運用負荷が高い。\n", "").replace(
        "    - **D (KMS)**:", "    - **B (Lambda)**: この設問では正しい。\n    - **D (KMS)**:"
    )
    assert any("3 correct of 5 options" in p for p in problems(three))


def test_a_damaged_encoding_fails_the_lint():
    damaged = GOOD.encode("utf-8").decode("latin-1").encode("utf-8")
    assert any("encoding" in p for p in [m.message for m in lint_note("x.md", damaged).problems])


def _bank(singles: int, multis: int, tasks: list[str]) -> BankLint:
    notes = []
    for i in range(singles + multis):
        text = (GOOD if i < singles else MULTI).replace("LNT-1", f"LNT-{i}")
        code = tasks[i % len(tasks)]
        text = text.replace('tasks: ["2.2", "1.3"]', f'tasks: ["2.{(i % 6) + 1}", "{code}"]')
        notes.append(lint_note(f"{i}.md", text.encode()))
    return BankLint(notes)


def test_a_bank_with_a_thin_task_statement_fails_and_the_table_names_it():
    bank = _bank(8, 2, ["1.1"])
    (problem,) = [p for p in bank.problems() if "fewer than 4" in p]
    assert "1.2 (0)" in problem and "1.1 (" not in problem
    table = "\n".join(bank.coverage_table())
    assert "1.1      10  Architect network connectivity strategies" in table
    assert "single-answer 8 (80%)" in table


def test_the_single_answer_share_must_be_between_70_and_85_percent():
    assert not [p for p in _bank(8, 2, ["1.1"]).problems() if "share" in p]
    assert [p for p in _bank(5, 5, ["1.1"]).problems() if "share" in p]
    assert [p for p in _bank(10, 0, ["1.1"]).problems() if "share" in p]
