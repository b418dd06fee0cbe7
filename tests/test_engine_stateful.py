"""Stateful property test of the engine on a real, migrated database.

A Hypothesis state machine registers people and cases, then fires random triggers (declared and
unknown) by random actors with random reasons and row versions (current, stale, future), edits
fields with valid and invalid values and adds or changes funders. A small model, built from the
workflow YAML and the documented rules (not from caseflow's own code), predicts each result:
which calls must succeed and which errors are acceptable for the others. After every step the
database must match the model: stage, outcome, row version, fields, funders and the complete
history, which must replay from the first stage to the current one.

Every call must either succeed or raise a `CaseflowError`; anything else fails the test.
Each Hypothesis example gets a fresh database: a copy of the session's migrated SQLite template,
or (when CASEFLOW_TEST_DATABASE_URL is set) the PostgreSQL test database, truncated.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from caseflow.cases.engine import (
    add_person,
    create_case,
    edit_case,
    fire,
    possible_moves,
    set_funder,
)
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import EDITABLE_FIELDS, CaseDoc
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.workdays import local_date
from caseflow.errors import (
    CaseflowError,
    ConflictError,
    DuplicateError,
    GuardFailedError,
    InputError,
    PermissionDeniedError,
    TriggerNotAllowedError,
    UnknownCaseError,
    UnknownPersonError,
    UnknownTriggerError,
)
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database
from caseflow.store.repo import get_case, list_events
from caseflow.workflow.registry import WorkflowRegistry
from tests.conftest import empty_postgres
from tests.factories import CLERK, DECIDER, OFFICER, complete_fields

SETTINGS = settings(max_examples=30, stateful_step_count=25, deadline=None)
PG_URL = os.environ.get("CASEFLOW_TEST_DATABASE_URL")

# --- the workflow, read straight from its YAML

WORKFLOW = yaml.safe_load(
    (PROJECT_ROOT / "workflows" / "regional_project.yaml").read_text(encoding="utf-8")
)
STATES: list[str] = [s["name"] for s in WORKFLOW["states"]]
FINAL: frozenset[str] = frozenset(s["name"] for s in WORKFLOW["states"] if s.get("final"))
OPEN_STATES = [s for s in STATES if s not in FINAL]


@dataclass(frozen=True)
class Edge:
    trigger: str
    dest: str
    roles: frozenset[str]
    conditions: tuple[str, ...]
    outcome: str | None
    reason_required: bool
    reopen: bool = False  # the one kind of move out of a final stage


def _edges() -> dict[str, dict[str, Edge]]:
    edges: dict[str, dict[str, Edge]] = {}
    for t in WORKFLOW["transitions"]:
        source = t["source"]
        sources = OPEN_STATES if source == "*" else [source] if isinstance(source, str) else source
        edge = Edge(
            t["trigger"], t["dest"], frozenset(t["roles"]), tuple(t.get("conditions", [])),
            t.get("outcome"), bool(t.get("reason_required", False)), bool(t.get("reopen", False)),
        )  # fmt: skip
        for src in sources:
            edges.setdefault(t["trigger"], {})[src] = edge
    return edges


EDGES = _edges()
TRIGGERS = sorted(EDGES)
UNKNOWN_TRIGGER = "teleport"
OUTCOMES = ["completed", "rejected", "withdrawn"]

# --- people and cases

ROLES = ["handlaggare", "beslutsfattare", "namndsekreterare", "admin"]
FACTORY_PEOPLE = {
    OFFICER: frozenset({"handlaggare"}),
    DECIDER: frozenset({"beslutsfattare"}),
    CLERK: frozenset({"namndsekreterare"}),
}
EXTRA_EMAILS = ["dag@region.se", "eva@region.se"]
GHOST = "nobody@region.se"
MAX_CASES = 4
GHOST_DNR = "RUN/999/2025"
FUNDER_CODES = ["esf", "anslag_1_1", "tillvaxtverket_nationella"]
FUNDER_KEYS = ("code", "amount_sek", "status", "decision_date", "case_id")
TRACKED_FIELDS = (
    "title", "purpose", "area", "start_date", "end_date", "total_budget_sek",
    "final_report_date", "handlaggare",
)  # fmt: skip
BIGINT_MAX = 2**63 - 1

# --- values: each says whether caseflow must accept it, must refuse it, or may do either

VALID, INVALID = "valid", "invalid"


@dataclass(frozen=True)
class Value:
    """One value offered for a field; `stored` is its JSON form once accepted."""

    field: str
    value: Any
    verdict: str
    stored: Any = None


# Letters, digits, punctuation, symbols and spaces: characters whose stripping Python and
# pydantic agree on.
SAFE_TEXT = st.text(
    st.characters(categories=["L", "N", "P", "S", "Zs"], codec="utf-8"), min_size=1, max_size=30
)


def _text(
    fld: str, texts: st.SearchStrategy[str] = SAFE_TEXT, *, required: bool = False
) -> st.SearchStrategy[Value]:
    """Text is stored stripped; a required field must not end up empty."""
    return texts.map(
        lambda s: Value(fld, s, INVALID if required and not s.strip() else VALID, s.strip())
    )


def _dates(fld: str) -> st.SearchStrategy[Value]:
    valid = st.dates(date(1990, 1, 1), date(2060, 12, 31)).map(
        lambda d: Value(fld, d.isoformat(), VALID, d.isoformat())
    )
    invalid = st.sampled_from(["2025-13-01", "2025-02-30", "31/12/2025", "snart", ""]).map(
        lambda s: Value(fld, s, INVALID)
    )
    return st.one_of(valid, valid, st.just(Value(fld, None, VALID, None)), invalid)


def _budgets() -> st.SearchStrategy[Value]:
    f = "total_budget_sek"
    valid = st.integers(0, 10**10).map(lambda n: Value(f, n, VALID, n))
    invalid = st.one_of(
        st.integers(max_value=-1).map(lambda n: Value(f, n, INVALID)),
        st.sampled_from([1.5, "tio", [1]]).map(lambda v: Value(f, v, INVALID)),
    )
    # Above the documented maximum (10**13 kronor): refused with an InputError.
    huge = st.sampled_from([10**13 + 1, BIGINT_MAX, 2**63, 10**30]).map(
        lambda n: Value(f, n, INVALID)
    )
    return st.one_of(valid, valid, st.just(Value(f, None, VALID, None)), invalid, huge)


def _titles() -> st.SearchStrategy[Value]:
    f = "title"
    padded = SAFE_TEXT.map(lambda s: f"  {s}\t")
    return st.one_of(
        _text(f, required=True),
        _text(f, padded, required=True),
        st.just(Value(f, "x" * 500, VALID, "x" * 500)),
        st.sampled_from(["", "   ", None, 42, "x" * 501]).map(lambda v: Value(f, v, INVALID)),
        st.just(Value(f, "Projekt\x00noll", INVALID)),
    )


def _optional_text(fld: str, max_length: int | None) -> st.SearchStrategy[Value]:
    options = [_text(fld), st.just(Value(fld, None, VALID, None))]
    if max_length is not None:  # the column is VARCHAR(max_length): longer text is refused
        long = "y" * (max_length + 1)
        options.append(st.just(Value(fld, long, INVALID)))
    return st.one_of(*options)


def _handlaggare() -> st.SearchStrategy[Value]:
    f = "handlaggare"
    return st.one_of(
        st.sampled_from([OFFICER, "  Bo@Region.SE "]).map(
            lambda v: Value(f, v, VALID, v.strip().lower())
        ),
        st.just(Value(f, "", VALID, None)),
        st.just(Value(f, "inte-en-adress", INVALID)),
    )


def _not_editable() -> st.SearchStrategy[Value]:
    """Keys edit_case must refuse: unknown ones, and those only triggers or set_funder change."""
    return st.one_of(
        st.just(Value("budget", 5, INVALID)),
        st.sampled_from(STATES).map(lambda s: Value("stage", s, INVALID)),
        st.sampled_from(OUTCOMES).map(lambda s: Value("outcome", s, INVALID)),
        st.just(Value("diarienummer", "RUN/4711/2025", INVALID)),
        st.just(
            Value(
                "funders",
                [{"code": "esf", "status": "granted", "decision_date": "2025-01-01"}],
                INVALID,
            )
        ),
    )


EDIT_VALUES = st.one_of(
    _titles(),
    _optional_text("purpose", None),
    _optional_text("area", 300),
    _dates("start_date"),
    _dates("end_date"),
    _dates("final_report_date"),
    _budgets(),
    _handlaggare(),
    _not_editable(),
)
REASONS = st.one_of(
    st.none(),
    st.sampled_from(["", "   ", "Finansiären drog sig ur", "Projektet läggs ned"]),
    SAFE_TEXT,
    st.just("Motivering\x00"),  # a control character: always an InputError, never a raw error
)
VERSION_CHOICES = st.sampled_from(["none", "none", "current", "current", "stale", "future"])


def _funder_values() -> st.SearchStrategy[dict[str, Value | None]]:
    def opt(*options: st.SearchStrategy[Value]) -> st.SearchStrategy[Value | None]:
        return st.one_of(st.none(), *options)  # None: leave the key as it is

    return st.fixed_dictionaries(
        {
            "code": st.one_of(
                st.sampled_from(FUNDER_CODES).map(lambda c: Value("code", c, VALID, c)),
                st.just(Value("code", "eruf_regional", INVALID)),
            ),
            "amount_sek": opt(
                st.integers(0, 10**9).map(lambda n: Value("amount_sek", n, VALID, n)),
                st.integers(max_value=-1).map(lambda n: Value("amount_sek", n, INVALID)),
                st.just(Value("amount_sek", 2**63, INVALID)),
            ),
            "status": opt(
                st.sampled_from(["planned", "applied", "granted", "granted", "rejected"]).map(
                    lambda s: Value("status", s, VALID, s)
                ),
                st.just(Value("status", "approved", INVALID)),
            ),
            "decision_date": opt(
                st.dates(date(2020, 1, 1), date(2030, 12, 31)).map(
                    lambda d: Value("decision_date", d.isoformat(), VALID, d.isoformat())
                ),
                st.just(Value("decision_date", "2025-02-30", INVALID)),
            ),
            "case_id": opt(
                _text("case_id"),
                st.just(Value("case_id", "z" * 101, INVALID)),  # VARCHAR(100)
            ),
        }
    )


# --- the model


@dataclass
class ModelCase:
    dnr: str
    stage: str
    outcome: str | None
    fields: dict[str, Any]
    funders: dict[str, dict[str, Any]]  # code -> funder JSON, in insertion order
    row_version: int = 1
    # (kind, trigger, from_stage, to_stage, reason, changes, row_version); changes None = unchecked
    events: list[tuple[Any, ...]] = field(default_factory=list)


def blocked_by(condition: str, case: ModelCase) -> bool:
    """The guards as documented in DOMAIN.md / guards.py docstrings."""
    f = case.fields
    if condition == "application_complete":
        start, end = f["start_date"], f["end_date"]
        return (
            not (f["title"] or "").strip()
            or not (f["purpose"] or "").strip()
            or start is None
            or end is None
            or start >= end
            or f["total_budget_sek"] is None
            or not case.funders
        )
    if condition == "funding_granted":
        granted = [x for x in case.funders.values() if x["status"] == "granted"]
        return not any(x["decision_date"] for x in granted)
    if condition == "final_report_submitted":
        return not f["final_report_date"]
    if condition == "funder_rejected":
        return not any(x["status"] == "rejected" for x in case.funders.values())
    raise AssertionError(f"unknown condition {condition}")


def stored_reason(reason: str | None) -> str | None:
    """A reason as the history keeps it: line breaks as LF, stripped, empty as none."""
    if reason is None:
        return None
    return reason.replace("\r\n", "\n").replace("\r", "\n").strip() or None


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _describe(err: BaseException | None) -> str:
    return "success" if err is None else f"{type(err).__name__}: {err}"


class EngineMachine(RuleBasedStateMachine):
    """Subclassed per backend with `open_database` and `workflows` filled in."""

    open_database: ClassVar[Callable[[], tuple[Database, Callable[[], None]]]]
    workflows: ClassVar[WorkflowRegistry]

    def __init__(self) -> None:
        super().__init__()
        self.db, self._close = type(self).open_database()
        self.clock = FakeClock(datetime(2025, 1, 6, 9, 0, tzinfo=UTC))
        self.people: dict[str, frozenset[str]] = {}
        self.cases: dict[str, ModelCase] = {}
        self.serial = 0

    def teardown(self) -> None:
        self._close()

    # --- calling caseflow

    def call(self, fn: Callable[..., Any], **kwargs: Any) -> tuple[Any, CaseflowError | None]:
        """Run one engine call; any exception that is not a CaseflowError fails the test."""
        self.clock.advance(timedelta(minutes=1))
        try:
            return fn(**kwargs), None
        except CaseflowError as err:
            assert str(err).strip(), f"{type(err).__name__} without a message"
            return None, err

    @staticmethod
    def expect(err: CaseflowError | None, must_fail: set[type[CaseflowError]]) -> None:
        """`must_fail`: every refusal the model sees; the call must fail with one of them.
        Empty: the call must succeed."""
        if must_fail:
            names = sorted(e.__name__ for e in must_fail)
            assert err is not None, f"expected one of {names}, but the call succeeded"
            assert isinstance(err, tuple(must_fail)), (
                f"expected one of {names}, got {_describe(err)}"
            )
        elif err is not None:
            raise AssertionError(f"expected success: {_describe(err)}")

    def expected_version(self, case: ModelCase | None, choice: str) -> int | None:
        current = case.row_version if case else 1
        return {
            "none": None,
            "current": current,
            "stale": max(current - 1, 0),
            "future": current + 1,
        }[choice]

    def pick_case(self, data: st.DataObject) -> tuple[str, ModelCase | None]:
        dnr = data.draw(st.sampled_from([*sorted(self.cases), GHOST_DNR]), label="dnr")
        return dnr, self.cases.get(dnr)

    # --- setup rules

    @initialize()
    def add_factory_people(self) -> None:
        for email, roles in FACTORY_PEOPLE.items():
            add_person(db=self.db, email=email, name=email.split("@")[0], roles=sorted(roles),
                       clock=self.clock)  # fmt: skip
            self.people[email] = roles

    @rule(
        email=st.sampled_from([*FACTORY_PEOPLE, *EXTRA_EMAILS]),
        shout=st.booleans(),
        roles=st.lists(st.sampled_from([*ROLES, "chef"]), max_size=3, unique=True),
    )
    def register_person(self, email: str, shout: bool, roles: list[str]) -> None:
        given = email.upper() if shout else email
        _, err = self.call(add_person, db=self.db, email=given, name="Någon Person", roles=roles,
                           clock=self.clock)  # fmt: skip
        must_fail: set[type[CaseflowError]] = set()
        if not roles or "chef" in roles:
            must_fail.add(InputError)
        if email in self.people:
            must_fail.add(DuplicateError)
        self.expect(err, must_fail)
        if err is None:
            self.people[email] = frozenset(roles)

    @precondition(lambda self: len(self.cases) < MAX_CASES)
    @rule(
        stage=st.one_of(st.just(WORKFLOW["initial"]), st.sampled_from(STATES)),
        outcome=st.sampled_from(OUTCOMES),
        complete=st.booleans(),
        report=st.booleans(),
    )
    def register_case(self, stage: str, outcome: str, complete: bool, report: bool) -> None:
        self.serial += 1
        dnr = f"RUN/{self.serial}/2025"
        data: dict[str, Any] = complete_fields() if complete else {"title": f"Projekt {dnr}"}
        if report:
            data["final_report_date"] = "2026-01-15"
        doc = CaseDoc.model_validate(
            {"diarienummer": dnr, **data, "stage": stage,
             "outcome": outcome if stage in FINAL else None}
        )  # fmt: skip
        case, err = self.call(create_case, db=self.db, workflows=self.workflows, doc=doc,
                              actor=OFFICER, clock=self.clock)  # fmt: skip
        self.expect(err, set())
        assert (case.stage, case.row_version) == (stage, 1)
        fields = {k: data.get(k) for k in TRACKED_FIELDS}
        funders = {f["code"]: {k: f.get(k) for k in FUNDER_KEYS} for f in data.get("funders", [])}
        self.cases[dnr] = ModelCase(
            dnr, stage, outcome if stage in FINAL else None, fields, funders,
            events=[("create", None, None, stage, None, None, 1)],
        )  # fmt: skip

    # --- moves

    @precondition(lambda self: self.cases)
    @rule(
        data=st.data(),
        trigger=st.sampled_from([*TRIGGERS, UNKNOWN_TRIGGER]),
        actor=st.sampled_from([*FACTORY_PEOPLE, *EXTRA_EMAILS, GHOST]),
        reason=REASONS,
        version=VERSION_CHOICES,
    )
    def fire_anything(
        self, data: st.DataObject, trigger: str, actor: str, reason: str | None, version: str
    ) -> None:
        dnr, case = self.pick_case(data)
        self._fire(dnr, case, trigger, actor, reason, self.expected_version(case, version))

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), reason=REASONS, current=st.booleans())
    def fire_declared(self, data: st.DataObject, reason: str | None, current: bool) -> None:
        """A trigger that leaves the case's stage, by someone holding one of its roles: most of
        these succeed, so cases travel the whole workflow."""
        dnr = data.draw(st.sampled_from(sorted(self.cases)), label="dnr")
        case = self.cases[dnr]
        triggers = sorted(t for t, by_src in EDGES.items() if case.stage in by_src)
        trigger = data.draw(st.sampled_from(triggers or [UNKNOWN_TRIGGER]), label="trigger")
        edge = EDGES.get(trigger, {}).get(case.stage)
        able = sorted(p for p, r in self.people.items() if edge is None or r & edge.roles)
        actor = data.draw(st.sampled_from(able or [OFFICER]), label="actor")
        self._fire(dnr, case, trigger, actor, reason, case.row_version if current else None)

    def _fire(
        self,
        dnr: str,
        case: ModelCase | None,
        trigger: str,
        actor: str,
        reason: str | None,
        expected_version: int | None,
    ) -> None:
        result, err = self.call(
            fire, db=self.db, workflows=self.workflows, dnr=dnr, trigger=trigger, actor=actor,
            clock=self.clock, reason=reason, expected_version=expected_version,
        )  # fmt: skip
        bad_reason = "\x00" in (reason or "")  # checked before the case is looked up
        if case is None:
            self.expect(err, {UnknownCaseError, InputError} if bad_reason else {UnknownCaseError})
            return
        must_fail: set[type[CaseflowError]] = set()
        if bad_reason:
            must_fail.add(InputError)
        if expected_version is not None and expected_version != case.row_version:
            must_fail.add(ConflictError)
        edge = EDGES.get(trigger, {}).get(case.stage)
        if trigger not in EDGES:
            must_fail.add(UnknownTriggerError)
        elif edge is None:
            must_fail.add(TriggerNotAllowedError)
        if actor not in self.people:
            must_fail.add(UnknownPersonError)
        elif edge is not None and not self.people[actor] & edge.roles:
            must_fail.add(PermissionDeniedError)
        if edge is not None and edge.reason_required and not (reason or "").strip():
            must_fail.add(InputError)
        if edge is not None and any(blocked_by(c, case) for c in edge.conditions):
            must_fail.add(GuardFailedError)
        self.expect(err, must_fail)
        if isinstance(err, ConflictError):
            assert dnr in str(err), str(err)
        if isinstance(err, GuardFailedError):
            assert err.problems and all(isinstance(p, str) and p for p in err.problems)
        if err is not None:
            return
        assert edge is not None and (case.stage not in FINAL or edge.reopen), "a closed case moved"
        assert (result.from_stage, result.to_stage, result.outcome, result.row_version) == (
            case.stage, edge.dest, edge.outcome, case.row_version + 1,
        )  # fmt: skip
        case.events.append(
            (
                "transition",
                trigger,
                case.stage,
                edge.dest,
                stored_reason(reason),
                None,
                case.row_version + 1,
            )
        )
        case.stage, case.outcome = edge.dest, edge.outcome
        case.row_version += 1

    # --- edits

    @precondition(lambda self: self.cases)
    @rule(
        data=st.data(),
        values=st.lists(EDIT_VALUES, min_size=1, max_size=3, unique_by=lambda v: v.field),
        reason=st.one_of(st.none(), SAFE_TEXT),
        version=VERSION_CHOICES,
    )
    def edit(
        self, data: st.DataObject, values: list[Value], reason: str | None, version: str
    ) -> None:
        dnr, case = self.pick_case(data)
        changes = {v.field: v.value for v in values}
        expected_version = self.expected_version(case, version)
        bad_reason = "\x00" in (reason or "")  # a control character: refused up front
        result, err = self.call(
            edit_case, db=self.db, dnr=dnr, changes=changes, actor=OFFICER, clock=self.clock,
            reason=reason, expected_version=expected_version,
        )  # fmt: skip
        if case is None:
            # A field that can never be edited is rejected before the case is looked up.
            bad = bad_reason or any(v.field not in EDITABLE_FIELDS for v in values)
            self.expect(err, {UnknownCaseError, InputError} if bad else {UnknownCaseError})
            return
        must_fail: set[type[CaseflowError]] = set()
        if bad_reason:
            must_fail.add(InputError)
        if expected_version is not None and expected_version != case.row_version:
            must_fail.add(ConflictError)
        if case.outcome is not None:  # a closed case is read-only
            must_fail.add(InputError)
        wanted = dict(case.fields)
        for v in values:
            if v.verdict == INVALID:
                must_fail.add(InputError)
            else:
                wanted[v.field] = v.stored
        start, end = wanted["start_date"], wanted["end_date"]
        if start and end and end < start:
            must_fail.add(InputError)
        self.expect(err, must_fail)
        if err is not None:
            return
        diff = {k: [case.fields[k], wanted[k]] for k in changes if wanted[k] != case.fields[k]}
        assert result.changes == diff
        if not diff:
            assert result.row_version == case.row_version, "an edit that changed nothing"
            return
        assert result.row_version == case.row_version + 1
        case.row_version += 1
        case.fields = wanted
        case.events.append(
            ("edit", None, case.stage, case.stage, stored_reason(reason), diff, case.row_version)
        )

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), given=_funder_values(), version=VERSION_CHOICES)
    def change_funder(
        self, data: st.DataObject, given: dict[str, Value | None], version: str
    ) -> None:
        dnr, case = self.pick_case(data)
        funder = {k: (v.value if v else None) for k, v in given.items()}
        expected_version = self.expected_version(case, version)
        result, err = self.call(
            set_funder, db=self.db, dnr=dnr, funder=funder, actor=OFFICER, clock=self.clock,
            expected_version=expected_version,
        )  # fmt: skip
        if case is None:
            self.expect(err, {UnknownCaseError})
            return
        must_fail: set[type[CaseflowError]] = set()
        if expected_version is not None and expected_version != case.row_version:
            must_fail.add(ConflictError)
        invalid = any(v is not None and v.verdict == INVALID for v in given.values())
        if invalid or case.outcome is not None:  # a closed case is read-only
            must_fail.add(InputError)
        code = funder["code"]
        before = case.funders.get(code, {"code": code})
        after = {"code": code, "amount_sek": None, "status": "planned", "decision_date": None,
                 "case_id": None}  # fmt: skip
        after.update({k: v for k, v in before.items() if v is not None})
        after.update({k: v.stored for k, v in given.items() if v is not None})
        budget = case.fields["total_budget_sek"]
        if not invalid and budget is not None and (after["amount_sek"] or 0) > budget:
            must_fail.add(InputError)  # more than the whole project costs
        today = local_date(self.clock.now() + timedelta(minutes=1)).isoformat()
        if not invalid and after["status"] == "granted" and (after["decision_date"] or "") > today:
            must_fail.add(InputError)  # a grant decided in the future
        self.expect(err, must_fail)
        if err is not None:
            return
        diff = {
            f"funders.{code}.{k}": [before.get(k), after[k]]
            for k in FUNDER_KEYS
            if before.get(k) != after[k]
        }
        assert result.changes == diff
        if not diff:
            assert result.row_version == case.row_version
            return
        assert result.row_version == case.row_version + 1
        case.row_version += 1
        case.funders[code] = after
        case.events.append(("edit", None, case.stage, case.stage, None, diff, case.row_version))

    # --- reading

    @precondition(lambda self: self.cases)
    @rule(data=st.data(), actor=st.sampled_from([*FACTORY_PEOPLE, *EXTRA_EMAILS]))
    def look_at_moves(self, data: st.DataObject, actor: str) -> None:
        dnr = data.draw(st.sampled_from(sorted(self.cases)), label="dnr")
        case = self.cases[dnr]
        result, err = self.call(
            possible_moves, db=self.db, workflows=self.workflows, dnr=dnr, actor=actor
        )
        self.expect(err, set() if actor in self.people else {UnknownPersonError})
        if err is not None:
            return
        _, moves = result
        expected = {t: by_src[case.stage] for t, by_src in EDGES.items() if case.stage in by_src}
        assert {m.trigger for m in moves} == set(expected)
        for m in moves:
            edge = expected[m.trigger]
            allowed = bool(self.people[actor] & edge.roles) and not any(
                blocked_by(c, case) for c in edge.conditions
            )
            assert (m.dest, m.is_allowed) == (edge.dest, allowed), (m, case)

    # --- invariants

    @invariant()
    def database_matches_model(self) -> None:
        with self.db.read() as session:
            for dnr, model in self.cases.items():
                case = get_case(session=session, dnr=parse_dnr(dnr))
                assert case is not None and case.id is not None
                assert case.stage in STATES
                assert (case.stage, case.outcome, case.row_version) == (
                    model.stage, model.outcome, model.row_version,
                )  # fmt: skip
                assert (case.outcome is not None) == (case.stage in FINAL)
                assert {k: _json(getattr(case, k)) for k in TRACKED_FIELDS} == model.fields
                funders = [
                    {"code": f.code, "amount_sek": f.amount_sek, "status": f.status,
                     "decision_date": _json(f.decision_date), "case_id": f.funder_case_id}
                    for f in case.funders
                ]  # fmt: skip
                assert funders == list(model.funders.values())
                events = list_events(session=session, case_id=case.id)
                self.check_history(case.stage, case.row_version, events, model)

    def check_history(self, stage: str, row_version: int, events: Any, model: ModelCase) -> None:
        """The history replays to the stage; closed stays closed; one row version per change."""
        assert events and events[0].kind == "create"
        assert [e.row_version for e in events] == list(range(1, len(events) + 1))
        assert events[-1].row_version == row_version
        assert all(a.at <= b.at for a, b in zip(events, events[1:], strict=False))
        current = events[0].to_stage
        for e in events[1:]:
            assert e.from_stage == current, f"event {e.row_version} starts from {e.from_stage}"
            if e.kind == "transition":
                leaves_final = current in FINAL and not EDGES[e.trigger][current].reopen
                assert not leaves_final, "a move out of a final stage was recorded"
                assert EDGES[e.trigger][current].dest == e.to_stage
            else:
                assert e.kind == "edit" and e.to_stage == current
            current = e.to_stage
        assert current == stage
        actual = [
            (e.kind, e.trigger, e.from_stage, e.to_stage, e.reason,
             None if e.kind == "create" else e.changes, e.row_version)
            for e in events
        ]  # fmt: skip
        assert actual == model.events


# --- one test per backend


def machine_for(
    open_database: Callable[[], tuple[Database, Callable[[], None]]], workflows: WorkflowRegistry
) -> type[EngineMachine]:
    return type(
        "EngineMachine",
        (EngineMachine,),
        {"open_database": staticmethod(open_database), "workflows": workflows},
    )


def test_engine_state_machine_sqlite(sqlite_template: Path, workflows: WorkflowRegistry) -> None:
    def open_database() -> tuple[Database, Callable[[], None]]:
        directory = Path(tempfile.mkdtemp(prefix="caseflow-stateful-"))
        shutil.copy(sqlite_template, directory / "c.db")
        db = Database(f"sqlite:///{directory / 'c.db'}")

        def close() -> None:
            db.dispose()
            shutil.rmtree(directory, ignore_errors=True)

        return db, close

    run_state_machine_as_test(machine_for(open_database, workflows), settings=SETTINGS)


@pytest.mark.skipif(not PG_URL, reason="CASEFLOW_TEST_DATABASE_URL is not set")
def test_engine_state_machine_postgresql(
    request: pytest.FixtureRequest, workflows: WorkflowRegistry
) -> None:
    pg: Database = request.getfixturevalue("pg_database")

    def open_database() -> tuple[Database, Callable[[], None]]:
        empty_postgres(pg)
        return pg, lambda: None

    run_state_machine_as_test(machine_for(open_database, workflows), settings=SETTINGS)
