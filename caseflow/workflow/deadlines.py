"""Deadline rules as data (the `deadlines:` list of a workflow YAML) and the pure planner that
turns a case, its meetings and the rules into dated deadlines.

A rule counts from the meeting a case is on, from one of the case's dates, from the day the case
entered a stage (periodic rules repeat from there), or from a fixed day each year. A `reminder`
that falls on a non-working day moves to the previous working day; a legal `due` date to the next.

Deadlines already past stay in the plan (they are overdue until someone marks them done), except
where a later one replaces them: a meeting's deadlines end with the meeting, of a periodic
rule only the latest past occurrence is kept, and a yearly rule counts from this year. Each
deadline has an `occurrence`, a key that stays the same when its date moves, so a mark (done,
not applicable) survives re-planning.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from caseflow.domain.workdays import add_working_days, next_working_day, previous_working_day

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
Recipient = Annotated[
    str, StringConstraints(pattern=r"^(handlaggare|role:[a-z_]+|address:[^@\s]+@[^@\s]+\.[^@\s]+)$")
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Offset(_Strict):
    """Exactly one of: calendar days, weeks or Swedish working days (negative = before)."""

    days: int | None = None
    weeks: int | None = None
    working_days: int | None = None
    months: int | None = Field(default=None, ge=1)  # only for `every`

    @model_validator(mode="after")
    def _one(self) -> Offset:
        given = [
            v for v in (self.days, self.weeks, self.working_days, self.months) if v is not None
        ]
        if len(given) != 1:
            raise ValueError("ange exakt en av days, weeks, working_days, months")
        return self


class DeadlineRule(_Strict):
    name: Identifier
    label: str = Field(min_length=1)
    basis: Literal["meeting", "start_date", "end_date", "entered", "yearly"]
    stage: str | None = None  # for basis `entered`
    yearly_on: str | None = Field(default=None, pattern=r"^\d{2}-\d{2}$")  # "02-21"
    offset: Offset = Offset(days=0)
    every: Offset | None = None  # repeat (from `entered`) while the case stays in `stages`
    notice: Offset | None = None  # remind this long before the date (e.g. a legal due date)
    kind: Literal["reminder", "due"] = "reminder"
    stages: list[str] = Field(default_factory=list)  # empty: every open stage
    recipients: list[Recipient] = Field(min_length=1)
    template: Identifier

    @model_validator(mode="after")
    def _basis(self) -> DeadlineRule:
        if (self.basis == "entered") != (self.stage is not None):
            raise ValueError("stage anges för (och bara för) basis: entered")
        if (self.basis == "yearly") != (self.yearly_on is not None):
            raise ValueError("yearly_on anges för (och bara för) basis: yearly")
        if self.every is not None and self.basis != "entered":
            raise ValueError("every fungerar bara med basis: entered")
        return self


@dataclass(frozen=True)
class CaseDates:
    """What the planner needs of one case."""

    stage: str
    is_open: bool
    start_date: date | None
    end_date: date | None
    entered: Mapping[str, date]  # stage → the day the case (last) entered it
    meetings: Sequence[date]  # the meetings the case is on


@dataclass(frozen=True, order=True)
class Deadline:
    on: date  # the deadline (a reminder: moved to a working day before; due: after)
    basis_date: date
    rule: str
    label: str
    remind_on: date  # when to send the reminder: `on`, or `notice` before it
    occurrence: str = ""  # stable within (case, rule): "" once-only, a meeting day, "n3", a year


STATES = ("upcoming", "due", "overdue", "done", "not_applicable")
STATE_LABELS = {"upcoming": "kommande", "due": "att göra", "overdue": "försenad", "done": "klar",
                "not_applicable": "ej aktuell"}  # fmt: skip


def deadline_state(*, due_on: date, remind_on: date, mark: str | None, today: date) -> str:
    """One of STATES: a mark (done, not_applicable) wins; else overdue after the date, due from
    the reminder day, upcoming before it."""
    if mark in ("done", "not_applicable"):
        return mark
    if due_on < today:
        return "overdue"
    return "due" if remind_on <= today else "upcoming"


def shift(day: date, offset: Offset) -> date:
    if offset.working_days is not None:
        return add_working_days(day, offset.working_days)
    if offset.weeks is not None:
        return day + timedelta(weeks=offset.weeks)
    if offset.months is not None:
        return _add_months(day, offset.months)
    return day + timedelta(days=offset.days or 0)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


def _settle(day: date, kind: str) -> date:
    return previous_working_day(day) if kind == "reminder" else next_working_day(day)


def plan(
    case: CaseDates, rules: Sequence[DeadlineRule], *, today: date, horizon: date
) -> list[Deadline]:
    """Every deadline of `case` up to `horizon`, sorted by date, past ones included (overdue
    until marked done) unless replaced: a meeting's deadlines end with the meeting, and a periodic
    rule keeps only its latest past occurrence. A closed case, or a rule whose `stages` do not
    include the case's stage, has none."""
    if not case.is_open:
        return []
    found: list[Deadline] = []
    for rule in rules:
        if rule.stages and case.stage not in rule.stages:
            continue
        dated = []
        for occurrence, basis in _bases(case, rule, today, horizon):
            if rule.basis == "meeting" and basis < today:
                continue  # the meeting is over: its preparations no longer apply
            on = _settle(shift(basis, rule.offset), rule.kind)
            remind = on if rule.notice is None else previous_working_day(shift(on, rule.notice))
            if on <= horizon:
                dated.append(Deadline(on, basis, rule.name, rule.label, min(remind, on),
                                      occurrence))  # fmt: skip
        if rule.every is not None:
            past = [d for d in dated if d.on < today]
            dated = [d for d in dated if d.on >= today] + past[-1:]
        found += dated
    return sorted(set(found))


def _bases(
    case: CaseDates, rule: DeadlineRule, today: date, horizon: date
) -> list[tuple[str, date]]:
    """(occurrence, basis date) of each time `rule` applies to `case`."""
    if rule.basis == "meeting":
        return [(m.isoformat(), m) for m in case.meetings]
    if rule.basis == "start_date":
        return [("", case.start_date)] if case.start_date else []
    if rule.basis == "end_date":
        return [("", case.end_date)] if case.end_date else []
    if rule.basis == "yearly":
        assert rule.yearly_on is not None
        month, day = (int(p) for p in rule.yearly_on.split("-"))
        return [(str(year), date(year, month, day))
                for year in range(today.year, horizon.year + 1)]  # fmt: skip
    entered = case.entered.get(rule.stage or "")
    if entered is None:
        return []
    if rule.every is None:
        return [("", entered)]
    bases, current, n = [], entered, 0
    while current <= horizon:
        if current > entered:
            bases.append((f"n{n}", current))
        n += 1
        current = shift(current, rule.every)
    return bases
