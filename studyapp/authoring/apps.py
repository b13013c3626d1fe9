from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _note_changed(sender, **kwargs):
    from studyapp.authoring.versions import version_record

    version_record(**kwargs)


class AuthoringConfig(AppConfig):
    name = "studyapp.authoring"
    label = "authoring"
    verbose_name = _("Authoring")

    def ready(self):
        # notes/ sits below authoring/ and cannot import it: it says when a
        # note's text changed (an import, an upload, an edit), and the
        # note's history is kept here.
        from studyapp.notes.signals import note_changed

        note_changed.connect(_note_changed, dispatch_uid="authoring.note_changed")
        # Who reads a draft is who may write it (access.py), wherever notes
        # are listed: the notes pages, the admin.
        from studyapp.authoring.access import drafts_readable_notes
        from studyapp.notes.drafts import draft_writers_register

        draft_writers_register(drafts_readable_notes)
