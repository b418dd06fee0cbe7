"""A case's history as people read it, in Swedish: what happened, and each change as field
label, old value → new value. Shared by the case page and `caseflow case history`. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from caseflow.domain.casefields import CASE_KEYS, FIELDS
from caseflow.domain.decisions import event_text
from caseflow.domain.funders import FUNDER_STATUS_LABELS, FUNDERS
from caseflow.domain.meetingdays import meeting_event_text
from caseflow.domain.textformat import format_sek

if TYPE_CHECKING:
    from caseflow.workflow.spec import WorkflowSpec

NONE = "–"
SHORT = 120  # characters of a long text a history line shows
FUNDER_KEYS = {
    "code": "finansiär",
    "amount_sek": "belopp",
    "status": "status",
    "decision_date": "beslutsdatum",
    "case_id": "finansiärens diarienummer",
}


class EventLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def trigger(self) -> str | None: ...
    @property
    def from_stage(self) -> str | None: ...
    @property
    def to_stage(self) -> str | None: ...
    @property
    def changes(self) -> dict[str, Any] | None: ...


@dataclass(frozen=True, slots=True)
class Change:
    label: str
    old: str
    new: str

    def text(self) -> str:
        return f"{self.label}: {self.old} → {self.new}"


@dataclass(frozen=True, slots=True)
class Entry:
    summary: str
    changes: tuple[Change, ...] = ()

    def text(self) -> str:
        """One line: the summary, then the changes."""
        if not self.changes:
            return self.summary
        return f"{self.summary}: " + "; ".join(c.text() for c in self.changes)


@dataclass(frozen=True, slots=True)
class Labels:
    """Stage name → label and trigger → move label, from the workflow files."""

    stages: Mapping[str, str]
    moves: Mapping[str, str]

    def stage(self, name: str | None) -> str:
        return NONE if name is None else self.stages.get(name, name)


def labels_of(specs: Iterable[WorkflowSpec], own: WorkflowSpec | None = None) -> Labels:
    """Labels over every workflow; `own` (the case's workflow) wins where names repeat."""
    stages: dict[str, str] = {}
    moves: dict[str, str] = {}
    for spec in [*specs, *([own] if own else [])]:
        stages |= {s.name: s.label for s in spec.states}
        moves |= {t.trigger: t.label for t in spec.transitions}
    return Labels(stages, moves)


def describe(event: EventLike, labels: Labels) -> Entry:
    """What `event` did, in Swedish, with every change as label: old → new."""
    changes = event.changes or {}
    if event.kind == "transition":
        move = labels.moves.get(event.trigger or "", "Flyttade")
        return Entry(f"{move}: {labels.stage(event.from_stage)} → {labels.stage(event.to_stage)}")
    if event.kind == "create":
        return Entry(f"Ärendet registrerades i steget {labels.stage(event.to_stage)}")
    if event.kind == "disposal":  # retention.service: a document's files were disposed of
        return Entry(
            f"Gallrade filen till {changes.get('handling', '?')} enligt "
            f"{changes.get('rule', '?')} (beslut: {changes.get('decision', '?')})"
        )
    if event.kind == "import" and event.from_stage is None:
        return Entry(f"Ärendet importerades i steget {labels.stage(event.to_stage)}")
    if event.kind == "note":
        return Entry(f"Anteckning: {changes.get('text', '')}")
    told = (
        event_text(event.kind, changes)
        or meeting_event_text(event.kind, changes)
        or records_event_text(event.kind, changes)
    )
    if told is not None:
        return Entry(told)
    if event.kind in DEADLINE_EVENTS:
        return Entry(_deadline_text(event, changes, labels))
    summary = {"edit": "Ändrade uppgifter", "import": "Uppdaterades vid import"}.get(
        event.kind, "Ändrade ärendet"
    )
    if list(changes) and all(k.startswith("funders.") for k in changes):
        summary = "Ändrade finansieringsplanen"
    ordered = sorted(changes, key=_field_order)  # the case JSON's order, whatever the store's
    added = _added_funders(changes)
    lines = [_change(k, changes[k], labels) for k in ordered if _code_of(k) not in added]
    for code, doc in added.items():
        lines.append(Change(f"Finansiär {FUNDERS.get(code, code)}", NONE, _funder(doc)))
    return Entry(summary, tuple(lines))


DEADLINE_EVENTS = ("deadline_done", "deadline_skip", "stage_entered")

#: The records side's events (case_events.kind, at most 16 characters) and their Swedish words.
#: A line names the document by number, direction and type, never its subject or counterpart:
#: those may come under a secrecy mark later, and the history is not masked.
RECORDS_EVENTS = (
    "handling", "handling_version", "handling_final", "secrecy_mark", "secrecy_lift",
    "disclosure", "disclosure_done",
)  # fmt: skip
_DIRECTIONS = {"inkommande": "inkommande", "upprattad": "upprättad", "utgaende": "utgående"}
_FINAL = {"expedierad": "expedierad", "faststalld": "fastställd"}
_OUTCOMES = {"lamnas_ut": "lämnas ut", "maskerad": "lämnas ut med maskering", "avslag": "avslag"}


def records_event_text(kind: str, changes: Mapping[str, Any]) -> str | None:
    """How an event of the records side reads in a case's history; None for other kinds."""
    c = changes
    number = c.get("number") or "–"
    if kind == "handling":
        direction = _DIRECTIONS.get(str(c.get("direction")), str(c.get("direction")))
        file = f", fil {c['file']}" if c.get("file") else ", utan fil"
        how = " automatiskt" if c.get("auto") else ""
        kind_label = c.get("doc_type_label") or c.get("doc_type")
        return f"Registrerade{how} handling {number} ({direction}, {kind_label}{file})"
    if kind == "handling_version":
        return f"Ny version {c.get('version')} av handling {number} (fil {c.get('file')})"
    if kind == "handling_final":
        return f"Handling {number} blev {_FINAL.get(str(c.get('state')), str(c.get('state')))}"
    what = (
        f"handling {number}"
        if c.get("number")
        else f"fältet {c.get('field_label') or c.get('field')}"
    )
    if kind == "secrecy_mark":
        return f"Sekretessmarkerade {what} enligt {c.get('osl')}: {c.get('reason')}"
    if kind == "secrecy_lift":
        return f"Hävde sekretessmarkeringen ({c.get('osl')}) av {what}: {c.get('reason')}"
    if kind == "disclosure":
        return f"Begäran om utlämnande av {what} registrerades"
    if kind == "disclosure_done":
        outcome = _OUTCOMES.get(str(c.get("outcome")), str(c.get("outcome")))
        return f"Begäran om utlämnande av {what} avgjordes: {outcome}"
    return None


def _deadline_text(event: EventLike, changes: Mapping[str, Any], labels: Labels) -> str:
    if event.kind == "stage_entered":
        return (f"Angav att ärendet gick in i steget {labels.stage(event.to_stage)} "
                f"{changes.get('entered_on')} (fristerna räknas därifrån)")  # fmt: skip
    deadline = f"fristen ”{changes.get('frist')}” ({changes.get('datum')})"
    if event.kind == "deadline_done":
        return f"Markerade {deadline} som klar {changes.get('klar')}"
    return f"Markerade {deadline} som ej aktuell"


def _code_of(key: str) -> str | None:
    parts = key.split(".")
    return parts[1] if len(parts) == 3 and parts[0] == "funders" else None


def _added_funders(changes: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Funders a change set adds (their status was none before): code → the new funder."""
    added: dict[str, dict[str, Any]] = {}
    for key, pair in changes.items():
        code = _code_of(key)
        if code and key.endswith(".status") and isinstance(pair, list) and pair[0] is None:
            added[code] = {
                k.rsplit(".", 1)[1]: v[1] for k, v in changes.items() if _code_of(k) == code
            }
    return added


def _field_order(key: str) -> int:
    name = "funders" if key.startswith("funders.") else key
    return CASE_KEYS.index(name) if name in CASE_KEYS else len(CASE_KEYS)


def _change(key: str, pair: Any, labels: Labels) -> Change:
    old, new = pair if isinstance(pair, list | tuple) and len(pair) == 2 else (None, pair)
    if key.startswith("funders."):
        _, code, *rest = key.split(".", 2)
        name = FUNDERS.get(code, code)
        if not rest:  # the whole funder: added or removed
            return Change(f"Finansiär {name}", _funder(old), _funder(new) if new else "borttagen")
        if rest[0] == "code":
            return Change(f"Finansiär {name}", NONE if old is None else "fanns", "tillagd")
        return Change(f"{name}: {FUNDER_KEYS.get(rest[0], rest[0])}",
                      _funder_value(rest[0], old), _funder_value(rest[0], new))  # fmt: skip
    spec = FIELDS.get(key)
    if spec is None:
        return Change(key, value_text(old), value_text(new))
    if spec.kind == "stage":
        return Change(spec.label, labels.stage(old), labels.stage(new))
    return Change(spec.label, value_text(old, spec.kind), value_text(new, spec.kind))


def _funder(doc: Any) -> str:
    if not isinstance(doc, Mapping):
        return NONE
    status = FUNDER_STATUS_LABELS.get(str(doc.get("status")), str(doc.get("status")))
    decided = f", beslut {doc['decision_date']}" if doc.get("decision_date") else ""
    return f"{format_sek(doc.get('amount_sek'))}, {status}{decided}"


def _funder_value(key: str, value: Any) -> str:
    if value is None:
        return NONE
    if key == "amount_sek":
        return format_sek(value)
    if key == "status":
        return FUNDER_STATUS_LABELS.get(str(value), str(value))
    if key == "code":
        return FUNDERS.get(str(value), str(value))
    return str(value)


def value_text(value: Any, kind: str = "text") -> str:
    """A stored value as a history line shows it: kronor, Ja/Nej, lists joined, long texts cut."""
    if value is None or value == "" or value == []:
        return NONE
    if kind == "amount" and isinstance(value, int):
        return format_sek(value)
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if kind == "outcome":
        return {"completed": "genomfört", "rejected": "avslag", "withdrawn": "återkallat"}.get(
            str(value), str(value)
        )
    if kind == "funders" and isinstance(value, list):
        return "; ".join(f"{FUNDERS.get(str(f.get('code')), str(f.get('code')))} {_funder(f)}"
                         for f in value if isinstance(f, Mapping)) or NONE  # fmt: skip
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, date):
        return value.isoformat()
    text = " ".join(str(value).split())
    return text if len(text) <= SHORT else text[: SHORT - 1] + "…"
