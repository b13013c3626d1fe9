from django.contrib import admin

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


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "note", "retired_at", "answer_changed_at", "updated_at"]
    list_filter = ["kind", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "front", "back"]
    readonly_fields = ["key", "content_hash", "answer_hash", "created_at", "updated_at"]

    def has_delete_permission(self, request, obj=None):
        # Cards are retired, never deleted: learners' history points at them.
        return False


admin.site.register([Tag, TriggerWord, Option, Requirement, ComparisonTable, Reference, ExamTip])
