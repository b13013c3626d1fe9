from django.contrib import admin
from django.db import models

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


class ReadOnlyInline(admin.TabularInline):
    """Parts come from the note's text: they change when the text changes."""

    extra = 0
    can_delete = False
    # Django 6 assumes https for a URL typed without a scheme; say so now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TriggerWordInline(ReadOnlyInline):
    model = TriggerWord


class OptionInline(ReadOnlyInline):
    model = Option


class RequirementInline(ReadOnlyInline):
    model = Requirement


class ComparisonTableInline(ReadOnlyInline):
    model = ComparisonTable


class ReferenceInline(ReadOnlyInline):
    model = Reference


class ExamTipInline(ReadOnlyInline):
    model = ExamTip


class ReadOnlyContentAdmin(admin.ModelAdmin):
    """A note's content is written only through the import pipeline (the
    command line, an upload or the editor at /author/), which parses the text
    and keeps the cards in step: edited here, a note could lose its cards or
    show a title its text does not have.

    What is shown follows ``Note.objects.visible_to``: published notes, and a
    draft only to a superuser or to whoever may write it (staff status alone
    reads no one's unpublished text)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    # The path from a row to its note ("" for the note itself).
    note_path = "note"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = Note.objects.visible_to(request.user)
        if not self.note_path:
            return queryset.filter(pk__in=visible.values("pk"))
        return queryset.filter(**{f"{self.note_path}__in": visible.values("pk")})

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Note)
class NoteAdmin(ReadOnlyContentAdmin):
    """Publishing and unpublishing are the authoring app's (its admin adds
    them as actions through its services, which keep a version and the log)."""

    note_path = ""
    list_display = ["note_id", "title", "category", "domain", "is_published", "repaired", "updated_at"]
    list_filter = ["is_published", "category", "domain", "repaired", "tags"]
    search_fields = ["note_id", "title"]
    inlines = [
        RequirementInline,
        TriggerWordInline,
        OptionInline,
        ComparisonTableInline,
        ReferenceInline,
        ExamTipInline,
    ]


@admin.register(Card)
class CardAdmin(ReadOnlyContentAdmin):
    list_display = ["key", "kind", "note", "retired_at", "answer_changed_at", "updated_at"]
    list_filter = ["kind", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "front", "back"]
    # Cards are made, changed and retired by the importer (which also takes a
    # retired card out of learners' queues), never deleted: learners' history
    # points at them.


@admin.register(Tag)
class TagAdmin(ReadOnlyContentAdmin):
    note_path = "notes"

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()


admin.site.register([TriggerWord, Option, Requirement, ComparisonTable, Reference, ExamTip], ReadOnlyContentAdmin)
