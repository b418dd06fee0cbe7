"""The board's memo configuration (memos/board.yaml): kinds, funder wording, how a kind is
chosen. Strict: an unknown key, kind, funder code, required fact or a broken sentence template
is an error naming file and line."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

from caseflow.domain.casedoc import describe_validation
from caseflow.domain.funders import FUNDERS
from caseflow.domain.inputfile import read_input_text
from caseflow.errors import InputError
from caseflow.memo.compose.escape import escape_markdown
from caseflow.workflow.yamlpos import YamlSyntaxError, load_located

#: The facts a kind may require, and how a missing one is named to the officer.
FACTS: dict[str, str] = {
    "handlaggare": "handläggare",
    "handlaggare_phone": "handläggarens telefonnummer",
    "funders": "minst en finansiär",
    "total_budget": "total budget",
    "decision_basis": "beslutsunderlag",
    "description": "ärendebeskrivning eller syfte att skriva utkast från",
    "owner": "projektägare",
    "period": "start- och slutdatum",
}
Fact = Literal[
    "handlaggare", "handlaggare_phone", "funders", "total_budget", "decision_basis",
    "description", "owner", "period",
]  # fmt: skip


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signatory(_Strict):
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)


class FunderWording(_Strict):
    source: str | None = None  # "finansieras … från X"
    recipient: str | None = None  # "Ansökan … skickas till X" (who one applies to)
    draft: str | None = None  # "{amount} kan fås …": {amount} = "300 000 kronor", {amount_plain}


class KindConfig(_Strict):
    title: str
    template: str
    version: int = Field(ge=1)
    delegation_point: str | None = None
    heading: str = Field(min_length=1)  # Jinja: "Projekt: {{ case.title }}"
    partner: bool = False  # the region takes part in a project another organisation owns
    requires: list[Fact] = Field(default_factory=list)
    decisions: list[str] = Field(min_length=1)  # Jinja; one numbered sentence each


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
    placeholders: list[str] = Field(default_factory=list)  # text that means "not known yet"
    funders: dict[str, FunderWording] = Field(default_factory=dict)
    # The case form offers these (with the values existing cases hold) for Område, Prioritering.
    areas: list[str] = Field(default_factory=list)
    priorities: list[str] = Field(default_factory=list)
    kinds: dict[str, KindConfig]
    choose: list[KindRule] = Field(min_length=1)  # the first rule that holds picks the kind
    _where: dict[tuple[str, ...], str] = PrivateAttr(default_factory=dict)

    def where(self, *path: str) -> str:
        """`FILE:LINE: a.b.c` for a key of the file (for errors found while rendering)."""
        return self._where.get(path, ".".join(path))

    def is_placeholder(self, value: object) -> bool:
        """Whether `value` is text standing for a fact not known yet ("Ej satt ännu")."""
        if not isinstance(value, str):
            return False
        text = " ".join(value.split()).rstrip(".").casefold()
        return any(text == " ".join(p.split()).rstrip(".").casefold() for p in self.placeholders)


@functools.lru_cache(maxsize=1)
def sentence_environment() -> SandboxedEnvironment:
    """The sandbox the kinds' heading and decision sentences run in (StrictUndefined); one for
    the process, so each sentence is compiled once."""
    env = SandboxedEnvironment(
        undefined=jinja2.StrictUndefined, autoescape=False, finalize=escape_markdown
    )
    env.filters["genitive"] = genitive
    env.filters["enumerate_sv"] = enumerate_sv
    return env


@functools.lru_cache(maxsize=256)
def compile_sentence(text: str) -> jinja2.Template:
    """A kind's heading or decision sentence, compiled once per text.

    Raises:
        jinja2.TemplateSyntaxError: the sentence is not valid Jinja.
    """
    return sentence_environment().from_string(text)


def genitive(name: str) -> str:
    """`Region Jämtland Härjedalen` → `Region Jämtland Härjedalens`; no s after s, x or z."""
    return name if name[-1:].lower() in ("s", "x", "z") else name + "s"


def enumerate_sv(items: list[str], conjunction: str = "och") -> str:
    """`A`, `A och B`, `A, B och C`."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def cached_board(path: Path) -> BoardConfig:
    """`load_board(path)`, parsed and validated once and again only when the file (or the
    templates folder it names files in) changes: keyed on their modification times and sizes.

    Raises:
        InputError: as `load_board` (errors are not cached: a fixed file is read again).
    """
    try:
        stat = path.stat()
        folder = (path.parent / "templates").stat().st_mtime_ns
    except OSError:
        return load_board(path)  # the error, worded by the loader
    return _board_at(path.resolve(), stat.st_mtime_ns, stat.st_size, folder)


@functools.lru_cache(maxsize=8)
def _board_at(path: Path, _mtime_ns: int, _size: int, _folder_mtime_ns: int) -> BoardConfig:
    return load_board(path)


def load_board(path: Path) -> BoardConfig:
    """The board configuration (YAML).

    Raises:
        InputError: `FILE:LINE: field: problem`.
    """
    try:
        located = load_located(read_input_text(path))
    except YamlSyntaxError as err:
        raise InputError(f"{path}:{err.line or '?'}: {err}") from None
    try:
        config = BoardConfig.model_validate(located.data)
    except ValidationError as err:
        loc = tuple(err.errors()[0]["loc"])
        line = located.line_of(loc)
        raise InputError(f"{path}:{line or '?'}: {describe_validation(err)}") from None

    def at(*loc: str | int) -> str:
        return f"{path}:{located.line_of(loc) or '?'}: {'.'.join(str(p) for p in loc)}"

    for key in ("own_funds", "eu_funds"):
        for i, code in enumerate(getattr(config, key)):
            if code not in FUNDERS:
                raise InputError(f"{at(key, i)}: okänd finansiärskod {code!r}")
    for code in config.funders:
        if code not in FUNDERS:
            raise InputError(f"{at('funders', code)}: okänd finansiärskod {code!r}")
    for i, rule in enumerate(config.choose):
        if rule.kind not in config.kinds:
            raise InputError(
                f"{at('choose', i, 'kind')}: okänd memotyp {rule.kind!r} "
                f"(finns: {', '.join(config.kinds)})"
            )
    env = sentence_environment()
    for name, kind in config.kinds.items():
        if not (path.parent / "templates" / kind.template).is_file():
            raise InputError(f"{at('kinds', name, 'template')}: mallen finns inte")
        sentences: list[tuple[tuple[str | int, ...], str]] = [
            (("kinds", name, "heading"), kind.heading)
        ]
        sentences += [(("kinds", name, "decisions", i), s) for i, s in enumerate(kind.decisions)]
        for loc, text in sentences:
            config._where[tuple(str(p) for p in loc)] = at(*loc)
            try:
                env.parse(text)
            except jinja2.TemplateSyntaxError as err:
                raise InputError(f"{at(*loc)}: syntaxfel: {err.message}") from None
    return config


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
    raise InputError(f"{case['diarienummer']}: ingen regel för memotyp passar; ange memotyp")
