from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _repair_model_prepare(**_kwargs) -> None:
    """``migrate`` leaves the encoding repair's model prepared on disk, so the
    first damaged upload after a start loads it instead of building it."""
    from studyapp.noteformat.repair import model_prepare

    model_prepare()


class NotesConfig(AppConfig):
    name = "studyapp.notes"
    label = "notes"
    verbose_name = _("Exam notes")

    def ready(self) -> None:
        post_migrate.connect(_repair_model_prepare, sender=self, dispatch_uid="notes_repair_model_prepare")
