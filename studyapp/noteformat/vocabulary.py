"""The exam's vocabulary: the four SAP-C02 domains with their weights, the
service categories notes are filed under, and the many ways people write
them ("Domain 3", "D3", "Continuous Improvement", 「既存のソリューションの継続的な改善」).

Notes keep whatever their authors wrote; the parser maps it here to one
canonical name, so that filtering, study scopes and mastery per domain see a
single "Continuous Improvement for Existing Solutions". A name that maps to
nothing is kept as written (and the parser warns). Pure Python, no Django.
The choice of taxonomy is documented in docs/note-format.md."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True)
class Domain:
    number: int
    # As the exam guide writes it; what studyapp stores and shows.
    name: str
    # The Japanese exam guide's name.
    name_ja: str
    # Percent of the scored content.
    weight: int
    aliases: tuple[str, ...] = ()


# SAP-C02 exam guide, "Content outline". In exam order.
DOMAINS: tuple[Domain, ...] = (
    Domain(
        1,
        "Design Solutions for Organizational Complexity",
        "組織の複雑さに対応するソリューションの設計",
        26,
        (
            "Design for Organizational Complexity",
            "Solutions for Organizational Complexity",
            "Organizational Complexity",
            "組織の複雑さに対応する設計",
            "組織の複雑性を考慮したデザイン",
            "組織の複雑さ",
            "組織の複雑性",
        ),
    ),
    Domain(
        2,
        "Design for New Solutions",
        "新しいソリューションのための設計",
        29,
        (
            "Design New Solutions",
            "New Solutions",
            "新しいソリューションの設計",
            "新しいソリューションのデザイン",
            "新規ソリューションの設計",
            "新しいソリューション",
        ),
    ),
    Domain(
        3,
        "Continuous Improvement for Existing Solutions",
        "既存のソリューションの継続的な改善",
        25,
        (
            "Continuous Improvement",
            "Continuously Improve Existing Solutions",
            "Improve Existing Solutions",
            "Improvement of Existing Solutions",
            "Existing Solutions",
            "継続的な改善",
            "既存のソリューションの改善",
        ),
    ),
    Domain(
        4,
        "Accelerate Workload Migration and Modernization",
        "ワークロードの移行とモダナイゼーションの加速",
        20,
        (
            "Workload Migration and Modernization",
            "Migration and Modernization",
            "Accelerate Migration and Modernization",
            "Accelerate Workload Migration",
            "Workload Migration",
            "Migration",
            "Modernization",
            "ワークロードの移行とモダナイゼーション",
            "移行とモダナイゼーションの加速",
            "移行とモダナイゼーション",
            "ワークロードの移行",
            "移行",
        ),
    ),
)


@dataclass(frozen=True)
class TaskStatement:
    # "1.3": the domain's number, then the task's number within it.
    code: str
    name: str
    name_ja: str

    @property
    def domain(self) -> Domain:
        return DOMAINS[int(self.code.split(".")[0]) - 1]


# SAP-C02 exam guide, "Content outline": the 20 task statements, in exam order
# (https://docs.aws.amazon.com/aws-certification/latest/solutions-architect-professional-02/).
TASK_STATEMENTS: tuple[TaskStatement, ...] = (
    TaskStatement("1.1", "Architect network connectivity strategies", "ネットワーク接続戦略を設計する"),
    TaskStatement("1.2", "Prescribe security controls", "セキュリティ管理を規定する"),
    TaskStatement(
        "1.3", "Design reliable and resilient architectures", "信頼性と耐障害性に優れたアーキテクチャを設計する"
    ),
    TaskStatement("1.4", "Design a multi-account AWS environment", "マルチアカウント AWS 環境を設計する"),
    TaskStatement(
        "1.5", "Determine cost optimization and visibility strategies", "コストの最適化と可視化の戦略を決定する"
    ),
    TaskStatement(
        "2.1",
        "Design a deployment strategy to meet business requirements",
        "ビジネス要件を満たすデプロイ戦略を設計する",
    ),
    TaskStatement(
        "2.2", "Design a solution to ensure business continuity", "事業継続性を確保するソリューションを設計する"
    ),
    TaskStatement(
        "2.3", "Determine security controls based on requirements", "要件に基づいてセキュリティ管理を決定する"
    ),
    TaskStatement("2.4", "Design a strategy to meet reliability requirements", "信頼性要件を満たす戦略を設計する"),
    TaskStatement(
        "2.5", "Design a solution to meet performance objectives", "パフォーマンス目標を満たすソリューションを設計する"
    ),
    TaskStatement(
        "2.6",
        "Determine a cost optimization strategy to meet solution goals and objectives",
        "ソリューションの目標を満たすコスト最適化戦略を決定する",
    ),
    TaskStatement(
        "3.1",
        "Determine a strategy to improve overall operational excellence",
        "運用上の優秀性を全体的に改善する戦略を決定する",
    ),
    TaskStatement("3.2", "Determine a strategy to improve security", "セキュリティを改善する戦略を決定する"),
    TaskStatement("3.3", "Determine a strategy to improve performance", "パフォーマンスを改善する戦略を決定する"),
    TaskStatement("3.4", "Determine a strategy to improve reliability", "信頼性を改善する戦略を決定する"),
    TaskStatement("3.5", "Identify opportunities for cost optimizations", "コスト最適化の機会を特定する"),
    TaskStatement(
        "4.1",
        "Select existing workloads and processes for potential migration",
        "移行候補となる既存のワークロードとプロセスを選択する",
    ),
    TaskStatement(
        "4.2",
        "Determine the optimal migration approach for existing workloads",
        "既存のワークロードに最適な移行アプローチを決定する",
    ),
    TaskStatement(
        "4.3",
        "Determine a new architecture for existing workloads",
        "既存のワークロードの新しいアーキテクチャを決定する",
    ),
    TaskStatement(
        "4.4", "Determine opportunities for modernization and enhancements", "モダナイズと機能強化の機会を決定する"
    ),
)
_TASK_CODES = {task.code: task for task in TASK_STATEMENTS}
_TASK_CODE = re.compile(r"^\s*(?:task(?:\s+statement)?\s*)?([1-4])\s*\.\s*([1-9])\s*$", re.IGNORECASE)


def task_for(value) -> TaskStatement | None:
    """The task statement ``value`` names: "1.3", "Task 1.3", or the YAML
    float 1.3 that an unquoted code becomes."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    text = f"{value:.1f}" if isinstance(value, float) else str(value)[:40]
    match = _TASK_CODE.match(text)
    return _TASK_CODES.get(f"{match[1]}.{match[2]}") if match else None


@dataclass(frozen=True)
class Category:
    # What studyapp stores and shows: the short name of an AWS product category.
    name: str
    # The category as the AWS product pages name it.
    aws_name: str
    aliases: tuple[str, ...] = ()


# The AWS product categories (aws.amazon.com/products) that exam notes are
# filed under, by their short names. Well-Architected pillars ("Reliability",
# "Performance Efficiency") are another axis and deliberately not categories,
# except where a pillar is a product category's own subject (security, cost).
CATEGORIES: tuple[Category, ...] = (
    Category("Analytics", "Analytics", ("Data Analytics", "Big Data", "分析")),
    Category(
        "Application Integration",
        "Application Integration",
        ("Integration", "Messaging", "Event-Driven", "アプリケーション統合"),
    ),
    Category("Compute", "Compute", ("EC2", "コンピューティング")),
    Category("Containers", "Containers", ("ECS", "EKS", "Kubernetes", "コンテナ")),
    Category(
        "Cost Management",
        "Cloud Financial Management",
        (
            "AWS Cost Management",
            "Cost Optimization",
            "Cost Optimisation",
            "Cost",
            "Cost Control",
            "Billing",
            "FinOps",
            "コスト最適化",
            "コスト管理",
            "クラウド財務管理",
        ),
    ),
    Category("Database", "Databases", ("DB", "データベース")),
    Category("Developer Tools", "Developer Tools", ("DevOps", "CI/CD", "デベロッパーツール", "開発者ツール")),
    Category("End User Computing", "End User Computing", ("EUC", "エンドユーザーコンピューティング")),
    Category(
        "Front-End Web & Mobile",
        "Front-End Web & Mobile",
        ("Mobile", "Web and Mobile", "フロントエンドのウェブとモバイル"),
    ),
    Category("Internet of Things", "Internet of Things", ("IoT",)),
    Category(
        "Machine Learning",
        "Artificial Intelligence",
        ("AI", "ML", "AI/ML", "AI and Machine Learning", "Artificial Intelligence", "機械学習", "人工知能"),
    ),
    Category(
        "Management & Governance",
        "Management & Governance",
        (
            "Organizations",
            "AWS Organizations",
            "Governance",
            "Multi-Account",
            "Multi-Account Strategy",
            "Management",
            "Monitoring",
            "Operations",
            "マネジメントとガバナンス",
            "ガバナンス",
            "運用管理",
        ),
    ),
    Category("Media Services", "Media Services", ("Media", "メディアサービス")),
    Category(
        "Migration",
        "Migration & Modernization",
        (
            "Migration & Transfer",
            "Migration and Transfer",
            "Data Transfer",
            "Transfer",
            "Modernization",
            "移行",
            "移行と転送",
            "移行とモダナイゼーション",
        ),
    ),
    Category(
        "Networking",
        "Networking & Content Delivery",
        (
            "Network",
            "Content Delivery",
            "CDN",
            "Hybrid Networking",
            "ネットワーク",
            "ネットワーキング",
            "ネットワーキングとコンテンツ配信",
        ),
    ),
    Category(
        "Security",
        "Security, Identity & Compliance",
        (
            "Security & Identity",
            "Identity",
            "IAM",
            "Identity and Access Management",
            "Compliance",
            "Encryption",
            "セキュリティ",
            "セキュリティ、アイデンティティ、コンプライアンス",
        ),
    ),
    Category("Serverless", "Serverless", ("サーバーレス",)),
    Category("Storage", "Storage", ("ストレージ",)),
)

# Words whose presence or absence never changes the meaning of a name:
# "Design for New Solutions" = "Design New Solutions".
_STOP_WORDS = frozenset({"a", "an", "and", "the", "for", "of", "to", "in", "on", "aws", "amazon"})
# Japanese particles that authors drop or add freely: 既存ソリューションの継続的改善.
_PARTICLES = re.compile("[のな]")
_WORD = re.compile(r"[^\W_]+")


def name_key(text: str) -> str:
    """``text`` reduced to what tells one name from another: width, case,
    spaces, punctuation, British spellings, plurals, filler words and
    particles do not count."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    text = text.replace("isation", "ization").replace("optimis", "optimiz")
    words = []
    for word in _WORD.findall(text):
        if word in _STOP_WORDS:
            continue
        if word.isascii() and len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.append(word)
    return _PARTICLES.sub("", "".join(words))


@cache
def _domain_keys() -> dict[str, Domain]:
    keys: dict[str, Domain] = {}
    for domain in DOMAINS:
        for text in (domain.name, domain.name_ja, *domain.aliases):
            keys[name_key(text)] = domain
    return keys


@cache
def _category_keys() -> dict[str, Category]:
    keys: dict[str, Category] = {}
    for category in CATEGORIES:
        for text in (category.name, category.aws_name, *category.aliases):
            keys[name_key(text)] = category
    return keys


# "Domain 3", "D3", "第3分野", "分野 3", "ドメイン3", "3." at the start; the exam
# code and a weight ("25%") around a name carry nothing.
_NUMBER_MARKS = re.compile(
    r"(?:\bdomain|\bdom\b\.?|ドメイン|分野)\s*([1-4])(?!\d)|第\s*([1-4])\s*分野|\bd([1-4])\b|^\s*([1-4])\s*[.:)）]"
)
_EXAM_CODE = re.compile(r"\bsap[\s_-]*c0?2\b|\bsa[\s_-]*pro(?:fessional)?\b")
_WEIGHT = re.compile(r"\d{1,3}(?:\.\d+)?\s*[%％]")
_MAX_NAME = 200


def domain_for(text: str) -> Domain | None:
    """The SAP-C02 domain ``text`` names, or None. A number and a name that
    disagree ("Domain 2: Continuous Improvement") name nothing."""
    if not text or len(text) > _MAX_NAME:
        return None
    folded = unicodedata.normalize("NFKC", text).casefold()
    by_number: set[int] = set()
    for match in _NUMBER_MARKS.finditer(folded):
        by_number.add(int(next(g for g in match.groups() if g)))
    rest = _NUMBER_MARKS.sub(" ", folded)
    rest = _WEIGHT.sub(" ", _EXAM_CODE.sub(" ", rest))
    key = name_key(rest)
    by_name = _domain_keys().get(key) if key else None
    if key and by_name is None:
        return None
    numbers = by_number | ({by_name.number} if by_name else set())
    if len(numbers) != 1:
        return None
    return DOMAINS[numbers.pop() - 1]


def category_for(text: str) -> Category | None:
    if not text or len(text) > _MAX_NAME:
        return None
    return _category_keys().get(name_key(text))


def domain_name(text: str) -> str:
    """The canonical name of the domain ``text`` names, else ``text`` as written."""
    domain = domain_for(text)
    return domain.name if domain else text


def category_name(text: str) -> str:
    category = category_for(text)
    return category.name if category else text


def domain_order(name: str) -> tuple:
    """Exam order first, then other domains alphabetically, then no domain."""
    domain = domain_for(name)
    if domain is not None:
        return (0, domain.number, "")
    return (1 if name else 2, 0, name.casefold())


def closest_domain(text: str) -> Domain | None:
    """The domain whose name ``text`` is most probably a misspelling of."""
    match = difflib.get_close_matches(name_key(text[:_MAX_NAME]), list(_domain_keys()), n=1, cutoff=0.75)
    return _domain_keys()[match[0]] if match else None


def closest_category(text: str) -> Category | None:
    match = difflib.get_close_matches(name_key(text[:_MAX_NAME]), list(_category_keys()), n=1, cutoff=0.75)
    return _category_keys()[match[0]] if match else None


# The categories as AWS's Japanese product pages name them, for display in a
# Japanese interface only: notes, filters and scopes keep the English name.
CATEGORY_NAMES_JA: dict[str, str] = {
    "Analytics": "分析",
    "Application Integration": "アプリケーション統合",
    "Compute": "コンピューティング",
    "Containers": "コンテナ",
    "Cost Management": "クラウド財務管理",
    "Database": "データベース",
    "Developer Tools": "デベロッパーツール",
    "End User Computing": "エンドユーザーコンピューティング",
    "Front-End Web & Mobile": "フロントエンドのウェブとモバイル",
    "Internet of Things": "モノのインターネット (IoT)",
    "Machine Learning": "機械学習",
    "Management & Governance": "マネジメントとガバナンス",
    "Media Services": "メディアサービス",
    "Migration": "移行とモダナイゼーション",
    "Networking": "ネットワーキングとコンテンツ配信",
    "Security": "セキュリティ、アイデンティティ、コンプライアンス",
    "Serverless": "サーバーレス",
    "Storage": "ストレージ",
}


def display_name(name: str, *, japanese: bool) -> str:
    """How a stored domain or category name reads in the interface's
    language. Names the vocabulary does not know read as written."""
    if not japanese or not name:
        return name
    for domain in DOMAINS:
        if domain.name == name:
            return domain.name_ja
    return CATEGORY_NAMES_JA.get(name, name)
