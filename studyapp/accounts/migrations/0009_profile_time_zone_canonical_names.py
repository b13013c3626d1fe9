"""Profiles saved with an old spelling of a time zone (Asia/Calcutta) take
the zone's canonical name (Asia/Kolkata): the same rules, and the name the
settings page now offers. A name with no canonical zone is left as it is."""

from django.db import migrations


def canonical_names(apps, schema_editor):
    from studyapp.accounts.timezones import time_zone_canonical, time_zone_is_offered

    Profile = apps.get_model("accounts", "Profile")
    for name in Profile.objects.values_list("time_zone", flat=True).distinct():
        if time_zone_is_offered(name):
            continue
        canonical = time_zone_canonical(name)
        if canonical:
            Profile.objects.filter(time_zone=name).update(time_zone=canonical)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0008_profile_assigned_exam_date")]

    operations = [migrations.RunPython(canonical_names, migrations.RunPython.noop)]
