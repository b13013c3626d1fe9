from django.db import migrations, models


def skeletons_fill(apps, schema_editor):
    from studyapp.accounts.usernames import username_skeleton

    Profile = apps.get_model("accounts", "Profile")
    batch = []
    for profile in Profile.objects.select_related("user").only("pk", "user__username").iterator(chunk_size=1000):
        profile.username_skeleton = username_skeleton(profile.user.username)
        batch.append(profile)
        if len(batch) == 1000:
            Profile.objects.bulk_update(batch, ["username_skeleton"])
            batch = []
    Profile.objects.bulk_update(batch, ["username_skeleton"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_tokenbucket_full_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='profile',
            name='username_skeleton',
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.RunPython(skeletons_fill, migrations.RunPython.noop),
    ]
