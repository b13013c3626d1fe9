"""The text a new note starts from: every section of the documented format
(docs/note-format.md), the option-text extension included, filled with a
short example that imports as it is. The author replaces the example."""

from __future__ import annotations

from datetime import date

from studyapp.notes.models import Note, PreviousId

NEW_NOTE = """---
id: "{id}"
title: "New exam note"
category: "Networking"
domain: "Continuous Improvement for Existing Solutions"
tags: ["CloudFront"]
created_at: "{today}"
---

# New exam note ({id})

## 1. 状況の読み解き (Context & Requirements)

- **構成図の分析**: CloudFront -> ALB -> EC2
- **必須要件**:
    - **可用性**: The application must stay available during a deployment.

## 2. 問題と選択肢 (Question & Options)

Users see errors from CloudFront while the backend deploys. What should the solutions architect do? (Choose one.)

- **A**: Configure an origin group with a second origin for failover.
- **B**: Increase the CloudFront default TTL to one year.
- **C**: Turn off the ALB health checks.
- **D**: Move the EC2 instances to a larger instance type.

## 3. 勝負を決めるキーワード (Trigger Words)

- **"origin failover" (フェイルオーバー)**: CloudFront tries a second origin when the first one fails.

## 4. なぜその答えか (Reasoning)

- **論理的根拠 (A)**:
    - **A (origin group)**: Failover keeps serving while one origin deploys.
- **選択肢の分析**:
    - **B (long TTL)**: Errors are not cached away; stale content is not availability.
    - **C (no health checks)**: Traffic would reach unhealthy targets.
    - **D (bigger instances)**: Size does not help while instances restart.

## 5. 比較と公式資料 (Comparison)

| Feature | What it does | When |
| :--- | :--- | :--- |
| **Origin failover** | Second origin on errors | One origin fails |

- **詳細資料**: [Origin failover](https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/high_availability_origin_failover.html)

## 6. 学習メモ (Exam Note)

■ AWS SAP Exam Note: New exam note ({id})

> ### 📌 Core Concept
> CloudFront can fail over between origins.

> ### 🛠 Trigger ➔ Best Practice
> | 注目事象 (Trigger) | 調査すべき対象 (Best Practice) |
> | :--- | :--- |
> | Errors during deployments | Origin group with failover |

> ### ⚠️ Pitfall / Anti-Pattern
> - A longer TTL does not hide origin errors.

> ### 💡 Exam Shortcut
> Failover = origin group
"""


def free_note_id(prefix: str = "NOTE") -> str:
    """The first ``NOTE-n`` no note has (nor had, before a rename)."""
    taken = set(Note.objects.filter(note_id__startswith=f"{prefix}-").values_list("note_id", flat=True))
    taken |= set(PreviousId.objects.filter(old_id__startswith=f"{prefix}-").values_list("old_id", flat=True))
    n = 1
    while f"{prefix}-{n}" in taken:
        n += 1
    return f"{prefix}-{n}"


def new_note_text(*, today: date) -> str:
    return NEW_NOTE.format(id=free_note_id(), today=today.isoformat())
