from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from studyapp.accounts.models import Profile
from studyapp.accounts.services import language_choice_adopt
from studyapp.accounts.usernames import username_skeleton
from studyapp.notes.signals import note_renamed


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def create_profile(sender, instance, created, raw=False, update_fields=None, **kwargs):
    # Every user has a profile, whoever created the user (signup, admin, shell),
    # and its username skeleton follows every rename.
    if raw:
        return
    skeleton = username_skeleton(instance.get_username())
    if created:
        Profile.objects.get_or_create(user=instance, defaults={"username_skeleton": skeleton})
    elif update_fields is None or "username" in update_fields:
        Profile.objects.filter(user=instance).exclude(username_skeleton=skeleton).update(username_skeleton=skeleton)


@receiver(user_logged_in)
def keep_the_language_chosen_before_login(sender, request, user, **kwargs):
    # A receiver, so the admin's login keeps it too.
    if request is not None:
        language_choice_adopt(request=request, user=user)


@receiver(note_renamed)
def scope_follows_note_rename(sender, old_id, new_id, **kwargs):
    # A learner who studies one note keeps studying it under its new id.
    Profile.objects.filter(scope_kind=Profile.Scope.NOTE, scope_value=old_id).update(scope_value=new_id)
