"""The lead's figures against an independent computation, on a fixture with
known card states and answers.

Four members study the assignment (tag S3: 22 cards of two notes in two exam
domains); bob, carol and dave share details, erin does not. Every expected
figure below is computed here from the fixture's own numbers and FSRS-6's
published forgetting curve, R = (1 + F·t/S)^-d (d = 0.1542, F = 0.9^(-1/d) - 1,
t in whole days), not through the app's code."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from studyapp.notes.models import Card
from studyapp.teams import refresh
from studyapp.teams.aggregates import released
from studyapp.teams.figures import plain_text
from studyapp.teams.models import Band, MemberSnapshot
from studyapp.teams.presenters import member_table
from studyapp.teams.selectors import assignment_figures
from tests.teams.conftest import NEW, Studied, answer, assign, study, team_with, user

pytestmark = pytest.mark.django_db

DECAY = 0.1542
FACTOR = 0.9 ** (1 / -DECAY) - 1
TARGET = 0.9


def recall(stability: float, days: int) -> float:
    return (1 + FACTOR * days / stability) ** -DECAY


def whole_days(later: datetime, earlier: datetime) -> int:
    return max(0, (later - earlier).days)


@pytest.fixture
def cohort(deck):
    alice, bob, carol, dave, erin = (user(n) for n in ("alice", "bob", "carol", "dave", "erin"))
    team = team_with(alice, [bob, carol, dave, erin], share=("bob", "carol", "dave"))
    assignment = assign(team, days=20)
    now = timezone.now()
    today = (now - timedelta(hours=4)).date()  # UTC learners: study days start at 4 a.m.
    cards = list(Card.objects.order_by("note__note_id", "position"))
    by_note = {"TST-1": cards[:11], "TST-2": cards[11:]}
    question = {n: next(c for c in by_note[n] if c.kind == "question") for n in by_note}
    triggers = [c for c in cards if c.kind == "trigger"]
    plain = [c for c in by_note["TST-2"] if c.kind not in ("trigger", "question")]

    # bob: everything, long-lasting memories, studied the last three days.
    study(bob, now, [Studied(c, 10_000, 2) for c in cards])
    for days_ago in (0, 1, 2, 10, 40):
        answer(bob, cards[0], day=today - timedelta(days=days_ago), at=now - timedelta(days=days_ago, minutes=5))
    answer(bob, question["TST-1"], day=today, at=now, chosen=["A", "B"], score=0.0)
    answer(bob, question["TST-2"], day=today, at=now, chosen=["A", "C"], score=1.0)

    # carol: all but three cards (none of them a trigger word), one new card a day for 14 days.
    carol_new = plain[-3:]
    study(carol, now, [Studied(c, 10_000, 5) for c in cards if c not in carol_new], new=carol_new)
    for days_ago in range(1, 15):
        answer(
            carol,
            cards[days_ago],
            day=today - timedelta(days=days_ago),
            at=now - timedelta(days=days_ago),
            previous=NEW,
        )
    answer(
        carol,
        question["TST-1"],
        day=today - timedelta(days=1),
        at=now - timedelta(days=1),
        chosen=["B", "D"],
        score=0.0,
    )

    # dave: five cards, weak memories, nothing for eight days.
    dave_cards = [*triggers[:2], *plain[:3]]
    study(dave, now, [Studied(c, 2.0, 10) for c in dave_cards])
    answer(dave, dave_cards[0], day=today - timedelta(days=8), at=now - timedelta(days=8))
    answer(dave, question["TST-1"], day=today - timedelta(days=9), at=now - timedelta(days=9), chosen=["B"], score=0.0)

    # erin: one note, and she does not share details.
    study(erin, now, [Studied(c, 50, 3) for c in by_note["TST-1"]])
    answer(erin, by_note["TST-1"][0], day=today - timedelta(days=3), at=now - timedelta(days=3))
    answer(erin, question["TST-1"], day=today - timedelta(days=3), at=now - timedelta(days=3), chosen=["D"], score=0.0)

    return {
        "team": team,
        "assignment": assignment,
        "now": now,
        "today": today,
        "cards": cards,
        "triggers": triggers,
        "members": {"bob": bob, "carol": carol, "dave": dave, "erin": erin},
        "studied": {
            "bob": {c.pk: (10_000, 2) for c in cards},
            "carol": {c.pk: (10_000, 5) for c in cards if c not in carol_new},
            "dave": {c.pk: (2.0, 10) for c in dave_cards},
            "erin": {c.pk: (50, 3) for c in by_note["TST-1"]},
        },
    }


def expected_recall_at(cohort, name: str, when: datetime) -> dict[int, float]:
    now = cohort["now"]
    return {
        card_id: recall(stability, whole_days(when, now - timedelta(days=days_ago)))
        for card_id, (stability, days_ago) in cohort["studied"][name].items()
    }


def expected_band(value: float) -> str:
    if value >= TARGET:
        return Band.ON_TRACK
    if value >= TARGET - 0.10:
        return Band.AT_RISK
    return Band.BEHIND


def figures_for(cohort):
    refresh.figures_refresh(assignment_id=cohort["assignment"].pk, now=cohort["now"])
    figures = assignment_figures(team=cohort["team"], assignment=cohort["assignment"], now=cohort["now"])
    assert not figures.pending
    return figures, {row.member.username: row for row in figures.rows}


def test_coverage_activity_and_readiness_equal_an_independent_computation(cohort):
    figures, rows = figures_for(cohort)
    now = cohort["now"]
    exam_moment = datetime.combine(cohort["assignment"].exam_date, time(9, 0), tzinfo=UTC)  # the default exam time
    expected = {
        # name: (seen, reviews in 7 days, in 30 days, streak, last active)
        "bob": (22, 5, 6, 3, now),  # 3 cards on 3 days, 2 questions today, 2 older
        "carol": (19, 7, 15, 14, now - timedelta(days=1)),
        "dave": (5, 0, 2, 0, now - timedelta(days=8)),
        "erin": (11, 2, 2, 0, now - timedelta(days=3)),
    }
    for name, (seen, r7, r30, streak, last) in expected.items():
        snapshot = rows[name].snapshot
        assert (snapshot.assigned, snapshot.seen) == (22, seen), name
        assert (snapshot.reviews_7, snapshot.reviews_30, snapshot.streak) == (r7, r30, streak), name
        assert snapshot.last_active == last, name
        at_exam = sum(expected_recall_at(cohort, name, exam_moment).values()) / 22
        assert snapshot.band == expected_band(at_exam), (name, at_exam)
    assert [rows[n].snapshot.band for n in ("bob", "carol", "dave")] == [Band.ON_TRACK, Band.AT_RISK, Band.BEHIND]
    assert rows["alice"].snapshot.band == Band.BEHIND  # the lead studies nothing
    # erin's one note of two is behind too, as is alice.
    assert rows["erin"].snapshot.band == Band.BEHIND
    # The lead, who studies nothing, is not counted among the members
    # (issue 14: "4 Behind" counted her): dave and erin are behind.
    assert figures.band_counts == {Band.ON_TRACK: 1, Band.AT_RISK: 1, Band.BEHIND: 2}


def test_a_lead_who_studies_is_counted(cohort):
    lead = cohort["team"].memberships.get(role="lead").user
    study(lead, cohort["now"], [Studied(cohort["cards"][0], 2.0, 10)])
    figures, rows = figures_for(cohort)
    assert rows["alice"].snapshot.seen == 1 and rows["alice"].snapshot.band == Band.BEHIND
    assert figures.band_counts == {Band.ON_TRACK: 1, Band.AT_RISK: 1, Band.BEHIND: 3}


def test_the_forecast_follows_each_members_pace(cohort):
    _figures, rows = figures_for(cohort)
    exam = cohort["assignment"].exam_date
    days_left = (exam - cohort["today"]).days
    # carol is active and learned 14 new cards in 14 days: at 1 a day she covers
    # the 3 cards left long before the exam, so she is predicted on track.
    assert min(22, 19 + 1.0 * days_left) == 22
    assert rows["carol"].snapshot.forecast_band == Band.ON_TRACK
    # bob already is; dave has stopped (no answer in 7 days): he stays behind.
    assert rows["bob"].snapshot.forecast_band == Band.ON_TRACK
    assert rows["dave"].snapshot.forecast_band == Band.BEHIND


def test_details_equal_an_independent_computation_for_members_who_share(cohort):
    _figures, rows = figures_for(cohort)
    now = cohort["now"]
    cards = cohort["cards"]
    domains = {"Design for New Solutions": cards[:11], "Continuous Improvement for Existing Solutions": cards[11:]}
    for name in ("bob", "carol", "dave"):
        details = rows[name].details
        now_recall = expected_recall_at(cohort, name, now)
        for domain, recall_value, count in details["domains"]:
            expected = sum(now_recall.get(c.pk, 0.0) for c in domains[domain]) / len(domains[domain])
            assert recall_value == pytest.approx(expected), (name, domain)
            assert count == 11
    assert rows["bob"].details["scenario"] == {"answers": 2, "accuracy": 0.5}
    assert rows["carol"].details["scenario"] == {"answers": 1, "accuracy": 0.0}
    assert [t[:2] + t[3:] for t in rows["bob"].details["traps"]] == [["TST-1", "B", 1]]
    assert [t[:2] + t[3:] for t in rows["carol"].details["traps"]] == [["TST-1", "B", 1], ["TST-1", "D", 1]]
    # erin does not share: nothing of her details is computed, kept or shown.
    assert rows["erin"].details is None
    kept = MemberSnapshot.objects.get(user=cohort["members"]["erin"])
    assert kept.details is None and kept.inputs is None


def test_team_aggregates_equal_an_independent_computation(cohort):
    """Each mean as computed independently, released with its noise: the
    draw for that assignment, those contributors and that figure."""
    figures, _rows = figures_for(cohort)
    now, cards = cohort["now"], cohort["cards"]
    aggregate = figures.aggregate
    assert figures.contributors == 3
    sharers = ("bob", "carol", "dave")
    seed = f"{cohort['assignment'].pk}|" + ",".join(str(pk) for pk in sorted(cohort["members"][m].pk for m in sharers))

    def with_noise(value, name):
        return released(value, secret=settings.SECRET_KEY.encode(), key=f"{seed}|{name}")

    per_member = {name: expected_recall_at(cohort, name, now) for name in sharers}
    first, second = cards[:11], cards[11:]
    for domain, mean, n in aggregate["domains"]:
        group = first if domain == "Design for New Solutions" else second
        expected = sum(sum(per_member[m].get(c.pk, 0.0) for c in group) / 11 for m in sharers) / 3
        assert (mean, n) == (pytest.approx(with_noise(expected, f"domains|{domain}")), 3)
    for tag, mean, n in aggregate["tags"]:  # every card carries every tag
        expected = sum(sum(per_member[m].get(c.pk, 0.0) for c in cards) / 22 for m in sharers) / 3
        assert (mean, n) == (pytest.approx(with_noise(expected, f"tags|{tag}")), 3)
    # B of TST-1: chosen by all three once; D: by carol once. erin's D is not hers to give.
    assert [[t[0], t[1], t[3], t[4]] for t in aggregate["traps"]] == [["TST-1", "B", 3, 3], ["TST-1", "D", 1, 1]]
    # Only the trigger words all three have studied (TST-1's two; dave never
    # saw TST-2's), and only below the members' target (0.9): weak ones.
    triggers = {c.pk: c for c in cohort["triggers"]}
    means = {
        c.pk: with_noise(sum(per_member[m][c.pk] for m in sharers) / 3, f"triggers|{c.pk}")
        for c in cohort["triggers"]
        if c.note.note_id == "TST-1"
    }
    shown = {row[0]: row for row in aggregate["triggers"]}
    assert set(shown) == {pk for pk, mean in means.items() if mean < 0.9}
    for card_id, row in shown.items():
        assert row[3] == pytest.approx(means[card_id])
        assert (row[1], row[2], row[4]) == (plain_text(triggers[card_id].front), "TST-1", 3)
        assert "*" not in row[1]  # text, not Markdown


def test_the_table_shows_the_same_figures(cohort):
    figures, rows = figures_for(cohort)
    table = member_table(figures)
    keys = [column.key for column in table.columns]
    cells = {row.member.username: dict(zip(keys, values, strict=True)) for row, values in table.rows}
    bob, erin = cells["bob"], cells["erin"]
    assert (bob["studied"], bob["assigned"], bob["coverage"]) == ("22", "22", "100%")
    assert (erin["studied"], erin["coverage"], erin["reviews_7"], erin["reviews_30"]) == ("11", "50%", "2", "2")
    assert bob["last_active"] == cohort["now"].astimezone(UTC).date().isoformat()
    assert bob["scenario_accuracy"] == "50%" and bob["scenario_answers"] == "2"
    assert bob["traps"].startswith("TST-1 B")
    # erin's detail columns are empty: she does not share them.
    assert [erin[k] for k in ("recall", "scenario_answers", "scenario_accuracy", "traps")] == ["", "", "", ""]
    assert erin["shares"] == "no" and bob["shares"] == "yes"
    assert str(Band(rows["carol"].snapshot.band).label) == cells["carol"]["band"]
