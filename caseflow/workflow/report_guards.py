"""The checks a results-report workflow (`subject: results_report`) may name in `conditions`.

Each takes the report's facts (anything shaped like `ReportSubject`, built by
`caseflow.results.lifecycle`) and returns every problem in Swedish; empty means go ahead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol


class ReportSubject(Protocol):
    @property
    def over_limit(self) -> Sequence[str]:
        """One Swedish line per section over its character limit."""
        ...

    @property
    def unanswered_choices(self) -> Sequence[str]:
        """The check-box slots ("5.1d") with no box ticked."""
        ...

    @property
    def empty_answers(self) -> Sequence[str]:
        """The slots whose text box is empty."""
        ...


ReportGuard = Callable[[ReportSubject], list[str]]


def sections_within_limits(report: ReportSubject) -> list[str]:
    """Every section's answers together fit its shared character limit."""
    return [f"{line} – korta texten" for line in report.over_limit]


def choices_answered(report: ReportSubject) -> list[str]:
    """Every check-box question (5.1a–d) has one box ticked."""
    slots = list(report.unanswered_choices)
    if not slots:
        return []
    return [f"kryss saknas i {', '.join(slots)}"]


def questions_answered(report: ReportSubject) -> list[str]:
    """Every question has a written answer."""
    slots = list(report.empty_answers)
    if not slots:
        return []
    return [f"svar saknas på {', '.join(slots)}"]


REPORT_GUARDS: dict[str, ReportGuard] = {
    "sections_within_limits": sections_within_limits,
    "choices_answered": choices_answered,
    "questions_answered": questions_answered,
}
