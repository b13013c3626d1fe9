from django.contrib import admin

from studyapp.study.models import CardState, ReviewLog, StudyDay


@admin.register(CardState)
class CardStateAdmin(admin.ModelAdmin):
    list_display = ["user", "card", "state", "due", "reps", "lapses", "is_leech", "suspended", "in_scope"]
    list_filter = ["state", "is_leech", "suspended", "in_scope"]
    search_fields = ["user__username", "card__key"]
    raw_id_fields = ["user", "card"]
    readonly_fields = ["version", "created_at"]


@admin.register(ReviewLog)
class ReviewLogAdmin(admin.ModelAdmin):
    """Read-only: the log is the learner's history (and undo's source)."""

    list_display = ["user", "card", "rating", "reviewed_at", "previous_state", "score"]
    list_filter = ["rating", "previous_state"]
    search_fields = ["user__username", "card__key"]
    date_hierarchy = "reviewed_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StudyDay)
class StudyDayAdmin(admin.ModelAdmin):
    list_display = ["user", "day", "new_limit"]
    search_fields = ["user__username"]

    def has_change_permission(self, request, obj=None):
        return False
