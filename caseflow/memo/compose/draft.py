"""The drafted Ärendebeskrivning: what the officer edits before the memo, written from the case's
facts in the order a memo tells them (context, owner and the region's role, purpose, period and
financing, anchoring). A fact the case lacks is left out and listed, never written as a
placeholder."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from babel.dates import format_date

from caseflow.domain.amounts import format_kronor, format_number
from caseflow.domain.funders import FUNDERS
from caseflow.memo.compose.config import BoardConfig, enumerate_sv, genitive

#: Openings that make the purpose a sentence of its own ("Syftet med …", "Projektet syftar …").
_SENTENCE_OPENINGS = re.compile(
    r"^(syfte|syftet|projektets syfte|projektet syftar|målet|projektets mål|projektet ska)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Draft:
    text: str
    missing: list[str] = field(default_factory=list)  # Swedish names of facts left out


def scrub(case: Mapping[str, Any], board: BoardConfig) -> dict[str, Any]:
    """The case with every placeholder text ("Ej satt ännu") taken for what it is: unknown."""
    clean: dict[str, Any] = {}
    for key, value in case.items():
        if isinstance(value, list):
            clean[key] = [v for v in value if not board.is_placeholder(v)]
        else:
            clean[key] = None if board.is_placeholder(value) else value
    return clean


def swedish_long_date(day: date) -> str:
    """`13 november 2024`."""
    return format_date(day, "d MMMM y", locale="sv_SE")


def draft_text(case: Mapping[str, Any], board: BoardConfig) -> Draft:
    """Paragraphs for the officer to edit, and the facts they had to leave out."""
    case = scrub(case, board)
    missing: list[str] = []
    paragraphs = [
        _context(case),
        _role_and_purpose(case, board, missing),
        " ".join(s for s in (_period(case, missing), *_financing(case, board, missing)) if s),
        _anchoring(case),
    ]
    return Draft("\n\n".join(p for p in paragraphs if p), missing)


def draft_background(case: Mapping[str, Any], board: BoardConfig) -> str:
    """The draft's text alone."""
    return draft_text(case, board).text


def _context(case: Mapping[str, Any]) -> str:
    strategy, priority = case.get("strategy"), case.get("priority")
    if strategy and priority:
        return (f"Projektet bidrar till genomförandet av {strategy} och till den långsiktiga "
                f"prioriteringen ”{priority}”.")  # fmt: skip
    if strategy:
        return f"Projektet bidrar till genomförandet av {strategy}."
    if priority:
        return f"Projektet bidrar till den långsiktiga prioriteringen ”{priority}”."
    return ""


def _role_and_purpose(case: Mapping[str, Any], board: BoardConfig, missing: list[str]) -> str:
    sentences: list[str] = []
    if case["owner_is_region"]:
        sentences.append(f"{board.organisation} är projektägare för ”{case['title']}”.")
    elif case["owner"]:
        sentences.append(f"Projektet ”{case['title']}” ägs av {case['owner']}, och "
                         f"{board.organisation} deltar som samverkanspart.")  # fmt: skip
    else:
        missing.append("projektägare")
    purpose = (case["purpose"] or "").strip()
    if not purpose:
        missing.append("syfte")
    elif _SENTENCE_OPENINGS.match(purpose):
        sentences.append(_sentence(purpose))
    elif purpose.lower().startswith("att "):
        sentences.append(_sentence("Syftet med projektet är " + purpose[0].lower() + purpose[1:]))
    else:
        sentences.append(_sentence(purpose))
    return " ".join(sentences)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text[-1:] in ".!?" else text + "."


def _period(case: Mapping[str, Any], missing: list[str]) -> str:
    start, end = case["start_date"], case["end_date"]
    if start and end:
        return f"Projektet pågår från {start} till {end}."
    if end:
        return f"Projektet kommer pågå från att ansökan skickas in fram till {end}."
    missing.append("slutdatum" if start else "projektperiod (start- och slutdatum)")
    return f"Projektet startar {start}." if start else ""


def _financing(case: Mapping[str, Any], board: BoardConfig, missing: list[str]) -> list[str]:
    """The budget, then one sentence per funding status, then the region's own share."""
    sentences: list[str] = []
    total = case["total_budget_sek"]
    if total is not None:
        sentences.append(f"Projektet har en budget om {format_kronor(total)}.")
    funders = case["funders"]
    if not funders:
        missing.append("finansiärer")
        return sentences
    by_status: dict[str, list[Mapping[str, Any]]] = {}
    for funder in funders:
        by_status.setdefault(funder.get("status") or "planned", []).append(funder)
    if "granted" in by_status:
        parts = [f"från {_source(f, board)}{_with_amount(f)}" for f in by_status["granted"]]
        sentences.append(f"Medfinansiering har beviljats {enumerate_sv(parts)}.")
    if "applied" in by_status:
        applied = by_status["applied"]
        parts = [f"{_recipient(f, board)}{_amount_in_brackets(f)}" for f in applied]
        noun = "Ansökan" if len(applied) == 1 else "Ansökningar"
        sentences.append(f"{noun} om medfinansiering har lämnats till {enumerate_sv(parts)}.")
    if "planned" in by_status:
        parts = [_planned(f, board) for f in by_status["planned"]]
        text = ", ".join(parts)
        sentences.append(text[:1].upper() + text[1:] + ".")
    if "rejected" in by_status:
        parts = [_recipient(f, board) for f in by_status["rejected"]]
        sentences.append(f"Ansökan till {enumerate_sv(parts, 'och till')} har fått avslag.")
    own = [f for f in funders if f["code"] in board.own_funds and f.get("status") != "rejected"]
    own_sum = sum(f["amount_sek"] or 0 for f in own)
    if own_sum:
        share = f"{genitive(board.organisation)} egen andel är {format_kronor(own_sum)}"
        if total:
            share += f", {_percent(own_sum, total)} av budgeten"
        sentences.append(share + ".")
    if case.get("own_financing"):
        sentences.append(f"Den egna medfinansieringen anges som {case['own_financing']}.")
    return sentences


def _percent(part: int, whole: int) -> str:
    value = round(100 * part / whole, 1)
    text = f"{value:.1f}".rstrip("0").rstrip(".").replace(".", ",")
    return f"{text}\u00a0%"


def _source(funder: Mapping[str, Any], board: BoardConfig) -> str:
    wording = board.funders.get(funder["code"])
    return (wording.source if wording else None) or FUNDERS.get(funder["code"], funder["code"])


def _recipient(funder: Mapping[str, Any], board: BoardConfig) -> str:
    wording = board.funders.get(funder["code"])
    return (wording.recipient if wording else None) or _source(funder, board)


def _with_amount(funder: Mapping[str, Any]) -> str:
    amount = funder["amount_sek"]
    text = f" med {format_kronor(amount)}" if amount is not None else ""
    if funder.get("decision_date"):
        text += f" (beslut {funder['decision_date']})"
    return text


def _amount_in_brackets(funder: Mapping[str, Any]) -> str:
    amount = funder["amount_sek"]
    return f" ({format_kronor(amount)})" if amount is not None else ""


def _planned(funder: Mapping[str, Any], board: BoardConfig) -> str:
    amount = funder["amount_sek"]
    wording = board.funders.get(funder["code"])
    if wording and wording.draft and amount is not None:
        return wording.draft.format(
            amount=format_kronor(amount), amount_plain=format_number(amount)
        )
    if amount is not None:
        return f"{format_kronor(amount)} avses sökas från {_source(funder, board)}"
    return f"medfinansiering avses sökas från {_source(funder, board)}"


def _anchoring(case: Mapping[str, Any]) -> str:
    body, day = case["anchoring_body"], case["anchoring_date"]
    if body and day:
        when = swedish_long_date(date.fromisoformat(str(day)))
        return f"Projektidén togs upp i {body} den {when}."
    if body:
        return f"Projektidén har förankrats i {body}."
    return ""
