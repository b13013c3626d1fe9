from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards_withdrawn(sender, *, cards, **kwargs):
    from studyapp.study.services import cards_withdraw

    cards_withdraw(cards=cards)


class StudyConfig(AppConfig):
    name = "studyapp.study"
    label = "study"
    verbose_name = _("Study")

    def ready(self):
        # notes/ sits below study/ and cannot import it: it says when cards
        # leave study, and learners' queues follow here.
        from studyapp.notes.signals import cards_withdrawn

        cards_withdrawn.connect(_cards_withdrawn, dispatch_uid="study.cards_withdrawn")
