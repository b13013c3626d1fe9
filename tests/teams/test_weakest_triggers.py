"""The weakest trigger words are the ones the team remembers below its
target: a card at 100 % is not weak, however it ranks (issue 14, finding 9)."""

from studyapp.teams.aggregates import aggregate_compute

TRIGGERS = {1: ("S3 Replication", "TST-1"), 2: ("KMS", "TST-1")}


def compute(recalls: dict[int, float]) -> list[list]:
    inputs = [{"triggers": {str(card): recall for card, recall in recalls.items()}} for _ in range(3)]
    data = aggregate_compute(inputs, triggers=TRIGGERS, labels={}, secret=b"test", seed="1|1,2,3", target=0.9)
    return data["triggers"]


def test_cards_remembered_at_the_target_or_better_are_not_listed():
    assert compute({1: 1.0, 2: 1.0}) == []


def test_a_card_below_the_target_is_listed():
    assert [row[0] for row in compute({1: 1.0, 2: 0.4})] == [2]
