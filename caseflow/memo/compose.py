"""Decision memos drafted from case data: the board's configuration, the kind, the checks, the
Ärendebeskrivning draft and the Markdown from the kind's template. Pure apart from reading the
configuration and template files.

Templates are Jinja2 run in a sandbox with StrictUndefined, because a region edits them: a
template that names a missing field or an unsafe attribute is an error naming template, line and
name, never a half-filled memo.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from babel.dates import format_date
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caseflow.domain.amounts import format_kronor, format_number
from caseflow.domain.casedoc import describe_validation
from caseflow.domain.funders import FUNDERS
from caseflow.errors import InputError
from caseflow.resources import data_dir
from caseflow.workflow.yamlpos import YamlSyntaxError, load_located

MEMOS_DIR = data_dir("memos")
FORMATS = ("docx", "md", "html")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signatory(_Strict):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)


class FunderWording(_Strict):
    source: str | None = None
    recipient: str | None = None
    draft: str | None = None  # "{amount} kan fås …": {amount} = "300 000 kronor", {amount_plain}


class KindConfig(_Strict):
    title: str
    template: str
    version: int = Field(ge=1)
    delegation_point: str | None = None


class KindWhen(_Strict):
    """Conditions on a case; a rule holds when every condition given holds."""

    stage: list[str] | None = None  # the case's stage is one of these
    owner_is_region: bool | None = None
    own_funds: bool | None = None  # some funder is one of `own_funds`
    own_funds_reach_limit: bool | None = None  # their amounts sum to `delegation_limit_sek`+
    eu_funded: bool | None = None  # some funder is one of `eu_funds`


class KindRule(_Strict):
    kind: str
    when: KindWhen = KindWhen()


class BoardConfig(_Strict):
    board: str
    board_name: str
    organisation: str
    unit: str
    delegation_rules: str
    budget_frame: str
    signatory: Signatory
    delegation_limit_sek: int = Field(ge=0)
    own_funds: list[str] = Field(default_factory=list)
    eu_funds: list[str] = Field(default_factory=list)
    funders: dict[str, FunderWording] = Field(default_factory=dict)
    kinds: dict[str, KindConfig]
    choose: list[KindRule] = Field(min_length=1)  # the first rule that holds picks the kind


def load_board(path: Path) -> BoardConfig:
    """The board configuration (YAML).

    Raises:
        InputError: `FILE:LINE: field: problem`.
    """
    try:
        located = load_located(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise InputError(f"{path}: kan inte läsa filen ({err.strerror})") from None
    except YamlSyntaxError as err:
        raise InputError(f"{path}:{err.line or '?'}: ogiltig YAML: {err}") from None
    try:
        config = BoardConfig.model_validate(located.data)
    except ValidationError as err:
        loc = tuple(err.errors()[0]["loc"])
        line = located.line_of(loc)
        raise InputError(f"{path}:{line or '?'}: {describe_validation(err)}") from None
    unknown = [
        c for c in [*config.own_funds, *config.eu_funds, *config.funders] if c not in FUNDERS
    ]
    if unknown:
        raise InputError(f"{path}: okänd finansiärskod {unknown[0]!r}")
    for i, rule in enumerate(config.choose):
        if rule.kind not in config.kinds:
            line = located.line_of(("choose", i, "kind"))
            raise InputError(
                f"{path}:{line or '?'}: choose.{i}.kind: okänd memotyp {rule.kind!r} "
                f"(finns: {', '.join(config.kinds)})"
            )
    for kind in config.kinds.values():
        if not (path.parent / "templates" / kind.template).is_file():
            raise InputError(f"{path}: mallen templates/{kind.template} finns inte")
    return config


# --- the facts a memo is made of -------------------------------------------------------------


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


def choose_kind(case: Mapping[str, Any], board: BoardConfig) -> str:
    """The memo kind a case calls for: the kind of the first rule in `board.choose` whose every
    condition holds (board.yaml: a partner decision when another organisation owns the project;
    a memo to the board when the region's co-financing reaches the delegation limit or
    co-finances an EU project; otherwise a delegation decision).

    Raises:
        InputError: no rule holds.
    """
    funders = case["funders"]
    own = sum(f["amount_sek"] or 0 for f in funders if f["code"] in board.own_funds)
    facts = {
        "owner_is_region": bool(case["owner_is_region"]),
        "own_funds": any(f["code"] in board.own_funds for f in funders),
        "own_funds_reach_limit": own >= board.delegation_limit_sek,
        "eu_funded": any(f["code"] in board.eu_funds for f in funders),
    }
    for rule in board.choose:
        when = rule.when
        if when.stage is not None and case["stage"] not in when.stage:
            continue
        if all(getattr(when, name) in (None, value) for name, value in facts.items()):
            return rule.kind
    raise InputError(f"{case['diarienummer']}: ingen regel i choose passar; ange memotyp")


def check_memo(
    case: Mapping[str, Any], officer: Officer, kind: str, board: BoardConfig, memo_date: date
) -> MemoCheck:
    """Everything missing for `kind` (nothing is rendered then), and doubtful facts."""
    missing: list[str] = []
    if kind not in board.kinds:
        missing.append(f"okänd memotyp {kind!r} (finns: {', '.join(board.kinds)})")
    if not case["handlaggare"]:
        missing.append("handläggare (handlaggare)")
    else:
        for label, value in (("namn", officer.name), ("telefon", officer.phone)):
            if not value:
                missing.append(f"handläggarens {label} ({case['handlaggare']})")
    if not case["funders"]:
        missing.append("minst en finansiär (funders)")
    if case["total_budget_sek"] is None:
        missing.append("total budget (total_budget_sek)")
    if not case["decision_basis"]:
        missing.append("beslutsunderlag (decision_basis)")
    if not case["background"] and not case["purpose"]:
        missing.append(
            "ärendebeskrivning (background) eller syfte (purpose) att skriva utkast från"
        )
    if kind == "delegationsbeslut_samverkanspart":
        if not case["owner"]:
            missing.append("projektägare (owner)")
        if not case["start_date"] or not case["end_date"]:
            missing.append("start- och slutdatum (deltagandeperioden)")
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
    if kind == "delegationsbeslut_samverkanspart" and case["owner_is_region"]:
        warnings.append("samverkanspartsbeslut för ett projekt som regionen själv äger")
    return MemoCheck(missing, warnings)


# --- the Ärendebeskrivning draft -------------------------------------------------------------


def swedish_long_date(day: date) -> str:
    """`13 november 2024`."""
    return format_date(day, "d MMMM y", locale="sv_SE")


def draft_background(case: Mapping[str, Any], board: BoardConfig) -> str:
    """Paragraphs for the officer to edit: purpose, period, budget and its split, anchoring."""
    paragraphs: list[str] = []
    if case["purpose"]:
        purpose = case["purpose"].strip()
        paragraphs.append(purpose if purpose.lower().startswith("syfte") else
                          f"Syftet med projektet är: {purpose}")  # fmt: skip
    facts: list[str] = []
    start, end = case["start_date"], case["end_date"]
    if start and end:
        facts.append(f"Projektet pågår från {start} till {end}.")
    elif end:
        facts.append(f"Projektet kommer pågå från att ansökan skickas in fram till {end}.")
    if case["total_budget_sek"] is not None:
        facts.append(f"Projektet har en budget om {format_kronor(case['total_budget_sek'])}.")
    parts = [_funder_part(f, board) for f in case["funders"]]
    if parts:
        facts.append(", ".join(parts) + ".")
    if facts:
        paragraphs.append(" ".join(facts))
    if case["anchoring_body"] and case["anchoring_date"]:
        day = date.fromisoformat(str(case["anchoring_date"]))
        paragraphs.append(
            f"Projektidén togs upp i {case['anchoring_body']} den {swedish_long_date(day)}."
        )
    return "\n\n".join(paragraphs)


def _funder_part(funder: Mapping[str, Any], board: BoardConfig) -> str:
    name = FUNDERS.get(funder["code"], funder["code"])
    amount = funder["amount_sek"]
    wording = board.funders.get(funder["code"])
    if wording and wording.draft and amount is not None:
        sentence = wording.draft.format(
            amount=format_kronor(amount), amount_plain=format_number(amount)
        )
        return sentence[:1].upper() + sentence[1:]
    if amount is not None:
        return f"{format_kronor(amount)} från {name}"
    return f"Finansiering söks från {name}"


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
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(templates),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown out; html rendering escapes (markdown-it with html off)
        keep_trailing_newline=True,
    )


def template_context(
    case: Mapping[str, Any], officer: Officer, kind: str, board: BoardConfig, memo_date: date,
    signatory: Signatory | None = None,
) -> dict[str, Any]:  # fmt: skip
    config = board.kinds[kind]
    funders = case["funders"]

    def wording(code: str, attribute: str) -> str:
        found = board.funders.get(code)
        value = getattr(found, attribute) if found else None
        return value or FUNDERS.get(code, code)

    start, end = case["start_date"], case["end_date"]
    return {
        "case": dict(case),
        "officer": {"name": officer.name, "email": officer.email, "phone": officer.phone},
        "unit": officer.unit or board.unit,
        "date": memo_date.isoformat(),
        "background": (case["background"] or draft_background(case, board)).strip(),
        "board": board.model_dump(),
        "delegation_point": config.delegation_point,
        "signatory": (signatory or board.signatory).model_dump(),
        "sources": [wording(f["code"], "source") for f in funders],
        "recipients": list(dict.fromkeys(wording(f["code"], "recipient") for f in funders)),
        "period": f"{start}–{end}" if start and end else "",
        "copies": [],
        "kind_title": config.title,
    }


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
        InputError: something required is missing (all listed), or the template is broken
            (template, line and name).
    """
    check = check_memo(case, officer, kind, board, memo_date)
    if check.missing:
        raise InputError(
            f"{case['diarienummer']}: kan inte skriva {kind}: saknas: " + "; ".join(check.missing)
        )
    config = board.kinds[kind]
    source = (templates / config.template).read_bytes()
    version = f"{config.version}:{hashlib.sha256(source).hexdigest()[:12]}"
    context = template_context(case, officer, kind, board, memo_date, signatory)
    body = _run_template(_environment(templates), config.template, context)
    notes = "".join(f"<!-- {w} -->\n" for w in check.warnings)  # docx/html: "Att kontrollera"
    return MemoText(kind, notes + body.strip() + "\n", version, check.warnings)


def _run_template(env: SandboxedEnvironment, name: str, context: dict[str, Any]) -> str:
    try:
        return env.get_template(name).render(context)
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


def officer_from_person(person: Mapping[str, Any] | None) -> Officer:
    if person is None:
        return Officer(None, None, None, None)
    return Officer(person.get("name"), person.get("email"), person.get("phone"), person.get("unit"))


def kinds_help(board: BoardConfig) -> Sequence[str]:
    return list(board.kinds)
