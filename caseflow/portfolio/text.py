"""Read the board's portfolio report as text extracted from its PDF (seed 000).

The extraction writes each table row cell by cell: title and diarienummer, purpose, `Startdatum`/
`Slutdatum`, owner, financing, follow-up status and comment, decision point. Pages repeat a header
(the report's own diarienummer and the column headings); a new area starts on a new page with its
heading between the page header and the column headings; a long-term priority heading is the
first line of the title paragraph, wider than the title column. A row that does not fit on a page
continues at the top of the next one, before the next project's title.

How the reader decides, where the text itself does not say:
- a title paragraph's first line longer than TITLE_COLUMN_WIDTH characters is a priority heading;
- text spilled over a page break belongs to the purpose or follow-up comment of the project before
  it: the first of them (in column order) whose text does not end a sentence, else the comment;
- the follow-up status is the first paragraph of the follow-up column (the PDF indents it by one
  space, which is how its start is found);
- funders are "planned", or "granted" in a running stage (`running: true`; the report's own legend:
  BP – Genomförande = external financing is granted);
- the decision point starts with the first word of a point the workflow declares (`BP`), on one
  line (`BP – Planering`) or two (`BP` + `– Genomförande`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from caseflow.domain.amounts import parse_amount
from caseflow.domain.funders import match_funders, unknown_funder_message, words
from caseflow.errors import InputError
from caseflow.portfolio.sheet import funder_status_default, stage_from_decision_point
from caseflow.workflow.machine import CompiledWorkflow

TITLE_COLUMN_WIDTH = 27
_DNR = re.compile(r"^([A-ZÅÄÖ][A-ZÅÄÖ0-9-]{0,19}/\d{1,7}/\d{4})(?:\s*\((?P<note>[^)]*)\))?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADER_START = "Projekt Projektets syfte"
_HEADER_END = "Projektägare Finansiering"
_SENTENCE_END = (".", "!", "?", ":", ")")


@dataclass
class _Line:
    number: int
    raw: str

    @property
    def text(self) -> str:
        return " ".join(self.raw.split())


@dataclass
class _Block:
    """One project's rows, from its diarienummer line to its decision point."""

    line: int
    numbers: list[str]
    title: list[_Line]
    area: str | None
    priority: str | None
    body: list[_Line] = field(default_factory=list)
    spill: list[list[_Line]] = field(default_factory=list)


def _error(where: str, line: _Line | int, message: str) -> InputError:
    number = line if isinstance(line, int) else line.number
    quoted = "" if isinstance(line, int) else f": {line.text!r}"
    return InputError(f"{where}:{number}: {message}{quoted}")


def parse_portfolio_text(
    text: str, workflow: CompiledWorkflow, *, where: str
) -> list[tuple[int, dict[str, Any]]]:
    """The projects of a portfolio report as (line of the diarienummer, case JSON for `CaseDoc`),
    in report order.

    Raises:
        InputError: `FILE:LINE: what is wrong: 'the text'`; nothing is returned then.
    """
    lines = [_Line(i, raw) for i, raw in enumerate(text.splitlines(), start=1)]
    cleaned = _strip_page_furniture(lines, where)
    blocks = _split_blocks(cleaned, where, _point_heads(workflow))
    if not blocks:
        raise InputError(
            f"{where}: hittar inga projekt (inget diarienummer efter kolumnrubrikerna)"
        )
    return [(b.line, _read_block(b, workflow, where)) for b in blocks]


# --- pages: headers, column headings, area headings ------------------------------------------


@dataclass
class _Area:
    name: str
    line: int


def _strip_page_furniture(lines: list[_Line], where: str) -> list[_Line | _Area]:
    """Drop page headers and column headings; turn area headings into _Area markers."""
    first = next((ln for ln in lines if ln.text), None)
    if first is None or not any(ln.text.startswith(_HEADER_START) for ln in lines):
        raise InputError(
            f"{where}: inte en portföljrapport: hittar inte kolumnrubrikerna "
            f"{_HEADER_START!r} … 'Beslutspunkt'"
        )
    report_dnr = first.text if _DNR.match(first.text) else None
    title = next((ln.text for ln in lines if ln.text.startswith("Projekt med extern")), None)
    out: list[_Line | _Area] = []
    pending: list[_Line] = []  # text between a page header and the column headings
    in_header = False  # between the page header and the end of the column headings
    for ln in lines:
        t = ln.text
        if t and (t == report_dnr or t == title or t.startswith("Beslutspunkt: ")):
            in_header = True
            continue
        if t.startswith(_HEADER_START):
            in_header = True
            continue
        if in_header:
            if t.startswith(_HEADER_END):
                in_header = False
                heading = " ".join(p.text for p in pending if p.text)
                if heading:
                    out.append(_Area(heading, pending[0].number))
                pending = []
            elif t and t != "slutdatum":
                pending.append(ln)
            continue
        out.append(ln)
    return out


# --- blocks ----------------------------------------------------------------------------------


def _paragraphs(items: Sequence[_Line]) -> list[list[_Line]]:
    paragraphs: list[list[_Line]] = [[]]
    for ln in items:
        if ln.text:
            paragraphs[-1].append(ln)
        elif paragraphs[-1]:
            paragraphs.append([])
    return [p for p in paragraphs if p]


def _point_heads(workflow: CompiledWorkflow) -> frozenset[str]:
    """The first words of the workflow's decision points: `BP` for `BP – Planering`."""
    return frozenset(re.split(r"\s*[-–]\s*|\s+", p.name)[0] for p in workflow.spec.decision_points)


def _split_blocks(items: list[_Line | _Area], where: str, heads: frozenset[str]) -> list[_Block]:
    blocks: list[_Block] = []
    area: str | None = None
    priority: str | None = None
    gap: list[_Line] = []  # lines since the last block's decision point (or the start)
    current: _Block | None = None
    i = 0
    while i < len(items):
        item = items[i]
        if isinstance(item, _Area):
            if current is not None:
                raise _error(where, current.line, "projektet saknar beslutspunkt före nästa område")
            area, priority = item.name, None
            i += 1
            continue
        match = _DNR.match(item.text)
        if match is None:
            if current is not None:
                current.body.append(item)
                if _is_decision_point(current.body, heads):
                    blocks.append(current)
                    current = None
            else:
                gap.append(item)
            i += 1
            continue
        # A diarienummer line: its title is the paragraph just above it; any text before that
        # spilled over a page break from the previous project.
        if current is not None:
            raise _error(where, current.line, "projektet saknar beslutspunkt före nästa projekt")
        numbers = [match.group(1)]
        while i + 1 < len(items):
            nxt = items[i + 1]
            if isinstance(nxt, _Line) and (more := _DNR.match(nxt.text)):
                numbers.append(more.group(1))
                i += 1
            else:
                break
        paragraphs = _paragraphs(gap)
        if not paragraphs:
            raise _error(where, item, "diarienummer utan projekttitel ovanför")
        title = paragraphs[-1]
        spill = paragraphs[:-1]
        if len(title) > 1 and len(title[0].text) > TITLE_COLUMN_WIDTH:
            priority = title[0].text
            title = title[1:]
        if spill:
            _check_spill(spill, where)
            if not blocks:
                raise _error(where, spill[0][0], "text före första projektet som inte går att läsa")
            blocks[-1].spill.extend(spill)
        current = _Block(item.number, numbers, title, area, priority)
        gap = []
        i += 1
    if current is not None:
        raise _error(where, current.line, "projektet tar slut utan beslutspunkt")
    trailing = _paragraphs(gap)
    if trailing and blocks:
        _check_spill(trailing, where)
        blocks[-1].spill.extend(trailing)
    return blocks


def _check_spill(paragraphs: list[list[_Line]], where: str) -> None:
    for paragraph in paragraphs:
        for ln in paragraph:
            if ln.text in {"Startdatum", "Slutdatum"} or ln.text.startswith("Projektets totala"):
                raise _error(where, ln, "projektblock utan diarienummer")


def _is_decision_point(body: list[_Line], heads: frozenset[str]) -> bool:
    """The block ends with `BP - Planering` or `BP` + `- Genomförande` (`BP`: one of `heads`)."""
    texts = [ln.text for ln in body if ln.text]
    if not texts:
        return False
    last = texts[-1]
    if any(re.match(rf"^{re.escape(head)}\s*[-–]\s*\S", last) for head in heads):
        return True
    return len(texts) >= 2 and texts[-2] in heads and re.match(r"^[-–]\s*\S", last) is not None


# --- one block -------------------------------------------------------------------------------


def _join(lines: Sequence[_Line]) -> str:
    """Join wrapped lines: `EU-` + `finansierade` → `EU-finansierade`, else with a space."""
    out = ""
    for ln in lines:
        t = ln.text
        if not t:
            continue
        if not out:
            out = t
        elif out.endswith("-") and t[:1].islower():
            out += t
        else:
            out += " " + t
    return out


def _join_paragraphs(lines: Sequence[_Line]) -> str | None:
    text = "\n".join(_join(p) for p in _paragraphs(lines))
    return text or None


def _index(body: list[_Line], start: int, test: Any) -> int | None:
    for k in range(start, len(body)):
        if test(body[k]):
            return k
    return None


def _read_block(block: _Block, workflow: CompiledWorkflow, where: str) -> dict[str, Any]:
    body = block.body
    dnr_text = block.numbers[0]

    def need(k: int | None, what: str) -> int:
        if k is None:
            raise _error(where, block.line, f"{dnr_text}: hittar inte {what}")
        return k

    start = need(_index(body, 0, lambda ln: ln.text == "Startdatum"), "'Startdatum'")
    purpose = body[:start]
    start_date = _date_after(body, start, where)
    end_label = need(_index(body, start + 1, lambda ln: ln.text == "Slutdatum"), "'Slutdatum'")
    end_date = _date_after(body, end_label, where)
    after_dates = _index(body, end_label + 1, lambda ln: bool(_DATE.match(ln.text)))
    rest = body[need(after_dates, "slutdatum") + 1 :]
    status_at = _index(rest, 0, lambda ln: ln.raw[:1] == " " and bool(ln.text))
    heads = _point_heads(workflow)
    point_at = _index(
        rest, 0, lambda ln: ln.text in heads or ln.text.startswith(tuple(h + " " for h in heads))
    )
    point_at = need(point_at, "beslutspunkt")
    if status_at is None or status_at > point_at:
        status_at = point_at
    finance_at = _index(rest, 0, _is_finance_marker)
    if finance_at is None or finance_at > status_at:
        finance_at = status_at
    owner_lines, finance, follow = (
        rest[:finance_at],
        rest[finance_at:status_at],
        rest[status_at:point_at],
    )
    decision = _join(rest[point_at:])
    stage = stage_from_decision_point(
        decision, workflow, lambda _c, m: _error(where, rest[point_at], m)
    )
    follow_paragraphs = _paragraphs(follow)
    status = _join(follow_paragraphs[0]) if follow_paragraphs else None
    comment_lines = [ln for p in follow_paragraphs[1:] for ln in (*p, _Line(0, ""))]
    purpose_text = _join_paragraphs(purpose)
    comment = _join_paragraphs(comment_lines)
    purpose_text, comment = _attach_spill(block.spill, purpose_text, comment)
    owner_is_region, owner = _owner(owner_lines)
    budget, funders, own = _finance(finance, where)
    status_default = funder_status_default(stage, workflow)
    return {
        "diarienummer": dnr_text,
        "other_diarienummer": block.numbers[1:],
        "title": _join(block.title),
        "purpose": purpose_text,
        "area": block.area,
        "priority": block.priority,
        "start_date": start_date,
        "end_date": end_date,
        "owner": owner,
        "owner_is_region": owner_is_region,
        "total_budget_sek": budget,
        "funders": [{"code": c, "status": status_default} for c in funders],
        "own_financing": own,
        "follow_up_status": status,
        "follow_up_comment": comment,
        "stage": stage,
    }


def _date_after(body: list[_Line], label: int, where: str) -> str:
    ln = next((x for x in body[label + 1 :] if x.text), None)
    if ln is None or not _DATE.match(ln.text):
        raise _error(where, ln or body[label], f"{body[label].text} saknar datum (ÅÅÅÅ-MM-DD)")
    try:
        return date.fromisoformat(ln.text).isoformat()
    except ValueError:
        raise _error(where, ln, "ogiltigt datum") from None


def _is_finance_marker(ln: _Line) -> bool:
    t = ln.text
    return t.startswith(("Projektets totala", "Externa finansiärer", "Egen finansiering"))


def _owner(lines: list[_Line]) -> tuple[bool, str | None]:
    texts = [ln for ln in lines if ln.text]
    if texts and texts[0].text == "Annan projektägare":
        return False, _join(texts[1:]) or None
    return True, _join(texts) or None


def _finance(lines: list[_Line], where: str) -> tuple[int | None, list[str], str | None]:
    """(total budget in kronor, funder codes, own financing text) from the financing cell."""
    sections: dict[str, list[_Line]] = {"budget": [], "funders": [], "own": []}
    current: str | None = None
    for ln in lines:
        t = ln.text
        if t.startswith("Projektets totala"):
            current = "budget"
            rest = t.removeprefix("Projektets totala").strip().removeprefix("budget").strip()
            if rest:
                sections["budget"].append(_Line(ln.number, rest))
        elif t.startswith("Externa finansiärer"):
            current = "funders"
        elif t.startswith("Egen finansiering"):
            current = "own"
            rest = t.removeprefix("Egen finansiering").strip().removeprefix("i tkr").strip()
            if rest:
                sections["own"].append(_Line(ln.number, rest))
        elif current == "budget" and t == "budget":
            continue
        elif current == "own" and t == "i tkr" and not sections["own"]:
            continue
        elif current is not None and t:
            sections[current].append(ln)
    budget: int | None = None
    amount_line = next((ln for ln in sections["budget"] if any(c.isdigit() for c in ln.text)), None)
    if amount_line is not None:
        try:
            budget = parse_amount(amount_line.text.split("(")[0])
        except InputError as err:
            raise _error(where, amount_line, str(err)) from None
    elif sections["budget"]:
        raise _error(where, sections["budget"][0], "hittar inget belopp i projektets totala budget")
    codes, rest = match_funders(_join(sections["funders"]))
    if rest:  # name the line where the unknown name starts
        skip = sum(words(ln.text) for ln in sections["funders"]) - len(rest.split())
        line = sections["funders"][-1]
        for candidate in sections["funders"]:
            if skip < words(candidate.text):
                line = candidate
                break
            skip -= words(candidate.text)
        raise _error(where, line, unknown_funder_message(rest))
    return budget, codes, _join(sections["own"]) or None


def _attach_spill(
    spill: list[list[_Line]], purpose: str | None, comment: str | None
) -> tuple[str | None, str | None]:
    """Give each spilled paragraph to the first unfinished column: purpose, then comment."""
    for paragraph in spill:
        text = _join(paragraph)
        if purpose and not purpose.endswith(_SENTENCE_END):
            purpose = _continue(purpose, text)
        elif comment and not comment.endswith(_SENTENCE_END):
            comment = _continue(comment, text)
        else:
            comment = text if not comment else comment + "\n" + text
    return purpose, comment


def _continue(text: str, more: str) -> str:
    if text.endswith("-") and more[:1].islower():
        return text + more
    return text + " " + more
