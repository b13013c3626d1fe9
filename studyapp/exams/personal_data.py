"""What the exams app keeps about a person (studyapp/accounts/personal_data.py):
their mock exams and practice attempts with every answer, and the blueprints
they wrote as an instructor.

On deletion a person's attempts go with the account (CASCADE); a blueprint
they wrote stays for the instructors and teams who use it, its author set to
none (SET_NULL), as a note version's does."""

from studyapp.accounts.personal_data import section
from studyapp.exams.models import Attempt, AttemptItem, Blueprint


@section("exam_attempts", model=Attempt)
def personal_data_attempts(user):
    return Attempt.objects.filter(user=user).order_by("pk").values()


@section("exam_answers", model=AttemptItem)
def personal_data_answers(user):
    """Every question of their attempts: what they chose, flagged, and how long it took."""
    return (
        AttemptItem.objects.filter(attempt__user=user)
        .order_by("attempt_id", "position")
        .values(
            "attempt_id",
            "position",
            "note__note_id",
            "card__key",
            "domain",
            "option_order",
            "chosen",
            "flagged",
            "answered_at",
            "time_ms",
            "correct",
            "score",
            "predicted_recall",
        )
    )


@section("exam_blueprints", model=Blueprint)
def personal_data_blueprints(user):
    """The exam blueprints the person wrote (an instructor)."""
    return Blueprint.objects.filter(created_by=user).order_by("pk").values()
