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
    show a title its text does not have."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Note)
class NoteAdmin(ReadOnlyContentAdmin):
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
    actions = ["publish", "unpublish"]

    def has_publish_permission(self, request):
        # Publishing goes through note_publish_set (the actions below), which
        # also takes an unpublished note's cards out of learners' queues.
        return request.user.has_perm("notes.change_note")

    @admin.action(description=_("Publish the selected notes"), permissions=["publish"])
    def publish(self, request, queryset):
        self._publish_set(request, queryset, published=True)

    @admin.action(
        description=_("Unpublish the selected notes (their cards leave every queue at once)"), permissions=["publish"]
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
class CardAdmin(ReadOnlyContentAdmin):
    list_display = ["key", "kind", "note", "retired_at", "answer_changed_at", "updated_at"]
    list_filter = ["kind", ("retired_at", admin.EmptyFieldListFilter)]
    search_fields = ["key", "front", "back"]
    # Cards are made, changed and retired by the importer (which also takes a
    # retired card out of learners' queues), never deleted: learners' history
    # points at them.


admin.site.register([Tag, TriggerWord, Option, Requirement, ComparisonTable, Reference, ExamTip], ReadOnlyContentAdmin)
