"""The team's mock exams, as the lead and the members see them. Reads only.

For one mock assignment (an exam blueprint and a due date): each member who
shares details, with their latest submitted mock of that exam (score per
domain: questions and correct), and, from MIN_CONTRIBUTORS such members,
the team's mean per domain and its weakest domain. Each contributor weighs
the same; each mean is released with noise (aggregates.released), keyed by
the assignment, the contributors and the attempts they are made of: the
same figures read again give the same draw, and a member who stops sharing,
leaves or sits the exam again makes a new one (docs/teams.md).

Three queries whatever the team's size: the sharing members with each one's
latest submitted attempt, the items of those attempts counted by domain, and
nothing more (the blueprint comes with the assignment)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.conf import settings
from django.db.models import Count, OuterRef, Q, Subquery

from studyapp.exams.models import Attempt, AttemptItem
from studyapp.noteformat.vocabulary import domain_order
from studyapp.teams.aggregates import MIN_CONTRIBUTORS, released
from studyapp.teams.models import Membership, MockAssignment


@dataclass(frozen=True)
class DomainScore:
    name: str
    questions: int
    correct: int

    @property
    def share(self) -> float | None:
        return self.correct / self.questions if self.questions else None


@dataclass
class MemberMock:
    user_id: int
    username: str
    attempt_id: int | None
    submitted_at: datetime | None = None
    domains: dict[str, DomainScore] = field(default_factory=dict)

    @property
    def questions(self) -> int:
        return sum(d.questions for d in self.domains.values())

    @property
    def correct(self) -> int:
        return sum(d.correct for d in self.domains.values())

    @property
    def share(self) -> float | None:
        return self.correct / self.questions if self.questions else None

    def on_time(self, due: date) -> bool:
        return self.submitted_at is not None and self.submitted_at.date() <= due

    def cells(self, names: list[str]) -> list[DomainScore | None]:
        return [self.domains.get(name) for name in names]


@dataclass
class MockFigures:
    assignment: MockAssignment
    domains: list[str]  # the blueprint's domains, then any other an item had
    members: list[MemberMock]  # every member who shares details, by username
    team_domains: list[tuple[str, float]] | None  # None below MIN_CONTRIBUTORS
    contributors: int

    @property
    def taken(self) -> list[MemberMock]:
        return [m for m in self.members if m.attempt_id is not None]

    @property
    def weakest(self) -> tuple[str, float] | None:
        if not self.team_domains:
            return None
        return min(self.team_domains, key=lambda item: (item[1], domain_order(item[0])))

    @property
    def min_contributors(self) -> int:
        return MIN_CONTRIBUTORS


def _latest_attempt(blueprint_id: int, user_ref) -> Subquery:
    return Subquery(
        Attempt.objects.filter(
            user=user_ref, blueprint_id=blueprint_id, kind=Attempt.Kind.MOCK, submitted_at__isnull=False
        )
        .order_by("-submitted_at", "-pk")
        .values("pk")[:1]
    )


def mock_figures(*, assignment: MockAssignment) -> MockFigures:
    blueprint = assignment.blueprint
    rows = (
        Membership.objects.filter(team_id=assignment.team_id, share_details=True)
        .annotate(attempt_id=_latest_attempt(blueprint.pk, OuterRef("user")))
        .order_by("user__username", "pk")
        .values_list("user_id", "user__username", "attempt_id")
    )
    members = [MemberMock(user_id, username, attempt_id) for user_id, username, attempt_id in rows]
    by_attempt = {m.attempt_id: m for m in members if m.attempt_id is not None}
    counts = (
        AttemptItem.objects.filter(attempt_id__in=list(by_attempt))
        .values("attempt_id", "attempt__submitted_at", "domain")
        .annotate(questions=Count("id"), correct=Count("id", filter=Q(correct=True)))
        .order_by()
    )
    for row in counts if by_attempt else ():
        member = by_attempt[row["attempt_id"]]
        member.submitted_at = row["attempt__submitted_at"]
        member.domains[row["domain"]] = DomainScore(row["domain"], row["questions"], row["correct"])
    names = [name for name, _weight in blueprint.weights()]
    extra = {name for m in members for name in m.domains} - set(names)
    domains = names + sorted(extra, key=domain_order)
    taken = [m for m in members if m.attempt_id is not None]
    return MockFigures(assignment, domains, members, _team_domains(assignment, taken, domains), len(taken))


def _team_domains(assignment: MockAssignment, taken: list[MemberMock], domains: list[str]):
    """The mean share correct per domain over the contributors who had
    questions of it (at least MIN_CONTRIBUTORS of them), with its noise."""
    if len(taken) < MIN_CONTRIBUTORS:
        return None
    seed = "mock|{}|{}".format(assignment.pk, ",".join(f"{m.user_id}:{m.attempt_id}" for m in taken))
    result = []
    for name in domains:
        shares = [m.domains[name].share for m in taken if name in m.domains and m.domains[name].questions]
        if len(shares) >= MIN_CONTRIBUTORS:
            mean = sum(shares) / len(shares)
            result.append((name, released(mean, secret=settings.SECRET_KEY.encode(), key=f"{seed}|{name}")))
    return result


def member_latest_mock(*, user, assignment: MockAssignment) -> MemberMock | None:
    """The member's own latest submitted mock of the assignment's exam, for their page."""
    attempt = (
        Attempt.objects.filter(
            user=user, blueprint_id=assignment.blueprint_id, kind=Attempt.Kind.MOCK, submitted_at__isnull=False
        )
        .order_by("-submitted_at", "-pk")
        .first()
    )
    if attempt is None:
        return None
    mine = MemberMock(user.pk, user.get_username(), attempt.pk, attempt.submitted_at)
    for domain, questions, correct in (
        attempt.items.values("domain")
        .annotate(questions=Count("id"), correct=Count("id", filter=Q(correct=True)))
        .values_list("domain", "questions", "correct")
        .order_by()
    ):
        mine.domains[domain] = DomainScore(domain, questions, correct)
    return mine
