"""A learner's own data as files: one JSON document, or a zip of one CSV per
section (studyapp/accounts/personal_data.py says what the sections are)."""

from __future__ import annotations

import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from studyapp.accounts.personal_data import personal_data_collect, sections
from studyapp.spreadsheet import csv_writer


def export_json(*, user) -> bytes:
    document = {
        "exported_at": timezone.now(),
        "username": user.get_username(),
        "sections": personal_data_collect(user=user),
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1).encode("utf-8")


def export_csv_zip(*, user) -> bytes:
    """One CSV per section (UTF-8 with a byte-order mark, so that spreadsheet
    programs read Japanese right); nested values (answers' snapshots) as JSON."""
    data = personal_data_collect(user=user)
    models = {s.name: s.model for s in sections()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in data.items():
            archive.writestr(f"{name}.csv", _csv(rows, models.get(name)).encode("utf-8-sig"))
    return buffer.getvalue()


def _csv(rows: list[dict], model) -> str:
    if rows:
        header = list(rows[0])
    elif model is not None:
        header = [f.attname for f in model._meta.concrete_fields]
    else:
        header = []
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in header])
    return out.getvalue()


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, dict | list | bool):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value  # the writer neutralises text that a spreadsheet would run
