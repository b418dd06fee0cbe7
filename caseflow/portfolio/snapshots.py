"""Portfolio snapshots: store the portfolio as presented to the board, and diff two of them.

`take_snapshot`, `list_snapshots` and `load_snapshot` are the storage; `diff_portfolios` is pure
and compares any two lists of case dicts (`casemap.case_to_dict`): snapshot → snapshot or → now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import defer, joinedload
from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.amounts import format_report_amount
from caseflow.domain.checks import check_text
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.funders import FUNDER_STATUS_LABELS, FUNDERS
from caseflow.domain.textformat import STOCKHOLM
from caseflow.errors import DuplicateError, InputError, NotFoundError
from caseflow.portfolio.report import PortfolioDiff, ProjectChange
from caseflow.store.casemap import case_to_dict
from caseflow.store.db import Database
from caseflow.store.models import Case, PortfolioSnapshot
from caseflow.workflow.machine import CompiledWorkflow
from caseflow.workflow.registry import WorkflowRegistry

Cases = Sequence[Mapping[str, Any]]

OUTCOME_LABELS: dict[str, str] = {
    "completed": "genomfört",
    "rejected": "avslag",
    "withdrawn": "återkallat",
}


@dataclass(frozen=True, slots=True, kw_only=True)
class SnapshotInfo:
    """A stored snapshot without its cases."""

    label: str
    taken_at: datetime  # timezone-aware UTC
    taken_by: str
    as_of: date  # the date the report was presented for
    case_count: int


def _info(row: PortfolioSnapshot) -> SnapshotInfo:
    return SnapshotInfo(
        label=row.label, taken_at=row.taken_at, taken_by=row.taken_by, as_of=row.as_of,
        case_count=row.case_count,
    )  # fmt: skip


def _check_label(label: str) -> str:
    label = check_text(label, field="etikett", max_length=200)
    if not label:
        raise InputError('etikett: får inte vara tom (t.ex. "RUN 2025-02-12")')
    return label


def _all_case_dicts(session: Session) -> list[dict[str, Any]]:
    # One SELECT (funders joined) rather than repo.list_cases' two: on PostgreSQL a single
    # statement sees one consistent state, so no case is stored with another moment's funders.
    stmt = (
        select(Case)
        .options(joinedload(Case.funders))  # type: ignore[arg-type]
        .order_by(col(Case.id))  # registration order, as the live report lists them
    )
    return [case_to_dict(case) for case in session.exec(stmt).unique().all()]


def take_snapshot(
    *, db: Database, label: str, actor: str, clock: Clock, as_of: date | None = None
) -> SnapshotInfo:
    """Store every case (closed ones too, in registration order) under `label`, in one
    transaction.

    `as_of` defaults to the Stockholm date of `clock.now()`.

    Raises:
        InputError: the label is empty, too long (over 200 characters) or has control
            characters; or the actor is not a usable name.
        DuplicateError: a snapshot with this label exists (nothing is written).
    """
    label = _check_label(label)
    actor = check_text(actor, field="tagen av", max_length=254)
    if not actor:
        raise InputError("tagen av: får inte vara tom")
    now = clock.now()
    if as_of is None:
        as_of = now.astimezone(STOCKHOLM).date()
    taken = f"det finns redan en ögonblicksbild med etiketten {label!r}; välj en annan etikett"
    with db.write(duplicate=taken) as session:
        if _find(session, label) is not None:
            raise DuplicateError(taken)
        cases = _all_case_dicts(session)
        row = PortfolioSnapshot(
            label=label, taken_at=now, taken_by=actor,
            as_of=as_of, cases=cases, case_count=len(cases),
        )  # fmt: skip
        session.add(row)
        session.flush()
        return _info(row)


def _find(session: Session, label: str) -> PortfolioSnapshot | None:
    stmt = select(PortfolioSnapshot).where(PortfolioSnapshot.label == label)
    return session.exec(stmt).first()


def _infos(session: Session) -> list[SnapshotInfo]:
    """Every snapshot, oldest first, without loading the stored cases."""
    stmt = (
        select(PortfolioSnapshot)
        .options(defer(PortfolioSnapshot.cases))  # type: ignore[arg-type]
        .order_by(col(PortfolioSnapshot.taken_at), col(PortfolioSnapshot.id))
    )
    return [_info(row) for row in session.exec(stmt).all()]


def list_snapshots(*, db: Database) -> list[SnapshotInfo]:
    """Every stored snapshot, oldest first."""
    with db.read() as session:
        return _infos(session)


def load_snapshot(*, db: Database, label: str) -> list[dict[str, Any]]:
    """The cases stored under `label`, as case dicts, in registration order.

    Raises:
        NotFoundError: no snapshot has this label; the message lists the known labels.
    """
    wanted = label.strip()
    with db.read() as session:
        row = _find(session, wanted)
        if row is not None:
            return [dict(case) for case in row.cases]
        known = [info.label for info in _infos(session)]
    if not known:
        raise NotFoundError(
            f"ingen ögonblicksbild heter {wanted!r}; det finns inga ännu "
            '(ta en med `caseflow portfolio snapshot --label "RUN ÅÅÅÅ-MM-DD"`)'
        )
    raise NotFoundError(f"ingen ögonblicksbild heter {wanted!r}; kända: {', '.join(known)}")


def workflow_stage_labels(workflow: CompiledWorkflow) -> dict[str, str]:
    """Stage → its label in `workflow` ("bp_planering" → "Planering"), for `diff_portfolios`."""
    return {state.name: state.label for state in workflow.spec.states}


# --- the pure diff ---------------------------------------------------------------------------


def dnr_sort_key(diarienummer: str) -> tuple[str, int, int]:
    """Prefix, year, serial: `RUN/9/2024` before `RUN/10/2024` before `RUN/1/2025`."""
    number = parse_dnr(diarienummer)
    return number.prefix, number.year, number.serial


def _portfolio(cases: Cases) -> dict[str, Mapping[str, Any]]:
    """The cases still in the portfolio (no outcome), by diarienummer."""
    return {c["diarienummer"]: c for c in cases if c["outcome"] is None}


def _sek(amount: int | None) -> str:
    return "ingen" if amount is None else format_report_amount(amount)


def _change(what: str, old: Any, new: Any, show: Callable[[Any], str]) -> list[str]:
    return [] if old == new else [f"{what}: {show(old)} → {show(new)}"]


def _funder_changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> list[str]:
    old = {f["code"]: f for f in before["funders"]}
    new = {f["code"]: f for f in after["funders"]}
    out: list[str] = []
    for code, funder in new.items():
        name = FUNDERS.get(code, code)
        if code not in old:
            details = [] if funder["amount_sek"] is None else [_sek(funder["amount_sek"])]
            details.append(_status(funder["status"]))
            out.append(f"ny finansiär: {name} ({', '.join(details)})")
            continue
        was = old[code]
        out += _change(f"{name}, status", was["status"], funder["status"], _status)
        out += _change(f"{name}, belopp", was["amount_sek"], funder["amount_sek"], _sek)
    out += [f"finansiär borttagen: {FUNDERS.get(c, c)}" for c in old if c not in new]
    return out


def _status(status: str) -> str:
    return FUNDER_STATUS_LABELS.get(status, status)


@dataclass(frozen=True, slots=True)
class StageNames:
    """How the diff names a case's stage: by its own workflow's label, or (`decision_point`) the
    decision point the report shows, else the label; a stage or workflow not loaded as itself."""

    workflows: WorkflowRegistry
    decision_point: bool = False

    def __call__(self, case: Mapping[str, Any]) -> str:
        workflow = self.workflows.find(case["workflow"])
        state = workflow.state(case["stage"]) if workflow else None
        if state is None:
            return str(case["stage"])
        return (state.decision_point if self.decision_point else None) or state.label

    def is_running(self, case: Mapping[str, Any]) -> bool:
        workflow = self.workflows.find(case["workflow"])
        return workflow is not None and workflow.is_running(case["stage"])


def _project_changes(
    before: Mapping[str, Any], after: Mapping[str, Any], stage_names: StageNames
) -> list[str]:
    """Every reported difference, in Swedish; a stage move that keeps its name is not one."""
    out = _change("titel", before["title"], after["title"], str)
    out += _change("steg", stage_names(before), stage_names(after), str)
    out += _change("total budget", before["total_budget_sek"], after["total_budget_sek"], _sek)
    out += _funder_changes(before, after)
    out += _change("slutdatum", before["end_date"], after["end_date"], _date_text)
    return out


def _date_text(value: str | None) -> str:
    return "inget" if value is None else str(value)


def _removal(diarienummer: str, after_all: Mapping[str, Mapping[str, Any]]) -> str:
    closed = after_all.get(diarienummer)
    if closed is None:
        return "finns inte längre i portföljen"
    outcome = closed["outcome"]
    return f"avslutat: {OUTCOME_LABELS.get(outcome, outcome)}"


def _follow_up(case: Mapping[str, Any]) -> tuple[str, str]:
    return (case["follow_up_status"] or "").strip(), (case["follow_up_comment"] or "").strip()


def _stale(
    before: Mapping[str, Any], after: Mapping[str, Any], label_from: str, stage_names: StageNames
) -> str | None:
    """Why a running project (`running: true` in its workflow) needs a fresh follow-up, or None
    if it got one."""
    if not stage_names.is_running(after) or _follow_up(before) != _follow_up(after):
        return None
    if _follow_up(after) == ("", ""):
        return "uppföljningsstatus och kommentar saknas"
    return f"uppföljningen är oförändrad sedan {label_from}"


def diff_portfolios(
    before: Cases,
    after: Cases,
    *,
    label_from: str,
    label_to: str,
    stage_names: StageNames,
) -> PortfolioDiff:
    """What changed in the portfolio from `before` to `after` (case dicts), by diarienummer.

    Closed cases (an outcome set) are not in the portfolio: one closed since `before` is
    removed, with its outcome. `changed` reports title, stage (as `stage_names` names it, by
    the case's own workflow), total budget, funders (added, removed, status, amount) and
    end date. `stale_comments` lists running projects whose follow-up status and comment equal
    those in `before` (running: as the case's workflow says). Every list is ordered by
    diarienummer (prefix, year, serial).
    """
    old, new = _portfolio(before), _portfolio(after)
    after_all = {c["diarienummer"]: c for c in after}
    added: list[ProjectChange] = []
    removed: list[ProjectChange] = []
    changed: list[ProjectChange] = []
    stale: list[ProjectChange] = []
    for dnr in sorted(old.keys() | new.keys(), key=dnr_sort_key):
        if dnr not in old:
            added.append(ProjectChange(dnr, new[dnr]["title"], ()))
        elif dnr not in new:
            reason = _removal(dnr, after_all)
            removed.append(ProjectChange(dnr, old[dnr]["title"], (reason,)))
        else:
            title = new[dnr]["title"]
            if changes := _project_changes(old[dnr], new[dnr], stage_names):
                changed.append(ProjectChange(dnr, title, tuple(changes)))
            if why := _stale(old[dnr], new[dnr], label_from, stage_names):
                stale.append(ProjectChange(dnr, title, (why,)))
    return PortfolioDiff(
        label_from=label_from, label_to=label_to, new=tuple(added), removed=tuple(removed),
        changed=tuple(changed), stale_comments=tuple(stale),
    )  # fmt: skip
