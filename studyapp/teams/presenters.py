"""What the lead's table shows, as text: one function makes the page's table
and the CSV, so that the CSV holds exactly what the lead may see on the page
(members' details only where they share them)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from studyapp.accounts.exports import csv_text
from studyapp.noteformat.vocabulary import domain_for
from studyapp.teams.models import Band, Membership
from studyapp.teams.selectors import AssignmentFigures, MemberRow


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    title: str = ""  # a longer name, for abbreviated headers
    numeric: bool = False
    detail: bool = False  # shown only for members who share details


@dataclass(frozen=True)
class Table:
    columns: list[Column]
    rows: list[tuple[MemberRow, list[str]]]

    @property
    def columns_shared_by_all(self) -> list[Column]:
        return [c for c in self.columns if not c.detail]

    @property
    def detail_columns(self) -> list[Column]:
        return [self.columns[0]] + [c for c in self.columns if c.detail]

    @property
    def paired(self) -> list[tuple[MemberRow, list[tuple[Column, str]]]]:
        """For the page's first table: every member, what every member shares
        (each cell with its column: a phone shows the header beside it)."""
        return [
            (row, [(c, v) for c, v in zip(self.columns, cells, strict=True) if not c.detail])
            for row, cells in self.rows
        ]

    @property
    def paired_details(self) -> list[tuple[MemberRow, list[tuple[Column, str]]]]:
        """For the page's second table: the members who share details, their details."""
        return [
            (row, [(c, v) for i, (c, v) in enumerate(zip(self.columns, cells, strict=True)) if i == 0 or c.detail])
            for row, cells in self.rows
            if row.details is not None
        ]


def percent(value: float | None) -> str:
    return "" if value is None else f"{round(100 * value)}%"


def domain_label(name: str) -> tuple[str, str]:
    """A short header ("D3") and the full name, in the page's language."""
    exam = domain_for(name) if name else None
    if exam is None:
        return (name or _("No exam domain"))[:12], name or _("No exam domain")
    full = exam.name_ja if (get_language() or "").startswith("ja") else exam.name
    return f"D{exam.number}", _("Domain %(number)s: %(name)s") % {"number": exam.number, "name": full}


def assignment_domains(figures: AssignmentFigures) -> list[str]:
    """The exam domains of the assignment's cards, from any member's details."""
    for row in figures.rows:
        if row.details is not None:
            return [name for name, _recall, _cards in row.details.get("domains", [])]
    return []


def member_table(figures: AssignmentFigures) -> Table:
    domains = assignment_domains(figures)
    columns = [
        Column("member", _("Member")),
        Column("role", _("Role")),
        Column("studied", _("Cards studied"), numeric=True),
        Column("assigned", _("Cards assigned"), numeric=True),
        Column("coverage", _("Coverage"), numeric=True),
        Column("last_active", _("Last active")),
        Column("reviews_7", _("Answers, 7 days"), numeric=True),
        Column("reviews_30", _("Answers, 30 days"), numeric=True),
        Column("streak", _("Streak (days)"), numeric=True),
        Column("band", _("Readiness")),
        Column("forecast", _("At current pace")),
        Column("shares", _("Shares details")),
        Column("recall", _("Predicted recall at the exam"), numeric=True, detail=True),
        Column("scenario_answers", _("Scenario answers"), numeric=True, detail=True),
        Column("scenario_accuracy", _("Scenario accuracy"), numeric=True, detail=True),
        Column("traps", _("Wrong options chosen"), detail=True),
    ]
    for name in domains:
        short, full = domain_label(name)
        columns.append(Column(f"domain:{name}", short, title=full, numeric=True, detail=True))
    return Table(columns, [(row, _cells(row, domains)) for row in figures.rows])


def _cells(row: MemberRow, domains: list[str]) -> list[str]:
    member, snapshot = row.member, row.snapshot
    role = Membership.Role(member.role).label
    if snapshot is None:
        return [member.username, str(role)] + [""] * (14 + len(domains))
    cells = [
        member.username,
        str(role),
        str(snapshot.seen),
        str(snapshot.assigned),
        percent(snapshot.coverage),
        _date(snapshot.last_active, member.time_zone),
        str(snapshot.reviews_7),
        str(snapshot.reviews_30),
        str(snapshot.streak),
        str(Band(snapshot.band).label),
        str(Band(snapshot.forecast_band).label),
        _("yes") if row.details is not None else _("no"),
    ]
    details = row.details
    if details is None:
        return cells + [""] * (4 + len(domains))
    scenario = details.get("scenario", {})
    by_domain = {name: recall for name, recall, _cards in details.get("domains", [])}
    cells += [
        percent(details.get("recall")),
        str(scenario.get("answers", 0)),
        percent(scenario.get("accuracy")),
        "; ".join(trap_text(note_id, letter, label, n) for note_id, letter, label, n in details.get("traps", [])),
    ]
    return cells + [percent(by_domain.get(name)) for name in domains]


def trap_text(note_id: str, letter: str, label: str, times: int) -> str:
    name = f"{note_id} {letter}" + (f" ({label})" if label else "")
    return f"{name} ×{times}"


def _date(moment, time_zone: str | None) -> str:
    if moment is None:
        return ""
    try:
        zone = ZoneInfo(time_zone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return moment.astimezone(zone).date().isoformat()


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.title or column.header for column in table.columns])
    for _row, cells in table.rows:
        writer.writerow([csv_text(cell) for cell in cells])
    return out.getvalue()
