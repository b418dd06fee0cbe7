"""The portfolio as a spreadsheet: one row per project, the columns documented in the README.

The same columns are read by `caseflow portfolio import FILE.xlsx|.csv` and written by the xlsx
report, so a report re-imports to the same cases. Funders are either one column with a
comma-separated list of names or codes ("Externa finansiärer"), or one column per funder whose
header is the funder's catalogue name or code and whose cell is `x`, an amount, and/or a status
(`300 000 kr; beviljad`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from caseflow.domain.amounts import format_report_amount, normalise_spaces, parse_amount
from caseflow.domain.funders import FUNDER_STATUS_LABELS, FUNDERS, funder_code, read_funder_list
from caseflow.errors import InputError
from caseflow.portfolio.report import ReportProject
from caseflow.workflow.machine import CompiledWorkflow

#: (key, header) in sheet order. Headers are matched case-insensitively; the key works too.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("diarienummer", "Diarienummer"),
    ("title", "Projekt"),
    ("purpose", "Projektets syfte"),
    ("start_date", "Startdatum"),
    ("end_date", "Slutdatum"),
    ("owner", "Projektägare"),
    ("owner_is_region", "Regionen äger projektet"),
    ("total_budget_sek", "Total budget"),
    ("funders", "Externa finansiärer"),
    ("own_financing", "Egen finansiering"),
    ("follow_up_status", "Uppföljningsstatus"),
    ("follow_up_comment", "Uppföljningskommentar"),
    ("decision_point", "Beslutspunkt"),
    ("stage", "Steg"),
    ("area", "Område"),
    ("priority", "Prioritering"),
)
HEADERS = tuple(header for _, header in COLUMNS)
REQUIRED = ("diarienummer", "title")
_STATUS_BY_LABEL = {label: code for code, label in FUNDER_STATUS_LABELS.items()}
_YES = {"ja", "true", "1", "x", "yes"}
_NO = {"nej", "false", "0", "no", ""}


def header_map(headers: Sequence[Any], *, where: str) -> dict[int, str]:
    """Column index → key (a COLUMNS key, or `funder:<code>` for a per-funder column).

    Raises:
        InputError: a header that is neither a known column nor a funder, a repeated column, or a
            required column missing.
    """
    by_name = {h.lower(): k for k, h in COLUMNS} | {k: k for k, _ in COLUMNS}
    found: dict[int, str] = {}
    for index, raw in enumerate(headers):
        text = normalise_spaces(str(raw or ""))
        if not text:
            continue
        key = by_name.get(text.lower())
        if key is None:
            try:
                key = "funder:" + funder_code(text)
            except InputError as err:
                raise InputError(
                    f"{where}: okänd kolumn {text!r}; kolumnerna är {', '.join(HEADERS)} "
                    f"eller en finansiär ({err})"
                ) from None
        if key in found.values():
            raise InputError(f"{where}: kolumnen {text!r} förekommer två gånger")
        found[index] = key
    missing = [h for k, h in COLUMNS if k in REQUIRED and k not in found.values()]
    if missing:
        raise InputError(f"{where}: kolumn saknas: {', '.join(missing)} (är det rätt fil?)")
    return found


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).replace("\r\n", "\n").strip()
    return text or None


def row_to_case(
    cells: Mapping[str, Any], workflow: CompiledWorkflow, *, where: str
) -> dict[str, Any]:
    """Case JSON (for CaseDoc) from one row keyed as `header_map` gives.

    Raises:
        InputError: `where: column: problem`.
    """

    def fail(column: str, message: str) -> InputError:
        header = dict(COLUMNS).get(column, column)
        return InputError(f"{where}: {header}: {message}")

    values = {k: _text(v) for k, v in cells.items()}
    numbers = [n.strip() for n in (values.get("diarienummer") or "").replace("\n", ",").split(",")]
    numbers = [n for n in numbers if n]
    if not numbers:
        raise fail("diarienummer", "saknas")
    case: dict[str, Any] = {"diarienummer": numbers[0], "other_diarienummer": numbers[1:]}
    for key in ("title", "purpose", "start_date", "end_date", "owner", "own_financing",
                "follow_up_status", "follow_up_comment", "area", "priority"):  # fmt: skip
        if key in values:
            case[key] = values[key]
    if "owner_is_region" in values:
        flag = (values["owner_is_region"] or "").lower()
        if flag not in _YES | _NO:
            raise fail(
                "owner_is_region", f"skriv ja eller nej (fick {values['owner_is_region']!r})"
            )
        case["owner_is_region"] = flag in _YES
    if values.get("total_budget_sek"):
        try:
            case["total_budget_sek"] = parse_amount(values["total_budget_sek"] or "")
        except InputError as err:
            raise fail("total_budget_sek", str(err)) from None
    stage = _stage(values, workflow, fail)
    if stage is not None:
        case["stage"] = stage
    default_status = funder_status_default(stage, workflow)
    funders: list[dict[str, Any]] = []
    if values.get("funders"):
        try:
            codes = read_funder_list(values["funders"] or "")
        except InputError as err:
            raise fail("funders", str(err)) from None
        funders = [{"code": c, "status": default_status} for c in codes]
    for key, value in values.items():
        if key.startswith("funder:") and value:
            code = key.removeprefix("funder:")
            cell = _funder_cell(code, value, default_status, fail)
            at = next((i for i, f in enumerate(funders) if f["code"] == code), None)
            if at is None:
                funders.append(cell)
            else:
                funders[at] = cell
    case["funders"] = funders
    return case


def _stage(values: Mapping[str, str | None], workflow: CompiledWorkflow, fail: Any) -> str | None:
    """The stage from `Steg` (code or label), else from `Beslutspunkt`."""
    labels = {s.name: s.name for s in workflow.spec.states}
    labels |= {s.label.lower(): s.name for s in workflow.spec.states}
    if values.get("stage"):
        text = (values["stage"] or "").strip()
        stage = labels.get(text) or labels.get(text.lower())
        if stage is None:
            raise fail(
                "stage",
                f"okänt steg {text!r}; giltiga: {', '.join(s.name for s in workflow.spec.states)}",
            )
        return stage
    if values.get("decision_point"):
        return stage_from_decision_point(values["decision_point"] or "", workflow, fail)
    return None


def funder_status_default(stage: str | None, workflow: CompiledWorkflow) -> str:
    """Funders read from a report row are granted once the project runs (`running: true`: the
    report's legend, BP – Genomförande = external financing is granted), else planned."""
    return "granted" if stage is not None and workflow.is_running(stage) else "planned"


def stage_from_decision_point(text: str, workflow: CompiledWorkflow, fail: Any) -> str:
    """`BP - Planering` → the stage the workflow's `decision_points` read it as (dashes, spaces
    and case loose)."""
    stage = workflow.spec.decision_point_stage(text)
    if stage is not None:
        return stage
    points = sorted(p.name for p in workflow.spec.decision_points)
    raise fail(
        "decision_point", f"okänd beslutspunkt {text.strip()!r}; giltiga: {', '.join(points)}"
    )


def _funder_cell(code: str, value: str, default_status: str, fail: Any) -> dict[str, Any]:
    amount: int | None = None
    status = default_status
    for part in (p.strip() for p in value.split(";")):
        if not part or part.lower() in _YES:
            continue
        if part.lower() in _STATUS_BY_LABEL or part in FUNDER_STATUS_LABELS:
            status = _STATUS_BY_LABEL.get(part.lower(), part)
            continue
        try:
            amount = parse_amount(part)
        except InputError as err:
            raise fail(f"{FUNDERS[code]}", str(err)) from None
    return {"code": code, "amount_sek": amount, "status": status}


def funder_cell(amount_sek: int | None, status: str) -> str:
    """The per-funder cell the xlsx report writes: `300 000 kr; beviljad` or `beviljad`."""
    label = FUNDER_STATUS_LABELS.get(status, status)
    return f"{format_report_amount(amount_sek)}; {label}" if amount_sek is not None else label


def project_row(project: ReportProject) -> list[Any]:
    """The cells of COLUMNS for one project (dates as dates, the budget in kronor)."""
    values: dict[str, Any] = {
        "diarienummer": ", ".join([project.diarienummer, *project.other_diarienummer]),
        "title": project.title,
        "purpose": project.purpose,
        "start_date": project.start_date,
        "end_date": project.end_date,
        "owner": project.owner,
        "owner_is_region": "ja" if project.owner_is_region else "nej",
        "total_budget_sek": project.total_budget_sek,
        "funders": ", ".join(f.name for f in project.funders),
        "own_financing": project.own_financing,
        "follow_up_status": project.follow_up_status,
        "follow_up_comment": project.follow_up_comment,
        "decision_point": project.decision_point,
        "stage": project.stage,
        "area": project.area,
        "priority": project.priority,
    }
    return [values[key] for key, _ in COLUMNS]
