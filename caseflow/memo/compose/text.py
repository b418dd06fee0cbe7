"""A memo's Markdown from case data: the checks of the kind's required facts, the template
context (heading, decision sentences, distribution list) and the kind's template. Pure apart
from reading the template files.

Templates and the sentences in board.yaml are Jinja2 run in a sandbox with StrictUndefined,
because a region edits them: one that names a missing field or an unsafe attribute is an error
naming file, line and name, never a half-filled memo.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from caseflow.domain.amounts import format_kronor
from caseflow.domain.funders import FUNDERS
from caseflow.errors import InputError
from caseflow.memo.compose.budget import TemplateTooCostly, render_bounded
from caseflow.memo.compose.config import (
    FACTS,
    BoardConfig,
    Signatory,
    compile_sentence,
    enumerate_sv,
    genitive,
)
from caseflow.memo.compose.draft import draft_text, scrub
from caseflow.memo.compose.escape import escape_markdown, escape_paragraphs, safe_line
from caseflow.resources import data_dir

MEMOS_DIR = data_dir("memos")
FORMATS = ("docx", "md", "html")


@dataclass(frozen=True)
class Officer:
    name: str | None
    email: str | None
    phone: str | None
    unit: str | None


@dataclass(frozen=True)
class MemoCheck:
    """What stops a memo (`missing`, Swedish) and what the officer should check (`warnings`)."""

    missing: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def check_memo(
    case: Mapping[str, Any], officer: Officer, kind: str, board: BoardConfig, memo_date: date
) -> MemoCheck:
    """Everything missing for `kind` (its `requires` in board.yaml; nothing is rendered then),
    and doubtful facts. Placeholder text ("Ej satt ännu") counts as missing."""
    if kind not in board.kinds:
        return MemoCheck([f"okänd memotyp {kind!r} (finns: {', '.join(board.kinds)})"])
    config = board.kinds[kind]
    case = scrub(case, board)
    present = {
        "handlaggare": bool(case["handlaggare"]) and bool(officer.name),
        "handlaggare_phone": bool(officer.phone),
        "funders": any(f.get("status") != "rejected" for f in case["funders"]),
        "total_budget": case["total_budget_sek"] is not None,
        "decision_basis": bool(case["decision_basis"]),
        "description": bool(case["background"] or case["purpose"]),
        "owner": bool(case["owner"]) or bool(case["owner_is_region"]),
        "period": bool(case["start_date"] and case["end_date"]),
    }
    missing: list[str] = []
    for fact in config.requires:
        if present[fact]:
            continue
        if fact == "handlaggare" and case["handlaggare"]:
            missing.append(f"handläggarens namn ({case['handlaggare']} är inte registrerad)")
        elif fact == "handlaggare_phone" and not case["handlaggare"]:
            continue  # reported once, as the handläggare
        elif fact == "funders" and case["funders"]:
            missing.append("minst en finansiär som inte har gett avslag")
        else:
            missing.append(FACTS[fact])
    return MemoCheck(missing, _warnings(case, config.partner, memo_date))


def _warnings(case: Mapping[str, Any], partner: bool, memo_date: date) -> list[str]:
    warnings: list[str] = []
    end = case["end_date"]
    if end is not None and date.fromisoformat(str(end)) < memo_date:
        warnings.append(f"slutdatum {end} ligger före memots datum {memo_date}")
    amounts = [f["amount_sek"] for f in case["funders"]]
    total = case["total_budget_sek"]
    if total is not None and amounts and all(a is not None for a in amounts):
        split = sum(a for a in amounts if a is not None)
        if split != total:
            warnings.append(
                f"finansiärernas belopp ({format_kronor(split)}) blir inte den totala budgeten "
                f"({format_kronor(total)})"
            )
    if partner and case["owner_is_region"]:
        warnings.append("samverkanspartsbeslut för ett projekt som regionen själv äger")
    return warnings


# --- the template ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MemoText:
    kind: str
    markdown: str
    template_version: str  # "<kind version>:<first 12 hex of the template's sha256>"
    warnings: list[str]


@functools.lru_cache(maxsize=8)
def _environment(templates: Path) -> SandboxedEnvironment:
    """One sandbox per template folder: compiled templates are cached (and reloaded when a
    template file changes)."""
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown out; html rendering escapes (markdown-it with html off)
        finalize=escape_markdown,  # case data is text, never Markdown structure
        keep_trailing_newline=True,
    )
    env.filters["genitive"] = genitive
    env.filters["enumerate_sv"] = enumerate_sv
    return env


def distribution(case: Mapping[str, Any]) -> list[str]:
    """ "Utdrag till": the case's list, the owner first when another organisation owns it."""
    copies = list(case.get("copies") or [])
    owner = case["owner"]
    if owner and not case["owner_is_region"] and owner not in copies:
        copies.insert(0, owner)
    return copies


def template_context(
    case: Mapping[str, Any], officer: Officer, kind: str, board: BoardConfig, memo_date: date,
    signatory: Signatory | None = None,
) -> dict[str, Any]:  # fmt: skip
    """What a template and the kind's sentences see (listed in memos/board.yaml, `kinds`)."""
    config = board.kinds[kind]
    case = scrub(case, board)
    live = [f for f in case["funders"] if f.get("status") != "rejected"]

    def wording(code: str, attribute: str) -> str:
        found = board.funders.get(code)
        value = getattr(found, attribute) if found else None
        return value or FUNDERS.get(code, code)

    start, end = case["start_date"], case["end_date"]
    context: dict[str, Any] = {
        "case": dict(case),
        "officer": {"name": officer.name, "email": officer.email, "phone": officer.phone},
        "unit": officer.unit or board.unit,
        "date": memo_date.isoformat(),
        "background": escape_paragraphs(case["background"] or draft_text(case, board).text),
        "board": board.model_dump(),
        "organisation": board.organisation,
        "delegation_point": config.delegation_point,
        "signatory": (signatory or board.signatory).model_dump(),
        "sources": list(dict.fromkeys(wording(f["code"], "source") for f in live)),
        "recipients": list(dict.fromkeys(
            wording(f["code"], "recipient") for f in live
            if f.get("status") in (None, "planned", "applied"))),
        "period": f"{start}–{end}" if start and end else "",
        "copies": distribution(case),
        "kind_title": config.title,
        "partner": config.partner,
    }  # fmt: skip
    context["heading"] = safe_line(_sentence(config.heading, context, board, kind, "heading"))
    decisions = [
        _sentence(text, context, board, kind, "decisions", str(i))
        for i, text in enumerate(config.decisions)
    ]
    context["decisions"] = [safe_line(d) for d in decisions if d.strip()]
    return context


def _sentence(text: str, context: dict[str, Any], board: BoardConfig, *loc: str) -> str:
    where = board.where("kinds", *loc)
    try:
        return render_bounded(compile_sentence(text), context).strip()
    except jinja2.TemplateSyntaxError as err:
        raise InputError(f"{where}: syntaxfel: {err.message}") from None
    except TemplateTooCostly as err:
        raise InputError(f"{where}: {err}") from None
    except (jinja2.UndefinedError, SecurityError) as err:
        what = "osäker åtkomst" if isinstance(err, SecurityError) else "okänt namn"
        raise InputError(f"{where}: {what}: {err.message}") from None


def render_markdown(
    case: Mapping[str, Any],
    officer: Officer,
    kind: str,
    board: BoardConfig,
    memo_date: date,
    *,
    templates: Path,
    signatory: Signatory | None = None,
) -> MemoText:
    """The memo as Markdown; doubtful facts become HTML comments at the top (the docx shows them
    as "Att kontrollera" notes).

    Raises:
        InputError: something required is missing (all listed), placeholder text would reach
            the memo, or a template or sentence is broken (file, line and name).
    """
    check = check_memo(case, officer, kind, board, memo_date)
    title = board.kinds[kind].title.lower() if kind in board.kinds else kind
    if check.missing:
        raise InputError(
            f"{case['diarienummer']}: kan inte skriva {title}: saknas: " + "; ".join(check.missing)
        )
    config = board.kinds[kind]
    source = (templates / config.template).read_bytes()
    version = f"{config.version}:{hashlib.sha256(source).hexdigest()[:12]}"
    context = template_context(case, officer, kind, board, memo_date, signatory)
    body = _run_template(_environment(templates), config.template, context)
    found = [p for p in board.placeholders if len(p.split()) > 1 and re.search(
        rf"(?<!\w){re.escape(p)}(?!\w)", body, re.IGNORECASE)]  # fmt: skip
    if found:
        raise InputError(
            f"{case['diarienummer']}: kan inte skriva {title}: texten innehåller "
            f"platshållaren ”{found[0]}”; skriv in uppgiften eller ta bort den"
        )
    notes = "".join(f"<!-- {w} -->\n" for w in check.warnings)  # docx/html: "Att kontrollera"
    return MemoText(kind, notes + body.strip() + "\n", version, check.warnings)


def _run_template(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    try:
        return render_bounded(env.get_template(name), context)
    except TemplateTooCostly as err:
        raise InputError(f"mallen {name}: {err}") from None
    except jinja2.TemplateSyntaxError as err:
        raise InputError(
            f"mallen {err.name or name}:{err.lineno}: syntaxfel: {err.message}"
        ) from None
    except (jinja2.UndefinedError, SecurityError) as err:
        line = _template_line(err, name)
        what = "osäker åtkomst" if isinstance(err, SecurityError) else "okänt namn"
        raise InputError(f"mallen {name}:{line}: {what}: {err.message}") from None


def _template_line(err: BaseException, name: str) -> str:
    """The template line Jinja put in the traceback (its frames carry the template file name)."""
    line = "?"
    tb = err.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(name):
            line = str(tb.tb_lineno)
        tb = tb.tb_next
    return line


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def officer_from_person(person: Mapping[str, Any] | None, email: str | None = None) -> Officer:
    """The handläggare as the header shows them; `email` (the case's) when not registered."""
    if person is None:
        return Officer(None, email, None, None)
    return Officer(person.get("name"), person.get("email"), person.get("phone"), person.get("unit"))


def kinds_help(board: BoardConfig) -> Sequence[str]:
    return list(board.kinds)
