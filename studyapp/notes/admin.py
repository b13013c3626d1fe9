from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from studyapp.notes.models import (
    Card,
    ComparisonTable,
    ExamTip,
    Note,
    Option,
    Reference,
    Requirement,
    Tag,
    TriggerWord,
)
from studyapp.notes.services import note_publish_set


class TriggerWordInline(admin.TabularInline):
    model = TriggerWord
    extra = 0


class OptionInline(admin.TabularInline):
    model = Option
    extra = 0


class RequirementInline(admin.TabularInline):
    model = Requirement
    extra = 0


class ComparisonTableInline(admin.TabularInline):
    model = ComparisonTable
    extra = 0


class ReferenceInline(admin.TabularInline):
    model = Reference
    extra = 0
    # Django 6 assumes https for a URL typed without a scheme; say so now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class ExamTipInline(admin.TabularInline):
    model = ExamTip
    extra = 0


@admin.register(Note)
class NoteAdmin(admin.ModelAdmin):
    list_display = ["note_id", "title", "category", "domain", "is_published", "repaired", "updated_at"]
    list_filter = ["is_published", "category", "domain", "repaired", "tags"]
    search_fields = ["note_id", "title"]
    filter_horizontal = ["tags"]
    readonly_fields = ["raw_hash", "source_hash", "imported_at", "updated_at", "parsed", "repair_report", "warnings"]
    inlines = [
        RequirementInline,
        TriggerWordInline,
        OptionInline,
        ComparisonTableInline,
        ReferenceInline,
        ExamTipInline,
    ]
    actions = ["publish", "unpublish"]

    def get_readonly_fields(self, request, obj=None):
        # Publishing goes through note_publish_set (the actions below), which
        # also takes an unpublished note's cards out of learners' queues.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "is_published"] if obj is not None else fields

    @admin.action(description=_("Publish the selected notes"), permissions=["change"])
    def publish(self, request, queryset):
        self._publish_set(request, queryset, published=True)

    @admin.action(
        description=_("Unpublish the selected notes (their cards leave every queue at once)"), permissions=["change"]
    )
    def unpublish(self, request, queryset):
        self._publish_set(request, queryset, published=False)

    def _publish_set(self, request, queryset, *, published: bool) -> None:
        changed = sum(note_publish_set(note=note, published=published) for note in queryset)
        message = (
            ngettext("%(n)d note published.", "%(n)d notes published.", changed)
            if published
            else ngettext("%(n)d note unpublished.", "%(n)d notes unpublished.", changed)
        )
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "note", "retired_at", "answer_changed_at", "updated_at"]
    list_filter = ["kind", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "front", "back"]
    # Retiring is the importer's job: it also takes the card out of learners' queues.
    readonly_fields = ["key", "content_hash", "answer_hash", "created_at", "updated_at", "retired_at"]

    def has_delete_permission(self, request, obj=None):
        # Cards are retired, never deleted: learners' history points at them.
        return False


admin.site.register([Tag, TriggerWord, Option, Requirement, ComparisonTable, Reference, ExamTip])
