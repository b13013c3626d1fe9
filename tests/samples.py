"""Notes written for tests: one canonical note and the variations the brief
says other notes will show."""

CANONICAL = """---
id: "TST-1"
title: "S3 Cross-Region Replication"
category: "Storage"
domain: "Design for New Solutions"
tags:
  - "S3"
  - "Replication"
  - "KMS"
created_at: "2026-03-01"
---

# S3 Cross-Region Replication (TST-1)

## 1. 状況の読み解き (Context & Requirements)

- **構成図の分析**: S3 (us-east-1) -> S3 (eu-west-1)。
- **必須要件**:
    - **暗号化**: SSE-KMS で暗号化されたオブジェクトも複製する。
    - **運用負荷**: 運用は最小限にする。

## 2. 問題と選択肢 (Question & Options)

A company must replicate SSE-KMS encrypted objects to another Region. (Choose two.)

- **A**: Enable S3 Replication with a KMS key in the destination Region.
- **B**: Copy the objects nightly with a Lambda function.
- **C**: Grant the replication role kms:Decrypt and kms:Encrypt.
- **D**: Turn on S3 Transfer Acceleration.

## 3. 勝負を決めるキーワード (Trigger Words)

- **"SSE-KMS" (KMS encryption)**: レプリケーションには KMS 権限が必要。
- **"最小限の運用" (least effort)**: マネージド機能を選ぶ。

## 4. なぜその答えか (Reasoning)

- **論理的根拠 (A & C)**:
    - **A (S3 Replication)**: マネージドな複製機能。
    - **C (KMS 権限)**: ロールに復号と暗号化の権限が必要。
- **選択肢の分析**:
    - **B (Lambda)**: 運用負荷が高い。
    - **D (Transfer Acceleration)**: 転送の高速化であって複製ではない。

## 5. 比較と公式資料 (Comparison)

| Method | Managed | Encrypted objects |
| :--- | :--- | :--- |
| **S3 Replication** | Yes | Yes, with KMS permissions |
| **Batch Operations** | Yes | Yes |
| **Lambda copy** | No | Yes |

- **詳細資料**: [Replicating objects](https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html)

## 6. 学習メモ (Exam Note)

■ AWS SAP Exam Note: S3 Cross-Region Replication (TST-1)

> ### 📌 Core Concept
> 暗号化オブジェクトの複製は KMS 権限が鍵。
> - SSE-KMS = 追加設定が必要

> ### 🛠 Trigger ➔ Best Practice
> | 注目事象 (Trigger) | 調査すべき対象 (Best Practice) |
> | :--- | :--- |
> | SSE-KMS オブジェクト | レプリケーションロールの KMS 権限 |
> | 別リージョンへの複製 | S3 Replication (CRR) |

> ### ⚠️ Pitfall / Anti-Pattern
> - Transfer Acceleration は複製ではない。

> ### 💡 Exam Shortcut
> CRR = "Copy across Regions"
"""

ENGLISH_HEADINGS = (
    CANONICAL.replace("## 1. 状況の読み解き (Context & Requirements)", "## Context & Requirements")
    .replace("## 2. 問題と選択肢 (Question & Options)", "## Question")
    .replace("## 3. 勝負を決めるキーワード (Trigger Words)", "## Trigger Words")
    .replace("## 4. なぜその答えか (Reasoning)", "## Reasoning")
    .replace("**論理的根拠 (A & C)**", "**Correct answers (A, C)**")
    .replace("**選択肢の分析**", "**Other options**")
    .replace("## 5. 比較と公式資料 (Comparison)", "## Comparison")
    .replace("## 6. 学習メモ (Exam Note)", "## Exam Note")
)

JAPANESE_HEADINGS = (
    CANONICAL.replace(" (Context & Requirements)", "")
    .replace(" (Question & Options)", "")
    .replace(" (Trigger Words)", "")
    .replace(" (Reasoning)", "")
    .replace(" (Comparison)", "")
    .replace(" (Exam Note)", "")
)


def sections_reordered() -> str:
    head, rest = CANONICAL.split("## 1.", 1)
    parts = ("## 1." + rest).split("\n## ")
    parts = [parts[0]] + ["## " + p for p in parts[1:]]
    # Exam note first, then comparison, then the rest.
    order = [5, 4, 0, 2, 3, 1]
    return head + "\n".join(parts[i].rstrip("\n") + "\n" for i in order)


INLINE_YAML = CANONICAL.replace(
    'tags:\n  - "S3"\n  - "Replication"\n  - "KMS"\n', "tags: [S3, Replication, KMS]\n"
).replace('title: "S3 Cross-Region Replication"', "title: S3 Cross-Region Replication")

CRLF_BOM = ("\ufeff" + CANONICAL.replace("\n", "\r\n")).encode("utf-8")

SINGLE_CORRECT = (
    CANONICAL.replace("**論理的根拠 (A & C)**", "**論理的根拠 (A)**")
    .replace("    - **C (KMS 権限)**: ロールに復号と暗号化の権限が必要。\n", "")
    .replace("- **選択肢の分析**:\n", "- **選択肢の分析**:\n    - **C (KMS 権限)**: それだけでは足りない。\n")
)

SIX_OPTIONS_THREE_CORRECT = (
    CANONICAL.replace("**論理的根拠 (A & C)**", "**論理的根拠 (A, C & F)**")
    .replace(
        "- **D**: Turn on S3 Transfer Acceleration.\n",
        "- **D**: Turn on S3 Transfer Acceleration.\n- **E**: Use S3 Glacier.\n- **F**: Enable versioning on both buckets.\n",
    )
    .replace(
        "    - **C (KMS 権限)**: ロールに復号と暗号化の権限が必要。\n",
        "    - **C (KMS 権限)**: ロールに復号と暗号化の権限が必要。\n    - **F (Versioning)**: 複製の前提条件。\n",
    )
    .replace(
        "    - **D (Transfer Acceleration)**: 転送の高速化であって複製ではない。\n",
        "    - **D (Transfer Acceleration)**: 転送の高速化であって複製ではない。\n    - **E (Glacier)**: アーカイブであり複製ではない。\n",
    )
)

NO_QUESTION_SECTION = CANONICAL.split("## 2. 問題と選択肢")[0] + "## 3." + CANONICAL.split("## 3.", 1)[1]

# Broken notes: each must fail with a line number, and store nothing.
NO_ID = CANONICAL.replace('id: "TST-1"\n', "")
BAD_YAML = CANONICAL.replace('category: "Storage"', "category: Storage: Networking")
UNCLOSED_FRONT_MATTER = CANONICAL.replace("---\n\n# S3", "\n# S3", 1)
CORRECT_LETTER_WITHOUT_OPTION = CANONICAL.replace("**論理的根拠 (A & C)**", "**論理的根拠 (A & G)**")


def with_id(text: str, note_id: str) -> str:
    return text.replace("TST-1", note_id)
