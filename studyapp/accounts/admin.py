from django.contrib import admin

from studyapp.accounts.models import Profile, TokenBucket


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "language", "time_zone", "desired_retention", "new_per_day", "reviews_per_day", "exam_date")
    list_filter = ("language",)
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    raw_id_fields = ("user",)


@admin.register(TokenBucket)
class TokenBucketAdmin(admin.ModelAdmin):
    # Keys are hashes by design, so no one can be looked up here; deleting the
    # most recent buckets lifts a throttle at once instead of waiting it out.
    list_display = ("value", "tokens", "updated", "full_at")
    readonly_fields = ("value", "tokens", "updated", "full_at")
    ordering = ("-updated",)

    def has_add_permission(self, request):
        return False
