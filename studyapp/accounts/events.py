"""What the accounts app tells the apps built on it, without importing them."""

from django.dispatch import Signal

# Sent by ``profile_update`` when a setting the study plan rests on changed
# (``PLAN_FIELDS``), inside the transaction that saved it, with ``profile``
# and ``changed`` (the names of the fields whose value changed). The study
# app replans; a receiver returns the messages for the learner (a list of
# strings, or None), which the settings page shows.
plan_settings_changed = Signal()
