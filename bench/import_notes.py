"""Import speed: 1,000 generated notes into a fresh SQLite database.

Run from the repository root:

    .venv/bin/python bench/import_notes.py [--notes 1000] [--repeat 5]
    (or: make bench, which runs every benchmark and records bench/results.json)

Measured in one process, five times, each time on a new SQLite file:

* parse only: for every file, what the importer does before touching the
  database (read bytes, decode_bytes, repair_text, parse_note, cards_for);
* the full import of the folder with ``notes_import`` into the empty database;
* a second, unchanged import of the same folder.

Then the SQL statements of an unchanged re-import of 100 and of 1,000 files
(the count must not grow with the files). Each time figure is the best of the
runs; docs/benchmarks.md explains the choices and records the results.

Targets (issue: import benchmark, 2-core machine): 1,000 notes in at most
10 s, the unchanged re-import in at most 1.5 s, import / parse at most 3.
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    Stopwatch,
    busy_warning,
    django_with_sqlite,
    print_table,
    quiet_queries,
    switch_to_fresh_sqlite,
    temporary_folder,
)

NOTE_COUNT = 1_000
SMALL_COUNT = 100
WARM_UP_COUNT = 20
REPEATS = 5
SEED = 20260301

TARGETS = {
    "import_1000_notes_s": 10.0,
    "reimport_unchanged_s": 1.5,
    "import_to_parse_ratio": 3.0,
}

# --------------------------------------------------------------------------
# Generated notes
# --------------------------------------------------------------------------

# (name in the table, what it is in Japanese, managed?)
SERVICES = [
    ("Amazon S3", "オブジェクトストレージ", "Yes"),
    ("Amazon EFS", "共有ファイルシステム", "Yes"),
    ("Amazon FSx for Windows", "Windows ファイルサーバー", "Yes"),
    ("Amazon EBS", "ブロックストレージ", "Partly"),
    ("Amazon DynamoDB", "キーバリュー型データベース", "Yes"),
    ("Amazon Aurora", "リレーショナルデータベース", "Yes"),
    ("Amazon RDS Proxy", "接続プーリング", "Yes"),
    ("Amazon ElastiCache", "インメモリキャッシュ", "Yes"),
    ("AWS Lambda", "サーバーレス関数", "Yes"),
    ("Amazon ECS on Fargate", "サーバーレスコンテナ", "Yes"),
    ("Amazon EC2 Auto Scaling", "インスタンスの自動スケーリング", "Partly"),
    ("AWS Transit Gateway", "VPC 間のハブ", "Yes"),
    ("AWS PrivateLink", "サービス単位の非公開接続", "Yes"),
    ("VPC Peering", "VPC 同士の直接接続", "Yes"),
    ("AWS Direct Connect", "専用線接続", "No"),
    ("AWS Site-to-Site VPN", "IPsec VPN", "Yes"),
    ("Amazon CloudFront", "CDN", "Yes"),
    ("AWS Global Accelerator", "エニーキャスト IP", "Yes"),
    ("Amazon Route 53", "DNS とヘルスチェック", "Yes"),
    ("Amazon SQS", "メッセージキュー", "Yes"),
    ("Amazon SNS", "Pub/Sub 通知", "Yes"),
    ("Amazon EventBridge", "イベントバス", "Yes"),
    ("AWS Step Functions", "ワークフロー", "Yes"),
    ("Amazon Kinesis Data Streams", "ストリーム処理", "Partly"),
    ("AWS KMS", "鍵管理", "Yes"),
    ("AWS Secrets Manager", "シークレットのローテーション", "Yes"),
    ("AWS IAM Identity Center", "シングルサインオン", "Yes"),
    ("AWS Organizations SCP", "アカウント横断のガードレール", "Yes"),
    ("AWS Control Tower", "ランディングゾーン", "Yes"),
    ("AWS Config", "構成の記録と評価", "Yes"),
    ("AWS Backup", "バックアップの一元管理", "Yes"),
    ("AWS Elastic Disaster Recovery", "災害復旧", "Yes"),
    ("AWS DataSync", "データ転送", "Yes"),
    ("AWS Snowball Edge", "オフライン転送", "No"),
    ("AWS DMS", "データベース移行", "Partly"),
    ("Amazon Athena", "サーバーレス SQL", "Yes"),
]

CATEGORIES = ["Networking", "Storage", "Database", "Security", "Compute", "Migration", "Monitoring", "Cost"]
DOMAINS = [
    "Design Solutions for Organizational Complexity",
    "Design for New Solutions",
    "Continuous Improvement for Existing Solutions",
    "Accelerate Workload Migration and Modernization",
]
TAGS = [
    "S3", "EFS", "FSx", "EBS", "DynamoDB", "Aurora", "RDS", "ElastiCache", "Lambda", "ECS", "Fargate", "EC2",
    "AutoScaling", "TransitGateway", "PrivateLink", "VPC", "DirectConnect", "VPN", "CloudFront", "GlobalAccelerator",
    "Route53", "SQS", "SNS", "EventBridge", "StepFunctions", "Kinesis", "KMS", "SecretsManager", "IAM",
    "Organizations", "ControlTower", "Config", "Backup", "DR", "DataSync", "Snowball", "DMS", "Athena",
    "CostOptimization", "HighAvailability", "MultiRegion", "Encryption", "Compliance", "Migration", "Serverless",
    "Caching", "Latency", "Resilience",
]  # fmt: skip
COMPANY = ["A retail company", "A media company", "A bank", "A game studio", "A logistics company", "A SaaS provider"]
CONCERNS = [
    ("LEAST operational overhead", "運用負荷最小", "マネージドで設定の少ない案を選ぶ。"),
    ("MOST cost-effective", "コスト最小", "常時稼働のリソースを避け、従量課金の案を選ぶ。"),
    ("highly available", "高可用性", "複数 AZ にまたがる構成が前提になる。"),
    ("within minutes", "RTO は数分", "待機系が起動済みの構成でなければ間に合わない。"),
    ("without code changes", "コード変更なし", "アプリケーションの改修を伴う案は除外する。"),
    ("encrypted at rest", "保存時の暗号化", "KMS キーとその権限を確認する。"),
    ("across Regions", "リージョン間", "レプリケーションとグローバルなルーティングを考える。"),
    ("millions of requests", "大量のリクエスト", "スロットリングとキャッシュが鍵になる。"),
    ("only the API", "公開範囲の限定", "VPC 全体ではなくサービス単位で公開する。"),
    ("audit every change", "監査証跡", "変更の記録と自動評価の仕組みが必要。"),
]
REQUIREMENTS = [
    ("可用性", "単一 AZ の障害でもサービスを継続する。"),
    ("運用負荷", "中央チームは少人数で、アカウントごとの個別作業は避けたい。"),
    ("コスト", "夜間と週末はほとんど利用がなく、その間の費用を抑えたい。"),
    ("セキュリティ", "通信と保存データはすべて暗号化する。"),
    ("性能", "p99 レイテンシーを 100 ms 以下に保つ。"),
    ("移行期間", "切り替えは 2 週間以内に終える必要がある。"),
    ("監査", "誰がいつ何を変更したかを 1 年間保存する。"),
]
STEM_DETAILS = [
    "A central platform team manages the shared infrastructure for every business unit.",
    "Traffic peaks during business hours in Tokyo and drops by about 90 % at night and on weekends.",
    "Compliance rules require that every configuration change is recorded and kept for one year.",
    "The application keeps session state on each instance, and users are logged out when an instance fails.",
    "Several business units were acquired last year and still run their own identity providers.",
    "All outbound traffic passes through a single NAT gateway in one Availability Zone today.",
    "The database is 4 TB and grows by 50 GB every week; nightly reports lock the main tables.",
    "Developers deploy several times a day and must be able to roll back within five minutes.",
]
RIGHT_REASONS = [
    "設定はアカウントごとに一度だけで、その後の運用はマネージドサービスに任せられる。",
    "障害時の切り替えも自動で行われ、手作業の手順が残らない。",
    "料金は使った分だけで、夜間や週末の待機コストがかからない。",
    "既存のアプリケーションを変更せずに導入でき、移行期間の制約にも収まる。",
]
WRONG_REASONS = [
    "自前のスクリプトを保守し続ける必要があり、運用負荷が増える。",
    "単一 AZ に依存するため、可用性の要件を満たさない。",
    "転送量に比例してコストが増え、コストの制約に反する。",
    "VPC 全体が相互に到達可能になり、公開範囲を限定する要件に反する。",
]
PITFALLS = [
    "{a} だけでは要件を満たさない。{b} と組み合わせる必要がある。",
    "「{a} を使えば {b} は不要」は誤り。役割が異なる。",
    "{a} は {b} の代わりにはならない。",
    "{a} の上限を見落としがち。大規模な構成では {b} を検討する。",
]


def note_text(number: int, rng: random.Random) -> str:
    """One note in the shape of the real ones (see notes/*.md), about 20 cards."""
    note_id = f"BEN-{number:04d}"
    services = rng.sample(SERVICES, 10)
    main, rival = services[0], services[1]
    concerns = rng.sample(CONCERNS, rng.randint(4, 6))
    option_count = rng.randint(4, 6)
    letters = "ABCDEF"[:option_count]
    correct = sorted(rng.sample(letters, rng.randint(1, min(3, option_count - 2))))
    title = f"{main[0]} vs {rival[0]}: {concerns[0][0]} case {number}"
    tags = rng.sample(TAGS, rng.randint(3, 5))
    written = date(2025, 1, 1) + timedelta(days=number % 400)
    parts = [
        _front_matter(note_id, title, rng.choice(CATEGORIES), rng.choice(DOMAINS), tags, written),
        f"# {title} ({note_id})\n",
        _context(main, rival, rng),
        _question(number, letters, services, concerns, rng),
        _triggers(concerns, rng),
        _reasoning(letters, correct, services, rng),
        _comparison(services[: rng.randint(4, 6)], concerns[0]),
        _exam_note(note_id, title, main, rival, services, concerns, rng),
    ]
    return "\n".join(parts)


def _front_matter(note_id: str, title: str, category: str, domain: str, tags: list[str], written: date) -> str:
    tag_lines = "".join(f'  - "{t}"\n' for t in tags)
    return (
        f'---\nid: "{note_id}"\ntitle: "{title}"\ncategory: "{category}"\ndomain: "{domain}"\n'
        f'tags:\n{tag_lines}created_at: "{written.isoformat()}"\n---\n'
    )


def _context(main: tuple, rival: tuple, rng: random.Random) -> str:
    requirements = rng.sample(REQUIREMENTS, rng.randint(2, 4))
    lines = [
        "## 1. 状況の読み解き (Context & Requirements)\n",
        f"- **構成図の分析**: Users -> {rival[0]} ({rival[1]}) -> {main[0]} ({main[1]}) x{rng.randint(2, 40)}。",
        "- **必須要件**:",
        *(f"    - **{label}**: {detail}" for label, detail in requirements),
    ]
    return "\n".join(lines) + "\n"


def _question(number: int, letters: str, services: list[tuple], concerns: list[tuple], rng: random.Random) -> str:
    stem = " ".join(
        [
            f"{rng.choice(COMPANY)} runs {rng.randint(3, 90)} workloads in {rng.randint(2, 60)} AWS accounts "
            f"(case {number}). The workloads use {services[1][0]} today.",
            *rng.sample(STEM_DETAILS, 3),
            f"The design must be {concerns[0][0]} and {concerns[1][0]}; the architect also notes "
            f'"{concerns[2][0]}" in the requirements.',
            "Which solution will meet these requirements?",
        ]
    )
    options = [
        f"- **{letter}**: Use {services[i][0]} and configure it for {concerns[i % len(concerns)][0]} "
        f"with {rng.randint(1, 9)} additional settings in each account, "
        f"then monitor it with Amazon CloudWatch alarms on {rng.randint(2, 12)} metrics."
        for i, letter in enumerate(letters)
    ]
    return "## 2. 問題と選択肢 (Question & Options)\n\n" + stem + "\n\n" + "\n".join(options) + "\n"


def _triggers(concerns: list[tuple], rng: random.Random) -> str:
    lines = [
        f'- **"{english}" ({japanese})**: {advice}{rng.choice(RIGHT_REASONS)}' for english, japanese, advice in concerns
    ]
    return "## 3. 勝負を決めるキーワード (Trigger Words)\n\n" + "\n".join(lines) + "\n"


def _reasoning(letters: str, correct: list[str], services: list[tuple], rng: random.Random) -> str:
    declared = " & ".join([", ".join(correct[:-1]), correct[-1]]) if len(correct) > 1 else correct[0]
    right = [
        f"    - **{letter} ({services[letters.index(letter)][0]})**: {services[letters.index(letter)][1]}"
        "で要件をそのまま満たせる。" + "".join(rng.sample(RIGHT_REASONS, 2))
        for letter in correct
    ]
    wrong = [
        f"    - **{letter} ({services[i][0]})**: {services[i][1]}は目的が異なる。"
        + "".join(rng.sample(WRONG_REASONS, 2))
        for i, letter in enumerate(letters)
        if letter not in correct
    ]
    return (
        "## 4. なぜその答えか (Reasoning)\n\n"
        f"- **論理的根拠 ({declared})**:\n" + "\n".join(right) + "\n- **選択肢の分析**:\n" + "\n".join(wrong) + "\n"
    )


def _comparison(rows: list[tuple], concern: tuple) -> str:
    table = [
        f"| 方式 | Managed | {concern[1]} |",
        "| :--- | :--- | :--- |",
        *(f"| **{name}** | {managed} | {what} |" for name, what, managed in rows),
    ]
    return (
        "## 5. 比較と公式資料 (Comparison)\n\n"
        + "\n".join(table)
        + "\n\n- **詳細資料**: [AWS documentation](https://docs.aws.amazon.com/)\n"
    )


def _exam_note(
    note_id: str,
    title: str,
    main: tuple,
    rival: tuple,
    services: list[tuple],
    concerns: list[tuple],
    rng: random.Random,
) -> str:
    practices = [f"> | {e} の要件 | {s[0]} ({s[1]}) |" for (e, _, _), s in zip(concerns, services[2:], strict=False)]
    pitfalls = [
        "> - " + template.format(a=services[i + 2][0], b=services[i + 3][0])
        for i, template in enumerate(rng.sample(PITFALLS, rng.randint(2, 3)))
    ]
    return "\n".join(
        [
            "## 6. 学習メモ (Exam Note)\n",
            f"■ AWS SAP Exam Note: {title} ({note_id})\n",
            "> ### 📌 Core Concept",
            f"> {concerns[0][1]}なら {main[0]} を選ぶ。{rival[0]} は{rival[1]}であり用途が違う。",
            f"> - {main[0]} = {main[1]}",
            f"> - {rival[0]} = {rival[1]}\n",
            "> ### 🛠 Trigger ➔ Best Practice",
            "> | 注目事象 (Trigger) | 調査すべき対象 (Best Practice) |",
            "> | :--- | :--- |",
            *practices[: rng.randint(3, 4)],
            "",
            "> ### ⚠️ Pitfall / Anti-Pattern",
            *pitfalls,
            "",
            "> ### 💡 Exam Shortcut",
            f"> {concerns[0][1]} = {main[0]}",
            f"> {concerns[1][1]} + {rival[1]} = {rival[0]}",
            "",
        ]
    )


def write_notes(folder: Path, count: int, seed: int = SEED) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for number in range(1, count + 1):
        path = folder / f"BEN-{number:04d}.md"
        path.write_text(note_text(number, rng), encoding="utf-8")
        paths.append(path)
    return paths


# --------------------------------------------------------------------------
# Measurements
# --------------------------------------------------------------------------


def parse_only(paths: list[Path]) -> int:
    """The importer's work before the database, for every file; returns the card count."""
    from studyapp.noteformat.cards import cards_for
    from studyapp.noteformat.parser import normalize_newlines, parse_note
    from studyapp.noteformat.repair import decode_bytes, repair_text

    cards = 0
    for path in paths:
        decoded = decode_bytes(path.read_bytes())
        repaired = repair_text(normalize_newlines(decoded.text))
        result = parse_note(repaired.text)
        if not result.ok:
            raise RuntimeError(f"{path}: generated note does not parse: {result.errors[:3]}")
        cards += len(cards_for(result.note))
    return cards


def import_folder(folder: Path, expected_status: str, expected_count: int) -> None:
    from studyapp.notes.services import notes_import

    run = notes_import(paths=[folder])
    statuses = run.summary()
    if statuses.get(expected_status) != expected_count:
        failed = [(r.path, r.errors[:2]) for r in run.notes if r.status == "failed"][:3]
        raise RuntimeError(f"expected {expected_count} {expected_status}, got {statuses}; failed: {failed}")


def unchanged_queries(paths: list[Path]) -> int:
    """SQL statements an unchanged re-import of ``paths`` sends."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from studyapp.notes.services import notes_import

    with CaptureQueriesContext(connection) as queries:
        run = notes_import(paths=paths)
    if run.summary()["unchanged"] != len(paths):
        raise RuntimeError(f"re-import of {len(paths)} files was not all unchanged: {run.summary()}")
    return len(queries)


def stored_counts() -> tuple[int, int]:
    from studyapp.notes.models import Card, Note

    return Note.objects.count(), Card.objects.count()


@dataclass
class Measurement:
    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, watch: Stopwatch) -> None:
        self.wall.append(watch.seconds)
        self.cpu.append(watch.cpu_seconds)

    @property
    def best(self) -> float:
        """The smallest: the machine is shared, and noise only ever adds time."""
        return min(self.wall)

    @property
    def best_cpu(self) -> float:
        return min(self.cpu)


@dataclass
class Timings:
    parse: Measurement = field(default_factory=Measurement)
    imports: Measurement = field(default_factory=Measurement)
    reimports: Measurement = field(default_factory=Measurement)


def run(note_count: int = NOTE_COUNT, repeats: int = REPEATS) -> dict:
    with temporary_folder("studyapp-bench-") as workdir:
        folder = workdir / "notes"
        folder.mkdir()
        paths = write_notes(folder, note_count)
        django_with_sqlite(workdir / "setup.sqlite3")
        _warm_up(paths[:WARM_UP_COUNT])
        timings = Timings()
        card_count = 0
        for attempt in range(repeats):
            switch_to_fresh_sqlite(workdir / f"bench-{attempt}.sqlite3")
            card_count = _measure_once(folder, paths, note_count, timings)
        queries_small = unchanged_queries(paths[:SMALL_COUNT])
        queries_all = unchanged_queries(paths)
        bank_notes, bank = measure_bank(workdir, repeats)
    imports, parse = timings.imports, timings.parse
    results = {
        "import_1000_notes_s": round(imports.best, 3),
        "reimport_unchanged_s": round(timings.reimports.best, 3),
        "import_to_parse_ratio": round(imports.best / parse.best, 2),
        "import_notes_per_s": round(note_count / imports.best, 1),
        "reimport_unchanged_queries": queries_all,
        # CPU time says what the code costs when other processes share the machine.
        "parse_1000_notes_s": round(parse.best, 3),
        "import_1000_notes_cpu_s": round(imports.best_cpu, 3),
        "import_to_parse_cpu_ratio": round(imports.best_cpu / parse.best_cpu, 2),
        # The project's own bank (notes/), as `make run` imports it.
        "bank_notes": bank_notes,
        "import_bank_s": round(bank.best, 3),
        "import_bank_per_1000_notes_s": round(bank.best / bank_notes * 1000, 2) if bank_notes else None,
    }
    print(
        f"the bank: {bank_notes} notes of notes/ imported in {bank.best:.2f} s "
        f"(best of {len(bank.wall)}; {results['import_bank_per_1000_notes_s']} s per 1,000 notes, "
        f"target {TARGETS['import_1000_notes_s']} s)"
    )
    _report(results, timings, note_count, card_count, queries_small)
    if queries_all != queries_small:
        raise RuntimeError(f"re-import queries grow with the notes: {queries_small} for {SMALL_COUNT}, {queries_all}")
    return results


BANK = Path(__file__).resolve().parent.parent / "notes"


def measure_bank(workdir: Path, repeats: int) -> tuple[int, Measurement]:
    """The real bank: every file of notes/ imported into a new, empty database."""
    paths = sorted(BANK.glob("*.md"))
    timing = Measurement()
    for attempt in range(repeats):
        switch_to_fresh_sqlite(workdir / f"bank-{attempt}.sqlite3")
        with quiet_queries(), Stopwatch() as importing:
            import_folder(BANK, "created", len(paths))
        timing.add(importing)
    return len(paths), timing


def _warm_up(paths: list[Path]) -> None:
    """Parse and import a few notes untimed, into the setup database: first
    imports, compiled patterns and Django's caches then count in no figure."""
    from studyapp.notes.services import notes_import

    with quiet_queries():
        parse_only(paths)
        notes_import(paths=paths)


def _measure_once(folder: Path, paths: list[Path], note_count: int, timings: Timings) -> int:
    """Parse, import and re-import once into the current (empty) database; returns the card count."""
    with quiet_queries():
        with Stopwatch() as parsing:
            card_count = parse_only(paths)
        with Stopwatch() as importing:
            import_folder(folder, "created", note_count)
        with Stopwatch() as reimporting:
            import_folder(folder, "unchanged", note_count)
    stored = stored_counts()
    if stored != (note_count, card_count):
        raise RuntimeError(f"stored (notes, cards) {stored}; expected {(note_count, card_count)}")
    timings.parse.add(parsing)
    timings.imports.add(importing)
    timings.reimports.add(reimporting)
    return card_count


def _report(results: dict, timings: Timings, note_count: int, card_count: int, queries_small: int) -> None:
    def verdict(key: str) -> str:
        return "ok" if results[key] <= TARGETS[key] else "MISSED"

    def each(values: list[float]) -> str:
        return " ".join(f"{v:.2f}" for v in values)

    parse, imports, reimports = timings.parse, timings.imports, timings.reimports
    rows = [
        ("parse only (s)", f"{parse.best:.3f}", "", "", each(parse.wall)),
        ("import (s)", f"{imports.best:.3f}", "<= 10", verdict("import_1000_notes_s"), each(imports.wall)),
        ("notes per second", f"{results['import_notes_per_s']:.0f}", ">= 100", "", ""),
        (
            "unchanged re-import (s)",
            f"{reimports.best:.3f}",
            "<= 1.5",
            verdict("reimport_unchanged_s"),
            each(reimports.wall),
        ),
        ("import / parse", f"{results['import_to_parse_ratio']:.2f}", "<= 3", verdict("import_to_parse_ratio"), ""),
        ("parse only, CPU (s)", f"{parse.best_cpu:.3f}", "", "", each(parse.cpu)),
        ("import, CPU (s)", f"{imports.best_cpu:.3f}", "", "", each(imports.cpu)),
        ("import / parse, CPU", f"{results['import_to_parse_cpu_ratio']:.2f}", "", "", ""),
        (f"re-import queries, {SMALL_COUNT} files", str(queries_small), "constant", "", ""),
        (f"re-import queries, {note_count} files", str(results["reimport_unchanged_queries"]), "constant", "", ""),
    ]
    title = (
        f"import_notes: {note_count} notes, {card_count} cards ({card_count / note_count:.1f} per note), "
        f"best of {len(imports.wall)} runs, each on a fresh database"
    )
    print_table(title, ("figure", "best", "target", "", "every run"), rows)
    warning = busy_warning()
    if warning:
        print(warning)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--notes", type=int, default=NOTE_COUNT, help="how many notes to generate (the figures keep their names)"
    )
    parser.add_argument("--repeat", type=int, default=REPEATS, help="timed runs, each on a fresh database")
    args = parser.parse_args(argv)
    return run(args.notes, args.repeat)


if __name__ == "__main__":
    main()
