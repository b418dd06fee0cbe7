"""The board's portfolio report as plain data: areas → priorities → projects, plus changes.

Built from stored cases by `build_report` (pure: takes case dicts and the workflows, each case read
by its own workflow: decision points, legend, final stages come from the YAML); rendered by
the modules in `caseflow/portfolio/render/` (html, md, docx, xlsx). Layout follows seed 000,
"Projekt med extern finansiering (Regionala utvecklingsnämnden)".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from caseflow.domain.funders import FUNDERS
from caseflow.workflow.machine import CompiledWorkflow
from caseflow.workflow.registry import WorkflowRegistry

REPORT_TITLE = "Projekt med extern finansiering (Regionala utvecklingsnämnden)"


@dataclass(frozen=True)
class ReportFunder:
    code: str
    name: str  # the catalogue name, as documents write it
    amount_sek: int | None
    status: str


@dataclass(frozen=True)
class ReportProject:
    diarienummer: str
    other_diarienummer: tuple[str, ...]
    title: str
    purpose: str | None
    start_date: date | None
    end_date: date | None
    owner: str | None
    owner_is_region: bool
    total_budget_sek: int | None
    funders: tuple[ReportFunder, ...]
    own_financing: str | None
    follow_up_status: str | None
    follow_up_comment: str | None
    stage: str
    stage_label: str
    decision_point: str  # "BP – Planering", "BP – Genomförande", or the stage label
    area: str | None
    priority: str | None


@dataclass(frozen=True)
class PriorityGroup:
    name: str | None  # None: projects without a long-term priority
    projects: tuple[ReportProject, ...]


@dataclass(frozen=True)
class AreaGroup:
    name: str | None  # None: projects without an area
    priorities: tuple[PriorityGroup, ...]


@dataclass(frozen=True)
class ProjectChange:
    diarienummer: str
    title: str
    changes: tuple[str, ...]  # Swedish, e.g. "steg: BP – Planering → BP – Genomförande"


@dataclass(frozen=True)
class PortfolioDiff:
    """What changed between two portfolio states (snapshot → snapshot, or snapshot → now)."""

    label_from: str
    label_to: str
    new: tuple[ProjectChange, ...] = ()  # changes: empty
    removed: tuple[ProjectChange, ...] = ()
    changed: tuple[ProjectChange, ...] = ()
    stale_comments: tuple[ProjectChange, ...] = ()  # running, comment same as in label_from

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.removed or self.changed or self.stale_comments)


@dataclass(frozen=True)
class PortfolioReport:
    title: str
    as_of: date
    areas: tuple[AreaGroup, ...]
    legend: str = ""  # "Beslutspunkt: BP – Planering = …", from the workflows' decision_points
    diff: PortfolioDiff | None = None
    filter_area: str | None = None

    @property
    def projects(self) -> list[ReportProject]:
        return [p for a in self.areas for g in a.priorities for p in g.projects]


def project_from_case(case: Mapping[str, Any], workflow: CompiledWorkflow) -> ReportProject:
    """One report row from a case dict (`casemap.case_to_dict`)."""
    state = workflow.state(case["stage"])
    label = state.label if state else case["stage"]
    decision = (state.decision_point if state else None) or label
    return ReportProject(
        diarienummer=case["diarienummer"],
        other_diarienummer=tuple(case["other_diarienummer"]),
        title=case["title"],
        purpose=case["purpose"],
        start_date=_date(case["start_date"]),
        end_date=_date(case["end_date"]),
        owner=case["owner"],
        owner_is_region=case["owner_is_region"],
        total_budget_sek=case["total_budget_sek"],
        funders=tuple(
            ReportFunder(f["code"], FUNDERS.get(f["code"], f["code"]), f["amount_sek"], f["status"])
            for f in case["funders"]
        ),
        own_financing=case["own_financing"],
        follow_up_status=case["follow_up_status"],
        follow_up_comment=case["follow_up_comment"],
        stage=case["stage"],
        stage_label=label,
        decision_point=decision,
        area=case["area"],
        priority=case["priority"],
    )


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value)


def group_projects(projects: Iterable[ReportProject]) -> tuple[AreaGroup, ...]:
    """Group by area, then priority, keeping the order in which each first appears."""
    areas: dict[str | None, dict[str | None, list[ReportProject]]] = {}
    for project in projects:
        areas.setdefault(project.area, {}).setdefault(project.priority, []).append(project)
    return tuple(
        AreaGroup(area, tuple(PriorityGroup(p, tuple(rows)) for p, rows in groups.items()))
        for area, groups in areas.items()
    )


def legend(workflows: Iterable[CompiledWorkflow]) -> str:
    """`Beslutspunkt: BP – Planering = Arbete med … BP – Genomförande = …` from every declared
    decision point (each name once), or "" when no workflow declares any."""
    meanings: dict[str, str] = {}
    for workflow in workflows:
        for point in workflow.spec.decision_points:
            meanings.setdefault(point.name, point.meaning)
    if not meanings:
        return ""
    return "Beslutspunkt: " + " ".join(f"{name} = {text}" for name, text in meanings.items())


def build_report(
    cases: Sequence[Mapping[str, Any]],
    workflows: WorkflowRegistry,
    *,
    as_of: date,
    area: str | None = None,
    diff: PortfolioDiff | None = None,
    include_closed: bool = False,
) -> PortfolioReport:
    """The report for `cases` (in registration order), each read by its own workflow. Cases in a
    final stage are left out by default.

    Raises:
        WorkflowSpecError: a case names a workflow that is not loaded.
    """
    projects = []
    for c in cases:
        workflow = workflows.get(c["workflow"])
        if (include_closed or not workflow.is_final(c["stage"])) and (
            area is None or c["area"] == area
        ):
            projects.append(project_from_case(c, workflow))
    return PortfolioReport(
        title=REPORT_TITLE, as_of=as_of, areas=group_projects(projects), diff=diff,
        filter_area=area, legend=legend(workflows.all()),
    )  # fmt: skip
