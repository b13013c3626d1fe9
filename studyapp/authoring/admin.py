"""Authoring data in the admin: to look at. Versions, repair choices and
uploads are written by the services (the editor, the importer); reports are
resolved in the authors' queue, which links the version that fixed them.

Authorship holds here as in /author/: a superuser sees everything; any other
staff member sees only the authoring rows of the notes they may write (their
own and the house's) and their own uploads — none at all when they are not
an instructor. Publishing and unpublishing a note are offered as actions that
go through the authoring services (a pending draft is applied as a version)
and are written to the admin's log; they act only on notes the staff member
writes. Who writes which note is set by superusers."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from studyapp.authoring import services
from studyapp.authoring.access import notes_writable_by
from studyapp.authoring.models import NoteAuthor, NoteVersion, ProblemReport, RepairDoubt, UploadJob
from studyapp.notes.admin import NoteAdmin
from studyapp.notes.models import Note


def _sees_everything(request) -> bool:
    return request.user.is_active and request.user.is_superuser


class AuthorshipScopedAdmin(admin.ModelAdmin):
    """Rows of the notes the staff member may write (``note_path`` leads from
    a row to its note)."""

    note_path = "note"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if _sees_everything(request):
            return queryset
        return queryset.filter(**{f"{self.note_path}__in": notes_writable_by(request.user).values("pk")})


class ReadOnlyAdmin(AuthorshipScopedAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(NoteAuthor)
class NoteAuthorAdmin(AuthorshipScopedAdmin):
    # Who writes which note is the one thing set here (the editor sets the
    # creator), and only by a superuser: anyone else could make themselves the
    # author of another's note and read its drafts.
    list_display = ["note", "user", "added_at"]
    search_fields = ["note__note_id", "user__username"]
    autocomplete_fields = ["note", "user"]

    def has_add_permission(self, request):
        return _sees_everything(request)

    def has_change_permission(self, request, obj=None):
        return _sees_everything(request)

    def has_delete_permission(self, request, obj=None):
        return _sees_everything(request)


@admin.register(NoteVersion)
class NoteVersionAdmin(ReadOnlyAdmin):
    list_display = ["note", "number", "origin", "author", "created_at", "applied"]
    list_filter = ["origin", "applied"]
    search_fields = ["note__note_id"]
    list_select_related = ["note", "author"]


@admin.register(ProblemReport)
class ProblemReportAdmin(ReadOnlyAdmin):
    note_path = "card__note"
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

    def get_queryset(self, request):
        # An upload's report quotes the files' text: it is its uploader's.
        queryset = admin.ModelAdmin.get_queryset(self, request)
        return queryset if _sees_everything(request) else queryset.filter(user=request.user)


admin.site.unregister(Note)


@admin.register(Note)
class AuthoredNoteAdmin(NoteAdmin):
    actions = ["publish", "unpublish"]

    def has_publish_permission(self, request):
        return request.user.has_perm("authoring.author_notes")

    @admin.action(description=_("Publish the selected notes"), permissions=["publish"])
    def publish(self, request, queryset):
        self._publish_set(request, queryset, published=True)

    @admin.action(
        description=_("Unpublish the selected notes (their cards leave every queue at once)"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        self._publish_set(request, queryset, published=False)

    def _publish_set(self, request, queryset, *, published: bool) -> None:
        writable = set(notes_writable_by(request.user).values_list("pk", flat=True))
        changed = refused = 0
        for note in queryset:
            if note.pk not in writable:
                refused += 1
                continue
            if self._publish_one(request, note, published=published):
                changed += 1
        message = (
            ngettext("%(n)d note published.", "%(n)d notes published.", changed)
            if published
            else ngettext("%(n)d note unpublished.", "%(n)d notes unpublished.", changed)
        )
        self.message_user(request, message % {"n": changed}, messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(n)d note left as it was: you do not write it (its authors publish it at “Write”).",
                    "%(n)d notes left as they were: you do not write them (their authors publish them at “Write”).",
                    refused,
                )
                % {"n": refused},
                messages.WARNING,
            )

    def _publish_one(self, request, note: Note, *, published: bool) -> bool:
        was_published = note.is_published
        if published:
            outcome = services.note_publish(user=request.user, note=note)
            if not outcome.ok:
                errors = "; ".join(f"line {p.line}: {p.message}" for p in outcome.report.errors[:3])
                self.message_user(request, f"{note.note_id}: {errors}", messages.ERROR)
                return False
            version = outcome.version.number if outcome.version else None
            done = not was_published or outcome.status == "applied"
            log = f"Published in the admin (version {version})" if version else "Published in the admin"
        else:
            done = services.note_retire(user=request.user, note=note)
            log = "Unpublished in the admin"
        if done:
            self.log_change(request, note, log)
        return done
