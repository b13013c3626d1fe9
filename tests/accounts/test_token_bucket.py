from datetime import timedelta

import pytest

from studyapp.accounts.models import TokenBucket

pytestmark = pytest.mark.django_db


def _age(value: str, seconds: float) -> None:
    bucket = TokenBucket.objects.get(value=value)
    bucket.updated -= timedelta(seconds=seconds)
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
