"""Drafting the results report from case data (pure): per section one Swedish sentence per
project that ran in the year, the anslag 1:1 decisions of the year summed by the programme they
co-finance, and the projects the configuration does not place. Suggestions only: the officer
takes them into an answer (`results/prefill.py`)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache

from caseflow.domain.amounts import format_number
from caseflow.domain.funders import FUNDERS
from caseflow.results.drafting import DraftingSpec, SectionSource

MONTHS = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti",
          "september", "oktober", "november", "december")  # fmt: skip
ANSLAG = "anslag_1_1"


@cache  # a year's projects share few dates
def long_date(day: date) -> str:
    """`2025-01-01` → "1 januari 2025"."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def kronor(amount: int) -> str:
    return f"{format_number(amount)}\u00a0kr"


@dataclass(frozen=True, slots=True)
class FunderLine:
    code: str
    status: str
    amount_sek: int | None
    decision_date: date | None


@dataclass(frozen=True, slots=True)
class ProjectRow:
    """What drafting needs of one case."""

    diarienummer: str
    title: str
    owner: str | None
    owner_is_region: bool
    priority: str | None
    area: str | None
    start_date: date | None
    end_date: date | None
    ran: bool  # in a running stage, or completed
    funders: tuple[FunderLine, ...] = ()


@dataclass(frozen=True)
class Suggestion:
    slot: str
    text: str
    sources: tuple[str, ...]  # the diarienummer it is drawn from


@dataclass(frozen=True)
class ProgrammeSum:
    programme: str
    projects: int
    amount_sek: int
    other_owner_projects: int
    other_owner_amount_sek: int


@dataclass
class Draft:
    year: int
    suggestions: dict[str, Suggestion] = field(default_factory=dict)
    unplaced: list[Suggestion] = field(default_factory=list)  # slot "" : for the officer to place
    programmes: list[ProgrammeSum] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def ran_in(row: ProjectRow, year: int) -> bool:
    """Whether the project ran during `year`: granted (running or completed) and its period
    overlaps the year."""
    if not row.ran or row.start_date is None:
        return False
    end = row.end_date or row.start_date
    return row.start_date <= date(year, 12, 31) and end >= date(year, 1, 1)


def sentence(row: ProjectRow, year: int, region: str) -> str:
    """One Swedish sentence: title, diarienummer, owner, funders, period, the year's decisions."""
    owner = region if row.owner_is_region or not row.owner else row.owner
    granted = [f for f in row.funders if f.status == "granted"]
    shown = granted or [f for f in row.funders if f.status != "rejected"]
    names = [FUNDERS.get(f.code, f.code) for f in shown]
    funded = f" och finansiering från {_join(names)}" if names else ""
    period = ""
    if row.start_date is not None:
        end = f"–{long_date(row.end_date)}" if row.end_date else ""
        period = f", under perioden {long_date(row.start_date)}{end}"
    decided = [f for f in granted if f.decision_date and f.decision_date.year == year]
    decisions = ""
    if decided:
        parts = [f"{FUNDERS.get(f.code, f.code)} {long_date(f.decision_date)}"
                 for f in decided if f.decision_date]  # fmt: skip
        decisions = f". Beslut om stöd under {year}: {_join(parts)}"
    return (f"Projektet ”{row.title}” ({row.diarienummer}) med {owner} som projektägare"
            f"{funded}{period}{decisions}.")  # fmt: skip


def _join(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def build_draft(rows: Iterable[ProjectRow], *, year: int, spec: DraftingSpec, region: str) -> Draft:
    """The year's suggestions from `rows` (every case; those that did not run are skipped,
    except for section 5, which counts the anslag 1:1 decisions taken in the year)."""
    draft = Draft(year)
    by_slot: dict[str, list[tuple[str, str]]] = {}
    placed: dict[tuple[str | None, str | None], SectionSource | None] = {}  # few distinct keys
    grants: list[tuple[ProjectRow, FunderLine]] = []
    for row in rows:
        for line in row.funders:
            if line.code == ANSLAG and line.status == "granted":
                if line.decision_date is None:
                    draft.warnings.append(
                        f"{row.diarienummer}: beviljat anslag 1:1 saknar beslutsdatum"
                    )
                elif line.decision_date.year == year:
                    grants.append((row, line))
        if not ran_in(row, year):
            continue
        text = sentence(row, year, region)
        key = (row.priority, row.area)
        if key not in placed:
            placed[key] = spec.section_for(row.priority, row.area)
        source = placed[key]
        if source is None:
            where = row.priority or row.area or "varken prioritering eller område"
            draft.unplaced.append(Suggestion("", f"{text} ({where})", (row.diarienummer,)))
        else:
            by_slot.setdefault(source.question, []).append((row.diarienummer, text))
    for slot, items in by_slot.items():
        draft.suggestions[slot] = Suggestion(
            slot, "\n".join(t for _, t in items), tuple(d for d, _ in items)
        )
    _programmes(draft, grants, spec)
    return draft


def _programmes(
    draft: Draft, grants: list[tuple[ProjectRow, FunderLine]], spec: DraftingSpec
) -> None:
    year = draft.year
    groups: dict[str, list[tuple[ProjectRow, FunderLine]]] = {}
    slots: dict[str, str | None] = {}
    for row, line in grants:
        if line.amount_sek is None:
            draft.warnings.append(f"{row.diarienummer}: beviljat anslag 1:1 saknar belopp")
        programme = spec.programme_of({f.code for f in row.funders if f.code != ANSLAG})
        name = programme.name if programme else spec.other_programme
        slots[name] = programme.slot if programme else None
        groups.setdefault(name, []).append((row, line))
    order = [p.name for p in spec.programmes] + [spec.other_programme]
    for name in sorted(groups, key=order.index):
        items = groups[name]
        others = [(r, ln) for r, ln in items if not r.owner_is_region]
        draft.programmes.append(
            ProgrammeSum(
                name, len(items), sum(ln.amount_sek or 0 for _, ln in items),
                len(others), sum(ln.amount_sek or 0 for _, ln in others),
            )
        )  # fmt: skip
        slot = slots[name]
        if slot is not None:
            titles = [f"”{r.title}” ({r.diarienummer})" for r, _ in items]
            total = sum(ln.amount_sek or 0 for _, ln in items)
            text = (f"Under {year} medfinansierade anslag 1:1 {_projects(len(items))} inom "
                    f"{name} med sammanlagt {kronor(total)}: {_join(titles)}.")  # fmt: skip
            draft.suggestions[slot] = Suggestion(
                slot, text, tuple(r.diarienummer for r, _ in items)
            )
    draft.suggestions[spec.programmes_question] = Suggestion(
        spec.programmes_question, _summary(draft), tuple(r.diarienummer for r, _ in grants)
    )


def _projects(n: int) -> str:
    return "ett projekt" if n == 1 else f"{n} projekt"


def _summary(draft: Draft) -> str:
    year, sums = draft.year, draft.programmes
    if not sums:
        return f"Under {year} beslutade regionen inte om någon medfinansiering från anslag 1:1."
    total = sum(p.amount_sek for p in sums)
    count = sum(p.projects for p in sums)
    parts = [f"{p.programme} {_projects(p.projects)}, {kronor(p.amount_sek)}" for p in sums]
    text = (f"Under {year} beviljade regionen medfinansiering från anslag 1:1 till "
            f"{_projects(count)}, sammanlagt {kronor(total)}: {'; '.join(parts)}.")  # fmt: skip
    others = sum(p.other_owner_projects for p in sums)
    if others:
        amount = sum(p.other_owner_amount_sek for p in sums)
        text += (f" Av dem hade {_projects(others)} en annan projektägare än regionen "
                 f"({kronor(amount)}).")  # fmt: skip
    return text
