"""The text of each report column for one project, the headings and the change list.

Shared by the html, md and docx renderers so the formats cannot drift. Pure: plain strings with
`\\n` for a line break; each renderer decides how a break looks.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from caseflow.domain.amounts import format_report_amount
from caseflow.domain.funders import FUNDER_STATUS_LABELS
from caseflow.portfolio.report import PortfolioDiff, PortfolioReport, ProjectChange, ReportProject

HEADERS: tuple[str, ...] = (
    "Projekt",
    "Projektets syfte",
    "Start- och slutdatum",
    "Projektägare",
    "Finansiering",
    "Uppföljningskommentar",
    "Beslutspunkt",
)
#: Relative column widths (sum 100), used by html and docx.
WIDTHS: tuple[int, ...] = (14, 21, 10, 12, 16, 18, 9)

START = "Startdatum"
END = "Slutdatum"
OTHER_OWNER = "Annan projektägare"
REGION_OWNER = "Region"  # shown when the region owns the project and no name is stored
BUDGET = "Projektets totala budget"
FUNDERS_TITLE = "Externa finansiärer"
OWN_FINANCING = "Egen finansiering"
NO_STATUS = "–"  # stands in for a missing follow-up status when there is a comment
NO_PROJECTS = "Inga projekt."
NO_AREA = "(utan område)"
NO_PRIORITY = "(utan prioritering)"


def project_cell(project: ReportProject) -> str:
    """Title, a blank line, then each diarienummer on its own line."""
    numbers = "\n".join([project.diarienummer, *project.other_diarienummer])
    return f"{project.title}\n\n{numbers}"


def period_cell(project: ReportProject) -> str:
    """`Startdatum 2025-11-01` and `Slutdatum 2027-09-30`, each line only if the date is known."""
    lines = []
    if project.start_date is not None:
        lines.append(f"{START} {project.start_date.isoformat()}")
    if project.end_date is not None:
        lines.append(f"{END} {project.end_date.isoformat()}")
    return "\n".join(lines)


def owner_cell(project: ReportProject) -> str:
    """`Annan projektägare` + the owner on the next line, or the region's name (`Region` if the
    region owns the project and no name is stored)."""
    if not project.owner_is_region:
        return f"{OTHER_OWNER}\n{project.owner}" if project.owner else OTHER_OWNER
    return project.owner or REGION_OWNER


def funder_line(name: str, amount_sek: int | None, status: str, *, with_status: bool) -> str:
    """`Tillväxtverkets nationella medel (300 000 kr, beviljad)`; without status only the amount."""
    details = [format_report_amount(amount_sek)] if amount_sek is not None else []
    if with_status:
        details.append(FUNDER_STATUS_LABELS.get(status, status))
    return f"{name} ({', '.join(details)})" if details else name


def financing_cell(project: ReportProject, *, with_status: bool = False) -> str:
    """Budget, external funders (one per line) and own financing, as blank-line separated parts.

    `with_status` adds each funder's status (planerad/sökt/beviljad/avslag), which the Markdown
    report needs to read back exactly.
    """
    parts = []
    if project.total_budget_sek is not None:
        parts.append(f"{BUDGET}\n{format_report_amount(project.total_budget_sek)}")
    if project.funders:
        lines = [
            funder_line(f.name, f.amount_sek, f.status, with_status=with_status)
            for f in project.funders
        ]
        parts.append("\n".join([FUNDERS_TITLE, *lines]))
    if project.own_financing:
        parts.append(f"{OWN_FINANCING}\n{project.own_financing}")
    return "\n\n".join(parts)


def follow_up_cell(project: ReportProject) -> str:
    """The status, a blank line, then the comment (`–` stands in for a missing status)."""
    status, comment = project.follow_up_status, project.follow_up_comment
    if not comment:
        return status or ""
    return f"{status or NO_STATUS}\n\n{comment}"


def decision_cell(project: ReportProject) -> str:
    """The decision point, and on a second line the stage when the point does not already say it:
    `BP – Planering` + `Ansökan inskickad`, but not `BP – Planering` + `Planering`."""
    point, label = project.decision_point, project.stage_label
    if _loose(label) in _loose(point):
        return point
    return f"{point}\n{label}"


def _loose(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def project_cells(project: ReportProject, *, with_status: bool = False) -> tuple[str, ...]:
    """The seven cells of HEADERS for one project."""
    return (
        project_cell(project),
        project.purpose or "",
        period_cell(project),
        owner_cell(project),
        financing_cell(project, with_status=with_status),
        follow_up_cell(project),
        decision_cell(project),
    )


# --- grouping ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """One priority group: its heading (None: no heading) and its projects."""

    heading: str | None
    projects: tuple[ReportProject, ...]


@dataclass(frozen=True)
class Section:
    """One area: its heading (None: no heading) and its tables."""

    heading: str | None
    tables: tuple[Table, ...]


def sections(report: PortfolioReport) -> Iterator[Section]:
    """The report's areas and priorities with the heading each one gets.

    A group without an area (priority) gets no heading when nothing comes before it at its level;
    otherwise it is headed `(utan område)` (`(utan prioritering)`) so it cannot be taken for part
    of the group above it. The change list counts as something before the first area.
    """
    for a_index, area in enumerate(report.areas):
        area_heading = area.name
        if area_heading is None and (a_index > 0 or report.diff is not None):
            area_heading = NO_AREA
        tables = []
        for p_index, group in enumerate(area.priorities):
            heading = group.name
            if heading is None and p_index > 0:
                heading = NO_PRIORITY
            tables.append(Table(heading, group.projects))
        yield Section(area_heading, tuple(tables))


# --- changes ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChangeItem:
    diarienummer: str
    title: str
    details: tuple[str, ...]  # the change lines, e.g. "steg: BP – Planering → BP – Genomförande"

    @property
    def text(self) -> str:
        """`RUN/408/2025 Spin (Strategisk planering i Norr)`."""
        return f"{self.diarienummer} {self.title}"


@dataclass(frozen=True)
class ChangeSection:
    title: str
    items: tuple[ChangeItem, ...]


NO_CHANGES = "Inga förändringar."


def diff_heading(diff: PortfolioDiff) -> str:
    """`Förändringar sedan <label_from>`."""
    return f"Förändringar sedan {diff.label_from}"


def diff_sections(diff: PortfolioDiff) -> list[ChangeSection]:
    """The non-empty change sections in Swedish, in a fixed order (empty list: no changes)."""
    wanted = (
        ("Nya projekt", diff.new),
        ("Borttagna projekt", diff.removed),
        ("Ändrade projekt", diff.changed),
        (f"Uppföljningskommentar inte uppdaterad sedan {diff.label_from}", diff.stale_comments),
    )
    return [
        ChangeSection(title, tuple(_item(change) for change in changes))
        for title, changes in wanted
        if changes
    ]


def _item(change: ProjectChange) -> ChangeItem:
    return ChangeItem(change.diarienummer, change.title, change.changes)
