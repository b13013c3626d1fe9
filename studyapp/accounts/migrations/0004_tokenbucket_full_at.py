from datetime import timedelta

from django.db import migrations, models
from django.db.models import F


def full_within_a_day(apps, schema_editor):
    # Buckets from before this column: no rate is longer than a day to refill,
    # so they are kept until then and pruned after.
    TokenBucket = apps.get_model("accounts", "TokenBucket")
    TokenBucket.objects.update(full_at=F("updated") + timedelta(days=1))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0003_profile_calibrated_on_profile_stability_scale'),
    ]

    operations = [
        migrations.AddField(
            model_name='tokenbucket',
            name='full_at',
            field=models.DateTimeField(db_index=True, default=None, null=True),
            preserve_default=False,
        ),
        migrations.RunPython(full_within_a_day, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='tokenbucket',
            name='full_at',
            field=models.DateTimeField(db_index=True),
        ),
    ]
