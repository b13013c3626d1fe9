"""Instructors' exam blueprints: create one, change one. The shipped ones
(``created_by`` null, SAP-C02) are read-only; an instructor changes only
their own (authoring.access.blueprint_writable)."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from studyapp.exams.models import Blueprint

# What decides how an exam is drawn and marked: fixed once someone has taken
# it, so that every attempt's report reads against the exam it was.
SHAPE_FIELDS = ("question_count", "minutes", "pass_mark", "domains")
FIELDS = ("code", "name", "is_active", *SHAPE_FIELDS)


class BlueprintError(Exception):
    """``code`` says why: "code_taken", or "taken" (the shape of an exam
    someone has sat cannot change)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def blueprint_create(*, user, data: dict) -> Blueprint:
    values = {name: data[name] for name in FIELDS}
    try:
        with transaction.atomic():
            if Blueprint.objects.filter(code__iexact=values["code"]).exists():
                raise BlueprintError("code_taken")
            return Blueprint.objects.create(created_by=user, **values)
    except IntegrityError:
        # Two instructors naming the same code at once: the unique code decides.
        raise BlueprintError("code_taken") from None


def blueprint_update(*, blueprint: Blueprint, data: dict) -> Blueprint:
    values = {name: data[name] for name in FIELDS}
    try:
        with transaction.atomic():
            current = Blueprint.objects.select_for_update().get(pk=blueprint.pk)
            if Blueprint.objects.filter(code__iexact=values["code"]).exclude(pk=current.pk).exists():
                raise BlueprintError("code_taken")
            reshaped = any(getattr(current, name) != values[name] for name in SHAPE_FIELDS)
            if reshaped and current.attempts.exists():
                raise BlueprintError("taken")
            for name, value in values.items():
                setattr(current, name, value)
            current.save(update_fields=list(FIELDS))
            return current
    except IntegrityError:
        raise BlueprintError("code_taken") from None
