"""Authoring data in the admin: to look at. Versions, repair choices and
uploads are written by the services (the editor, the importer); reports are
resolved in the authors' queue, which links the version that fixed them."""

from django.contrib import admin

from studyapp.authoring.models import NoteAuthor, NoteVersion, ProblemReport, RepairDoubt, UploadJob


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NoteAuthor)
class NoteAuthorAdmin(admin.ModelAdmin):
    # Who writes which note is the one thing set here (the editor sets the creator).
    list_display = ["note", "user", "added_at"]
    search_fields = ["note__note_id", "user__username"]
    autocomplete_fields = ["note", "user"]


@admin.register(NoteVersion)
class NoteVersionAdmin(ReadOnlyAdmin):
    list_display = ["note", "number", "origin", "author", "created_at", "applied"]
    list_filter = ["origin", "applied"]
    search_fields = ["note__note_id"]
    list_select_related = ["note", "author"]


@admin.register(ProblemReport)
class ProblemReportAdmin(ReadOnlyAdmin):
    list_display = ["card", "kind", "status", "reporter", "created_at", "resolved_at"]
    list_filter = ["status", "kind"]
    search_fields = ["card__key"]
    list_select_related = ["card", "reporter"]


@admin.register(RepairDoubt)
class RepairDoubtAdmin(ReadOnlyAdmin):
    list_display = ["note", "line", "column", "char", "choice", "decided_at"]


@admin.register(UploadJob)
class UploadJobAdmin(ReadOnlyAdmin):
    list_display = ["pk", "user", "created_at", "status", "done", "total"]
    list_filter = ["status"]
