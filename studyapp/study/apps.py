from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _cards_withdrawn(sender, *, cards, **kwargs):
    from studyapp.study.services import cards_withdraw

    cards_withdraw(cards=cards)


def _plan_settings_changed(sender, *, profile, changed, **kwargs):
    from django.utils import timezone

    from studyapp.study.replanning import exam_replan

    return exam_replan(user=profile.user, profile=profile, now=timezone.now(), changed=frozenset(changed)).messages


class StudyConfig(AppConfig):
    name = "studyapp.study"
    label = "study"
    verbose_name = _("Study")

    def ready(self):
        # notes/ sits below study/ and cannot import it: it says when cards
        # leave study, and learners' queues follow here.
        from studyapp.notes.signals import cards_withdrawn

        cards_withdrawn.connect(_cards_withdrawn, dispatch_uid="study.cards_withdrawn")
        # Nor can accounts/: it says when the settings a plan rests on change.
        from studyapp.accounts.events import plan_settings_changed

        plan_settings_changed.connect(_plan_settings_changed, dispatch_uid="study.plan_settings_changed")
