"""The portfolio report as Markdown, and `parse_markdown`, which reads that exact format back.

One pipe table per priority group with the seven report columns. Inside a cell a line break is
`<br>`, and `\\`, `|` and `<` are backslash-escaped, so any text survives the round trip (and
no text can smuggle in HTML). Funder lines carry amount and status:
`Tillväxtverkets nationella medel (300 000 kr, beviljad)`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from caseflow.domain.amounts import parse_amount
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.funders import FUNDER_STATUS_LABELS, funder_code
from caseflow.errors import InputError
from caseflow.portfolio.render.cells import (
    BUDGET,
    END,
    FUNDERS_TITLE,
    HEADERS,
    NO_AREA,
    NO_CHANGES,
    NO_PRIORITY,
    NO_PROJECTS,
    NO_STATUS,
    OTHER_OWNER,
    OWN_FINANCING,
    REGION_OWNER,
    START,
    diff_heading,
    diff_sections,
    project_cells,
    sections,
)
from caseflow.portfolio.report import PortfolioReport

_SEPARATOR = "| " + " | ".join("---" for _ in HEADERS) + " |"


def escape(text: str) -> str:
    """One Markdown line: `\\`, `|`, `<` escaped, line breaks as `<br>`."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "\\<").replace("\n", "<br>")


def _paragraph(text: str) -> str:
    line = escape(text)
    return "\\" + line if line.startswith(("#", "-", "+", "*", ">")) else line


def _row(cells: tuple[str, ...] | list[str]) -> str:
    return "| " + " | ".join(escape(c) for c in cells) + " |"


def render_markdown(report: PortfolioReport) -> str:
    """The whole report as Markdown text (ends with a newline)."""
    out = [f"# {escape(report.title)}", "", _paragraph(report.legend), ""]
    out += [f"Per {report.as_of.isoformat()}", ""]
    if report.diff is not None:
        out += [f"## {escape(diff_heading(report.diff))}", ""]
        changes = diff_sections(report.diff)
        for change in changes:
            out += [f"### {escape(change.title)}", ""]
            for item in change.items:
                out.append(f"- {escape(item.text)}")
                out += [f"  - {escape(detail)}" for detail in item.details]
            out.append("")
        if not changes:
            out += [NO_CHANGES, ""]
    if not report.areas:
        out += [NO_PROJECTS, ""]
    header = _row(HEADERS)
    for section in sections(report):
        if section.heading is not None:
            out += [f"## {escape(section.heading)}", ""]
        for table in section.tables:
            if table.heading is not None:
                out += [f"### {escape(table.heading)}", ""]
            out += [header, _SEPARATOR]
            out += [_row(project_cells(p, with_status=True)) for p in table.projects]
            out.append("")
    return "\n".join(out)


# --- reading ----------------------------------------------------------------------------------

_CELL = re.compile(r"((?:\\.|[^\\|])*)\|")
_UNESCAPE = re.compile(r"\\(.)|<br\s*/?>", re.IGNORECASE)
_RULE = re.compile(r":?-{3,}:?")
_FUNDER = re.compile(r"(?P<name>.+?) \((?P<details>[^()]*)\)")
_STATUS_BY_LABEL = {label: code for code, label in FUNDER_STATUS_LABELS.items()}
_DIFF_PREFIX = "Förändringar sedan "
Fail = Callable[[str], InputError]  # message → the error naming line and column


def unescape(text: str) -> str:
    """The inverse of `escape`."""
    return _UNESCAPE.sub(lambda m: m.group(1) if m.group(1) is not None else "\n", text)


def _split_row(line: str) -> list[str]:
    """The cells of `| a | b \\| c |` (escapes kept); the closing pipe may be missing."""
    body = line.strip()[1:]
    cells: list[str] = []
    end = 0
    for match in _CELL.finditer(body):
        cells.append(match.group(1).strip())
        end = match.end()
    if body[end:].strip():
        cells.append(body[end:].strip())
    return cells


def parse_markdown(text: str, *, where: str) -> list[dict[str, Any]]:
    """Cases from a report written by `render_markdown`: one case dict per project row, in order.

    The dicts have the CaseDoc keys the report shows (diarienummer, other_diarienummer, title,
    purpose, start_date, end_date, owner, owner_is_region, total_budget_sek, funders,
    own_financing, follow_up_status, follow_up_comment, area, priority) and
    `decision_point_text`, the raw Beslutspunkt cell, which the caller maps to a stage. Dates are
    ISO strings, amounts whole kronor. A funder line without a status gets `planned`.

    Raises:
        InputError: `where:line: problem` for a malformed table, an unknown funder, a bad date,
            amount or diarienummer, or when the text holds no project table at all.
    """
    area: str | None = None
    priority: str | None = None
    in_changes = False
    seen_area = False
    table = "none"  # none → header read → rule read (rows follow)
    found_table = False
    cases: list[dict[str, Any]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        at = f"{where}:{number}"
        if line.startswith("|") and not in_changes:
            cells = _split_row(line)
            if table == "none":
                if [unescape(c) for c in cells] != list(HEADERS):
                    raise InputError(
                        f"{at}: tabellens rubrikrad ska vara | {' | '.join(HEADERS)} |"
                    )
                table, found_table = "header", True
            elif table == "header":
                if len(cells) != len(HEADERS) or not all(_RULE.fullmatch(c) for c in cells):
                    raise InputError(f"{at}: rubrikraden ska följas av | --- | … |")
                table = "rows"
            else:
                case = _case([unescape(c) for c in cells], at)
                cases.append({**case, "area": area, "priority": priority})
            continue
        table = "none"
        if line.startswith("### ") and not in_changes:
            name = unescape(line[4:].strip())
            priority = None if name == NO_PRIORITY else name
        elif line.startswith("## "):
            name = unescape(line[3:].strip())
            in_changes = not seen_area and name.startswith(_DIFF_PREFIX)
            if not in_changes:
                seen_area = True
                area = None if name == NO_AREA else name
                priority = None
    if not found_table:
        raise InputError(f"{where}: hittar ingen projekttabell (är det rätt fil?)")
    return cases


def _case(cells: list[str], at: str) -> dict[str, Any]:
    if len(cells) != len(HEADERS):
        raise InputError(f"{at}: raden har {len(cells)} kolumner, ska ha {len(HEADERS)}")
    project, purpose, period, owner, financing, follow_up, decision = cells

    def fail(column: int, message: str) -> InputError:
        return InputError(f"{at}: {HEADERS[column]}: {message}")

    title, _, numbers_text = project.rpartition("\n\n")
    numbers = [n.strip() for n in numbers_text.split("\n") if n.strip()]
    if not numbers:
        raise fail(0, "diarienummer saknas (skrivs efter en tom rad under titeln)")
    try:
        numbers = [str(parse_dnr(n)) for n in numbers]
    except InputError as err:
        raise fail(0, str(err)) from None
    case: dict[str, Any] = {
        "diarienummer": numbers[0],
        "other_diarienummer": numbers[1:],
        "title": title.strip(),
        "purpose": purpose or None,
        **_period(period, lambda message: fail(2, message)),
        **_owner(owner),
        **_financing(financing, lambda message: fail(4, message)),
    }
    status, _, comment = follow_up.partition("\n\n")
    case["follow_up_status"] = None if status.strip() in ("", NO_STATUS) else status
    case["follow_up_comment"] = comment or None
    case["decision_point_text"] = decision
    return case


def _period(text: str, fail: Fail) -> dict[str, str | None]:
    found: dict[str, str | None] = {"start_date": None, "end_date": None}
    for line in filter(None, (t.strip() for t in text.split("\n"))):
        word, _, value = line.partition(" ")
        key = {START: "start_date", END: "end_date"}.get(word)
        if key is None:
            raise fail(f"väntade {START} eller {END}, fick {line!r}")
        try:
            found[key] = date.fromisoformat(value.strip()).isoformat()
        except ValueError:
            raise fail(f"ogiltigt datum {value.strip()!r}, skriv ÅÅÅÅ-MM-DD") from None
    return found


def _owner(text: str) -> dict[str, Any]:
    first, _, rest = text.partition("\n")
    if first.strip() == OTHER_OWNER:
        return {"owner": rest.strip() or None, "owner_is_region": False}
    owner = text.strip()
    return {"owner": None if owner in ("", REGION_OWNER) else owner, "owner_is_region": True}


def _financing(text: str, fail: Fail) -> dict[str, Any]:
    """Budget, funders and own financing from the Finansiering cell, in that order."""
    found: dict[str, Any] = {"total_budget_sek": None, "funders": [], "own_financing": None}
    lines = text.split("\n")
    i = 0

    def skip_blank() -> None:
        nonlocal i
        while i < len(lines) and not lines[i].strip():
            i += 1

    skip_blank()
    if i < len(lines) and lines[i].strip() == BUDGET:
        if i + 1 >= len(lines) or not lines[i + 1].strip():
            raise fail(f"beloppet saknas under {BUDGET!r}")
        try:
            found["total_budget_sek"] = parse_amount(lines[i + 1])
        except InputError as err:
            raise fail(str(err)) from None
        i += 2
        skip_blank()
    if i < len(lines) and lines[i].strip() == FUNDERS_TITLE:
        i += 1
        while i < len(lines) and lines[i].strip():
            found["funders"].append(_funder(lines[i].strip(), fail))
            i += 1
        skip_blank()
    if i < len(lines) and lines[i].strip() == OWN_FINANCING:
        found["own_financing"] = "\n".join(lines[i + 1 :]).strip() or None
        i = len(lines)
    if i < len(lines):
        raise fail(
            f"oväntad rad {lines[i].strip()!r}; väntade {BUDGET!r}, {FUNDERS_TITLE!r} "
            f"eller {OWN_FINANCING!r}"
        )
    return found


def _funder(line: str, fail: Fail) -> dict[str, Any]:
    """`Name (300 000 kr, beviljad)`, `Name (planerad)` or just `Name`."""
    name, amount, status = line, None, "planned"
    match = _FUNDER.fullmatch(line)
    if match:
        *rest, last = match.group("details").split(", ")
        if last in _STATUS_BY_LABEL and len(rest) <= 1:
            name, status = match.group("name"), _STATUS_BY_LABEL[last]
            if rest:
                try:
                    amount = parse_amount(rest[0])
                except InputError as err:
                    raise fail(f"{name}: {err}") from None
    try:
        code = funder_code(name)
    except InputError as err:
        raise fail(str(err)) from None
    return {"code": code, "amount_sek": amount, "status": status}
