from datetime import timedelta

import pytest

from studyapp.accounts.models import TokenBucket

pytestmark = pytest.mark.django_db


def _age(value: str, seconds: float) -> None:
    bucket = TokenBucket.objects.get(value=value)
    bucket.updated -= timedelta(seconds=seconds)
    bucket.full_at -= timedelta(seconds=seconds)
    bucket.save()


def test_it_allows_the_capacity_then_refuses():
    results = [TokenBucket.authorize("k", 3, 1 / 30) for _ in range(5)]
    assert results == [True, True, True, False, False]


def test_it_refills_over_time():
    for _ in range(2):
        TokenBucket.authorize("k", 2, 1 / 30)
    assert not TokenBucket.authorize("k", 2, 1 / 30)
    _age("k", 31)
    assert TokenBucket.authorize("k", 2, 1 / 30)
    assert not TokenBucket.authorize("k", 2, 1 / 30)


def test_it_never_holds_more_than_its_capacity():
    TokenBucket.authorize("k", 2, 1 / 30)
    _age("k", 86_400)
    results = [TokenBucket.authorize("k", 2, 1 / 30) for _ in range(3)]
    assert results == [True, True, False]


def test_refused_attempts_do_not_push_the_refill_back():
    TokenBucket.authorize("k", 1, 1 / 30)
    _age("k", 20)
    assert not TokenBucket.authorize("k", 1, 1 / 30)
    _age("k", 11)  # 31 s since the last allowed attempt
    assert TokenBucket.authorize("k", 1, 1 / 30)


def test_buckets_are_independent():
    assert TokenBucket.authorize("a", 1, 1 / 30)
    assert not TokenBucket.authorize("a", 1, 1 / 30)
    assert TokenBucket.authorize("b", 1, 1 / 30)


def test_a_bucket_that_has_refilled_is_pruned():
    TokenBucket.authorize("k", 2, 1 / 30)
    _age("k", 31)
    assert TokenBucket.prune() == 1
    assert not TokenBucket.objects.exists()


def test_a_bucket_still_refilling_is_kept():
    TokenBucket.authorize("k", 2, 1 / 30)
    TokenBucket.authorize("k", 2, 1 / 30)
    _age("k", 31)  # one token back of two
    assert TokenBucket.prune() == 0
    assert TokenBucket.authorize("k", 2, 1 / 30)  # the one token is there
    assert not TokenBucket.authorize("k", 2, 1 / 30)


def test_every_throttle_prunes_on_its_way():
    TokenBucket.authorize("old", 1, 1 / 30)
    _age("old", 31)
    TokenBucket.authorize("new", 1, 1 / 30)
    assert list(TokenBucket.objects.values_list("value", flat=True)) == ["new"]


def test_pruning_works_in_batches():
    for n in range(5):
        TokenBucket.authorize(f"k{n}", 1, 1 / 30)
    for n in range(5):
        _age(f"k{n}", 31)
    assert TokenBucket.prune(batch=3) == 3
    assert TokenBucket.prune(batch=3) == 2
