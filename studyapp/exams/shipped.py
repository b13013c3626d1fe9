"""The blueprints studyapp ships (created by a data migration, and again by
``blueprints_shipped_ensure`` wherever a database may have lost them: tests
that empty the tables, a flushed database). SAP-C02 as the exam guide states
it: 75 questions, 180 minutes, pass mark 750 of 1000, domains weighted
26/29/25/20. Names are the canonical domain names of
studyapp.noteformat.vocabulary.DOMAINS, written out: a later rename there must
not rewrite what a migration did."""

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
SHIPPED = (SAP_C02,)


def blueprints_shipped_ensure(blueprint_model) -> None:
    """Create the shipped blueprints that are missing; never change one that
    exists (an administrator may have edited it). Takes the model class, so
    that a migration can pass its historical model."""
    for data in SHIPPED:
        fields = {k: v for k, v in data.items() if k != "code"}
        blueprint_model.objects.get_or_create(code=data["code"], defaults=fields)
