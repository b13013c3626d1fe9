"""What the lead's table shows, as text: one function makes the page's table
and the CSV, so that the CSV holds exactly what the lead may see on the page
(members' details only where they share them)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.cache import cache as django_cache
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from studyapp.noteformat.vocabulary import domain_for
from studyapp.scheduling.clock import zone_named
from studyapp.spreadsheet import csv_writer
from studyapp.teams.charts import mastery_level
from studyapp.teams.models import Band, Membership
from studyapp.teams.selectors import AssignmentFigures, MemberRow

DOMAIN_PREFIX = "domain:"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    title: str = ""  # a longer name, for abbreviated headers
    numeric: bool = False
    detail: bool = False  # shown only for members who share details
    prose: bool = False  # text that may wrap


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


def member_columns(figures: AssignmentFigures) -> list[Column]:
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
        Column("traps", _("Wrong options chosen"), detail=True, prose=True),
    ]
    for name in domains:
        short, full = domain_label(name)
        columns.append(Column(f"{DOMAIN_PREFIX}{name}", short, title=full, numeric=True, detail=True))
    return columns


def member_table(figures: AssignmentFigures) -> Table:
    columns = member_columns(figures)
    domains = [c.key[len(DOMAIN_PREFIX) :] for c in columns if c.key.startswith(DOMAIN_PREFIX)]
    labels = _Labels(
        roles={role: str(role.label) for role in Membership.Role},
        bands={band: str(band.label) for band in Band},
        yes=_("yes"),
        no=_("no"),
    )
    return Table(columns, [(row, _cells(row, domains, labels)) for row in figures.rows])


@dataclass(frozen=True)
class _Labels:
    """Translated once per table, not once per member."""

    roles: dict[str, str]
    bands: dict[str, str]
    yes: str
    no: str


def _cells(row: MemberRow, domains: list[str], labels: _Labels) -> list[str]:
    member, snapshot = row.member, row.snapshot
    role = labels.roles[member.role]
    if snapshot is None:
        return [member.username, role] + [""] * (14 + len(domains))
    cells = [
        member.username,
        role,
        str(snapshot.seen),
        str(snapshot.assigned),
        percent(snapshot.coverage),
        _date(snapshot.last_active, member.time_zone),
        str(snapshot.reviews_7),
        str(snapshot.reviews_30),
        str(snapshot.streak),
        labels.bands[snapshot.band],
        labels.bands[snapshot.forecast_band],
        labels.yes if row.details is not None else labels.no,
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
    return moment.astimezone(zone_named(time_zone or "UTC")).date().isoformat()


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow([column.title or column.header for column in table.columns])
    for _row, cells in table.rows:
        writer.writerow(cells)
    return out.getvalue()


# The page's table bodies are made here rather than by template loops: a team
# of 200 is 5,000 cells, and format_html is several times faster per cell than
# the template engine (bench/team_dashboard.py). Every value is escaped.
# The first column (the member) is the row's header cell.


BAND_KEYS = {"band": "band", "forecast": "forecast_band"}


def _row_format(columns: list[Column]) -> str:
    """One format string for a whole row, each cell's value a placeholder
    that format_html escapes. Cells carry no more than their value and
    class: a column is known by its place under the table's headers (which
    name it in ``data-col``), and the page of a team of 200 stays small."""
    parts = ['<tr data-member="{}"><th scope="row">{}</th>']
    for column in columns[1:]:
        classes = "num" if column.numeric else "prose" if column.prose else ""
        if column.key.startswith(DOMAIN_PREFIX):
            classes += " tm-c{}"  # shaded by mastery: the details table is the members × domains heatmap
        parts.append(f'<td class="{classes}">{{}}</td>' if classes else "<td>{}</td>")
    parts.append("</tr>")
    return "".join(parts)


def rows_html(table: Table, *, details: bool) -> SafeString:
    """The rows of the page's first table (every member, what every member
    shares) or, with ``details``, of its second (the members who share them)."""
    columns = table.detail_columns if details else table.columns_shared_by_all
    keep = [i for i, c in enumerate(table.columns) if (c.detail if details else not c.detail) or i == 0]
    bands = {i: BAND_KEYS[c.key] for i, c in enumerate(table.columns) if c.key in BAND_KEYS}

    domains = {i: c.key[len(DOMAIN_PREFIX) :] for i, c in enumerate(table.columns) if c.key.startswith(DOMAIN_PREFIX)}

    def values(row: MemberRow, cells: list[str]) -> list:
        out = [row.member.username]  # data-member; the row's header cell is the first column
        recall = {}
        if domains and row.details is not None:
            recall = {name: value for name, value, _cards in row.details.get("domains", [])}
        for i in keep:
            value = cells[i]
            if i in bands and value:
                value = format_html('<span class="band band-{}">{}</span>', getattr(row.snapshot, bands[i]), value)
            elif i in domains:
                out.append(mastery_level(recall.get(domains[i])))
            out.append(value)
        return out

    rows = [(row, cells) for row, cells in table.rows if not details or row.details is not None]
    if not rows:
        return SafeString("")
    return format_html_join("\n", _row_format(columns), (values(row, cells) for row, cells in rows))


def header_html(columns: list[Column]) -> SafeString:
    return format_html_join(
        "",
        '<th scope="col"{} data-col="{}">{}</th>',
        (
            (
                format_html(' class="{}"', "num") if c.numeric else "",
                c.key,
                format_html('<abbr title="{}">{}</abbr>', c.title, c.header) if c.title else c.header,
            )
            for c in columns
        ),
    )


# The rows are a function of the members' snapshots and memberships, and the
# language: cached under a hash of what identifies them (each snapshot's
# computation time and sharing, each member's name, role, sharing and time
# zone), so a view of a dashboard whose figures did not change skips
# building them; a refresh, a member who stops sharing (which rewrites their
# snapshot), a new name or another language is another key.
ROWS_CACHE_SECONDS = 3600


def cached_rows_html(figures: AssignmentFigures) -> tuple[SafeString, SafeString]:
    """The rows of the page's two tables: (every member, members who share details)."""
    state = (
        get_language(),
        figures.assignment.pk,
        figures.assignment.updated_at,
        [
            (
                row.member.membership_id,
                row.member.username,
                row.member.role,
                row.member.share_details,
                row.member.time_zone,
                None if row.snapshot is None else (row.snapshot.computed_at, row.snapshot.share_details),
            )
            for row in figures.rows
        ],
    )
    key = "teams.rows." + hashlib.sha256(repr(state).encode()).hexdigest()
    rows = django_cache.get(key)
    if rows is None:
        table = member_table(figures)
        rows = (rows_html(table, details=False), rows_html(table, details=True))
        django_cache.set(key, rows, ROWS_CACHE_SECONDS)
    return rows
