from datetime import UTC, datetime

import pytest

from tests.exams.bank import bank_build

# A fixed clock: every service takes ``now`` from the caller.
T0 = datetime(2026, 12, 7, 9, 17, 23, tzinfo=UTC)


@pytest.fixture
def sap_c02(db):
    from studyapp.exams.models import Blueprint
    from studyapp.exams.shipped import blueprints_shipped_ensure

    # A transactional test (the browser's) empties the table the migration filled.
    blueprints_shipped_ensure(Blueprint)
    return Blueprint.objects.get(code="SAP-C02")


@pytest.fixture
def bank(db):
    """100 questions, 25 per domain."""
    return bank_build(size=100)


@pytest.fixture
def short_blueprint(db):
    """Four questions, ten minutes, all domains: a mock small enough to walk."""
    from studyapp.exams.models import Blueprint
    from studyapp.noteformat.vocabulary import DOMAINS

    return Blueprint.objects.create(
        code="SHORT-1",
        name="Short",
        question_count=4,
        minutes=10,
        domains=[{"name": d.name, "weight": 25} for d in DOMAINS],
    )
