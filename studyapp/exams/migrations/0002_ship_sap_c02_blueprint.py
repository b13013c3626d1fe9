"""SAP-C02 ships as data: 75 questions, 180 minutes, pass mark 750 of 1000,
domains weighted 26/29/25/20 (the exam guide's content outline). The names are
the canonical domain names of studyapp.noteformat.vocabulary.DOMAINS, written
out here so that a later rename there does not rewrite history."""

from django.db import migrations

SAP_C02 = {
    "code": "SAP-C02",
    "name": "AWS Certified Solutions Architect - Professional",
    "question_count": 75,
    "minutes": 180,
    "pass_mark": 750,
    "max_score": 1000,
    "domains": [
        {"name": "Design Solutions for Organizational Complexity", "weight": 26},
        {"name": "Design for New Solutions", "weight": 29},
        {"name": "Continuous Improvement for Existing Solutions", "weight": 25},
        {"name": "Accelerate Workload Migration and Modernization", "weight": 20},
    ],
}


def ship(apps, schema_editor):
    Blueprint = apps.get_model("exams", "Blueprint")
    code = SAP_C02["code"]
    Blueprint.objects.update_or_create(code=code, defaults={k: v for k, v in SAP_C02.items() if k != "code"})


def unship(apps, schema_editor):
    Blueprint = apps.get_model("exams", "Blueprint")
    Blueprint.objects.filter(code=SAP_C02["code"], created_by__isnull=True, attempts__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_exam_blueprints_attempts")]

    operations = [migrations.RunPython(ship, unship)]
