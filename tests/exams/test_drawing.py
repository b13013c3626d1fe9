"""Drawing without a database: quotas by largest remainder, unseen first, a
short domain filled from the others."""

import random

from studyapp.exams.drawing import Candidate, draw, option_order, quotas

SAP = [("D1", 26), ("D2", 29), ("D3", 25), ("D4", 20)]


def pool(per_domain: dict[str, int]) -> list[Candidate]:
    found, next_id = [], 1
    for domain, n in per_domain.items():
        for _ in range(n):
            found.append(Candidate(card_id=next_id, note_id=next_id, domain=domain))
            next_id += 1
    return found


def test_sap_c02_quotas_add_up_to_75_by_largest_remainder():
    assert quotas(SAP, 75) == {"D1": 19, "D2": 22, "D3": 19, "D4": 15}
    assert quotas(SAP, 15) == {"D1": 4, "D2": 4, "D3": 4, "D4": 3}


def test_quotas_always_add_up_to_the_count():
    for count in range(1, 200):
        assert sum(quotas(SAP, count).values()) == count
        assert sum(quotas([("a", 1), ("b", 1), ("c", 1)], count).values()) == count


def test_the_draw_follows_the_weights():
    drawn = draw(
        pool({"D1": 50, "D2": 50, "D3": 50, "D4": 50}), weights=SAP, count=75, seen_note_ids=set(), rng=random.Random(1)
    )
    counts = {d: sum(1 for c in drawn.picked if c.domain == d) for d, _ in SAP}
    assert counts == {"D1": 19, "D2": 22, "D3": 19, "D4": 15}
    assert drawn.shortfall == []
    assert len({c.card_id for c in drawn.picked}) == 75


def test_questions_not_seen_in_a_mock_come_first():
    candidates = pool({"D1": 40})
    seen = {c.note_id for c in candidates[:30]}
    drawn = draw(candidates, weights=[("D1", 1)], count=10, seen_note_ids=seen, rng=random.Random(2))
    assert not {c.note_id for c in drawn.picked} & seen
    # Only when the unseen ones run out are seen ones asked again.
    drawn = draw(candidates, weights=[("D1", 1)], count=15, seen_note_ids=seen, rng=random.Random(2))
    assert len({c.note_id for c in drawn.picked} - seen) == 10


def test_a_short_domain_is_filled_from_the_others_and_reported():
    drawn = draw(
        pool({"D1": 3, "D2": 50, "D3": 50, "D4": 50}), weights=SAP, count=75, seen_note_ids=set(), rng=random.Random(3)
    )
    assert len(drawn.picked) == 75
    assert drawn.shortfall == [{"name": "D1", "wanted": 19, "drawn": 3}]


def test_a_bank_smaller_than_the_count_gives_what_it_has():
    drawn = draw(pool({"D1": 2, "D2": 2}), weights=SAP, count=75, seen_note_ids=set(), rng=random.Random(4))
    assert len(drawn.picked) == 4


def test_option_order_is_a_permutation_and_depends_on_the_seed():
    orders = {tuple(option_order(list("ABCD"), random.Random(seed))) for seed in range(30)}
    assert all(sorted(o) == list("ABCD") for o in orders)
    assert len(orders) > 5
