"""The results report's deadlines (pure): one set per region and year, planned from the report
workflow's `deadlines:` rules with the cases' planner (`workflow.deadlines.plan`). For the
report on YEAR, `yearly` rules count from their day in YEAR + 1 (21 February) and `meeting`
rules from the board's last meeting on or before that due day."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from caseflow.domain.workdays import next_working_day
from caseflow.workflow.deadlines import CaseDates, Deadline, DeadlineRule, plan


def adopting_meeting(meetings: Sequence[date], *, year: int, due: date) -> date | None:
    """The board's last meeting in YEAR + 1 on or before `due` (January/February)."""
    candidates = [m for m in meetings if date(year + 1, 1, 1) <= m <= due]
    return max(candidates) if candidates else None


def submission_day(rules: Sequence[DeadlineRule], *, year: int) -> date:
    """The legal due date of the report on `year`: the first `yearly` rule's day in YEAR + 1,
    moved to the next working day (21 February if no rule says otherwise)."""
    on = next((r.yearly_on for r in rules if r.basis == "yearly" and r.yearly_on), "02-21")
    month, day = (int(p) for p in on.split("-"))
    return next_working_day(date(year + 1, month, day))


def report_deadlines(
    *,
    year: int,
    stage: str,
    is_open: bool,
    rules: Sequence[DeadlineRule],
    meetings: Sequence[date],
    today: date,
) -> list[Deadline]:
    """The deadlines of the report on `year` in `stage`, sorted by date (none once final)."""
    due = submission_day(rules, year=year)
    meeting = adopting_meeting(meetings, year=year, due=due)
    facts = CaseDates(stage, is_open, None, None, {}, [meeting] if meeting else [])
    # Plan as if on 1 January of YEAR + 1 so this report's own yearly occurrence is included
    # and past ones stay (overdue until the report moves on), whatever `today` is.
    start = min(today, date(year + 1, 1, 1))
    found = plan(facts, rules, today=start, horizon=date(year + 1, 12, 31))
    return [d for d in found if d.basis_date.year == year + 1]
