"""Learner data in the admin: to look at, never to edit. A state edited or
deleted by hand would no longer match its review log (undo restores from the
log) and would change a learner's history behind their back."""

from django.contrib import admin

from studyapp.study.models import CardState, HideAction, ReviewLog, StudyDay


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CardState)
class CardStateAdmin(ReadOnlyAdmin):
    list_display = ["user", "card", "state", "due", "reps", "lapses", "is_leech", "suspended", "in_scope"]
    list_filter = ["state", "is_leech", "suspended", "in_scope"]
    search_fields = ["user__username", "card__key"]
    list_select_related = ["user", "card"]


@admin.register(ReviewLog)
class ReviewLogAdmin(ReadOnlyAdmin):
    """The log is the learner's history (and undo's source)."""

    list_display = ["user", "card", "rating", "reviewed_at", "previous_state", "score"]
    list_filter = ["rating", "previous_state"]
    search_fields = ["user__username", "card__key"]
    date_hierarchy = "reviewed_at"
    list_select_related = ["user", "card"]


@admin.register(StudyDay)
class StudyDayAdmin(ReadOnlyAdmin):
    list_display = ["user", "day", "new_limit"]
    search_fields = ["user__username"]


@admin.register(HideAction)
class HideActionAdmin(ReadOnlyAdmin):
    list_display = ["user", "state", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["user__username"]
    list_select_related = ["user", "state"]
