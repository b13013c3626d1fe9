"""What the study app keeps about a learner (studyapp/accounts/personal_data.py):
their card states, every answer, their study days, hidden-card records, the
answers of their reviews before the exam, the memory models fitted to them
and the cards their exam plan has no room for.
All of it goes with the account (CASCADE from the user)."""

from studyapp.accounts.personal_data import section
from studyapp.study.models import CardState, CramReview, HideAction, MemoryModel, PlanGap, ReviewLog, StudyDay


@section("card_states", model=CardState)
def _card_states(user):
    return CardState.objects.filter(user=user).order_by("pk").values()


@section("review_logs", model=ReviewLog)
def _review_logs(user):
    return ReviewLog.objects.filter(user=user).order_by("pk").values().iterator(chunk_size=2000)


@section("study_days", model=StudyDay)
def _study_days(user):
    return StudyDay.objects.filter(user=user).order_by("pk").values()


@section("hide_actions", model=HideAction)
def _hide_actions(user):
    return HideAction.objects.filter(user=user).order_by("pk").values()


@section("cram_reviews", model=CramReview)
def _cram_reviews(user):
    return CramReview.objects.filter(user=user).order_by("pk").values()


@section("memory_models", model=MemoryModel)
def _memory_models(user):
    return MemoryModel.objects.filter(user=user).order_by("pk").values()


@section("plan_gaps", model=PlanGap)
def _plan_gaps(user):
    return PlanGap.objects.filter(user=user).order_by("pk").values()
