"""SAP-C02 ships as data (studyapp/exams/shipped.py)."""

from django.db import migrations

from studyapp.exams.shipped import blueprints_shipped_ensure


def ship(apps, schema_editor):
    blueprints_shipped_ensure(apps.get_model("exams", "Blueprint"))


def unship(apps, schema_editor):
    Blueprint = apps.get_model("exams", "Blueprint")
    Blueprint.objects.filter(code="SAP-C02", created_by__isnull=True, attempts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_exam_blueprints_attempts")]

    operations = [migrations.RunPython(ship, unship)]
