"""Case fields under a secrecy mark, masked for those who may not see them, in every output that
shows a case: the case page and its history, the case JSON of the API and `case show --public`,
the case lists and their csv/xlsx, the portfolio report; elsewhere with these functions: the
list's search and filters (`cases.caselist`, `masked`), the kallelse and protokollsutdrag
(`meetings.export`), `case history --public` and the history's mark reasons (`mask_history`),
the results report's suggestions (`results.prefill`), portfolio snapshots in a public diff
(`mask_stored_docs`), the calendar feed (`meetings.calendar`).

A masked text, long text or e-mail field reads `[sekretess]`, a list field `["[sekretess]"]`,
an amount or a date is left out (null), so a masked value is never mistaken for a real one and a
sum never includes what cannot be shown. The real values stay in the database; a role with
access by `records/secrecy.yaml` sees them.

Memos: a memo is drafted by an officer with access for the board, which must see the whole case,
so its text keeps the values; the memo registered as an upprättad handling carries a secrecy
mark under the fields' provisions (see `mark_memo`), so it is masked in the register and its
file is not given to a role without access.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from caseflow.domain.casefields import FIELDS
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import PermissionDeniedError
from caseflow.records.config import SecrecyConfig
from caseflow.records.models import Handling, SecrecyMark
from caseflow.records.rows import event_row
from caseflow.records.secrecy import LIFT, MARK, field_marks
from caseflow.records.vocabulary import MASK, format_number
from caseflow.store.casemap import case_to_dict
from caseflow.store.caseread import HistoryEvent
from caseflow.store.db import Database
from caseflow.store.models import Case, CaseEvent
from caseflow.store.repo import require_case

T = TypeVar("T")
E = TypeVar("E", CaseEvent, HistoryEvent)

#: Event kinds whose `changes` hold the whole case JSON (not field → [before, after]).
WHOLE_CASE_EVENTS = ("create", "import")


def masked_value(name: str, value: Any) -> Any:
    """What a role without access sees instead of `value` of the marked field `name`."""
    spec = FIELDS.get(name)
    if spec is None or value is None:
        return value
    if spec.kind in ("amount", "date"):
        return None
    if spec.kind == "lines":
        return [MASK] if value else []
    return MASK if value != "" else value


def mask_doc(doc: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """A copy of the case JSON `doc` with `fields` masked."""
    masked = dict(doc)
    for name in fields:
        if name in masked:
            masked[name] = masked_value(name, masked[name])
    return masked


def mask_row(row: T, fields: Iterable[str]) -> T:
    """A copy of the dataclass `row` (a list row: title, area, end date …) with the values of
    `fields` it has masked."""
    present = {f.name for f in dataclasses.fields(row)}  # type: ignore[arg-type]
    changes = {name: masked_value(name, getattr(row, name)) for name in fields if name in present}
    return dataclasses.replace(row, **changes) if changes else row  # type: ignore[type-var]


def _with_changes(event: E, changes: dict[str, Any]) -> E:
    if isinstance(event, HistoryEvent):
        return dataclasses.replace(event, changes=changes)
    return CaseEvent.model_validate({**event.model_dump(), "changes": changes})


def mask_event(event: E, fields: Iterable[str], *, reasons: bool = False) -> E:
    """A copy of `event` (detached; the row itself is untouched) with the values of `fields`
    in its changes masked: the whole case of a create, before and after of an edit; with
    `reasons` (a role without access), the reason of a secrecy mark or its lifting too (it may
    tell what the marked content is)."""
    hidden = set(fields)
    changes = event.changes
    if reasons and event.kind in (MARK, LIFT) and changes and changes.get("reason"):
        return _with_changes(event, {**changes, "reason": MASK})
    if not hidden or not changes or not hidden & set(changes):
        return event
    if event.kind in WHOLE_CASE_EVENTS:
        new = mask_doc(changes, hidden)
    else:
        new = dict(changes)
        for name in hidden & set(changes):
            pair = changes[name]
            if isinstance(pair, list) and len(pair) == 2:
                new[name] = [masked_value(name, pair[0]), masked_value(name, pair[1])]
    return _with_changes(event, new)


def mask_history(
    *, session: Session, secrecy: SecrecyConfig, roles: Sequence[str], case_id: int,
    events: Sequence[E],
) -> list[E]:  # fmt: skip
    """The case's history `events` as `roles` may see them: marked fields' values and the
    reasons of secrecy marks masked for a role without access."""
    if secrecy.may_see(tuple(roles)):
        return list(events)
    hidden = field_marks(session=session, case_ids=[case_id]).get(case_id, {})
    return [mask_event(e, hidden, reasons=True) for e in events]


def hidden_fields(
    *, session: Session, secrecy: SecrecyConfig, roles: Sequence[str], case_ids: list[int]
) -> dict[int, frozenset[str]]:
    """The marked fields the roles `roles` may not see, per case id (only cases with some);
    empty for a role with access. `roles=()` is the public."""
    if secrecy.may_see(tuple(roles)):
        return {}
    return {
        case_id: frozenset(marks)
        for case_id, marks in field_marks(session=session, case_ids=case_ids).items()
    }


def case_docs(
    *, session: Session, cases: Sequence[Case], secrecy: SecrecyConfig | None,
    roles: Sequence[str],
) -> list[dict[str, Any]]:  # fmt: skip
    """The case JSON of `cases`, their marked fields masked unless `roles` may see them
    (`secrecy=None`: as stored, for a holder of the database itself)."""
    docs = [case_to_dict(c) for c in cases]
    if secrecy is None:
        return docs
    ids = [c.id for c in cases if c.id is not None]
    hidden = hidden_fields(session=session, secrecy=secrecy, roles=roles, case_ids=ids)
    if not hidden:
        return docs
    return [mask_doc(d, hidden.get(c.id or 0, ())) for c, d in zip(cases, docs, strict=True)]


def mask_stored_docs(
    *, db: Database, secrecy: SecrecyConfig, roles: Sequence[str],
    docs: Sequence[dict[str, Any]],
) -> list[dict[str, Any]]:  # fmt: skip
    """Case JSON kept apart from the case (a portfolio snapshot) masked by the marks in force on
    the case of its `diarienummer` now, unless `roles` may see them."""
    if secrecy.may_see(tuple(roles)):
        return list(docs)
    stmt = (
        select(Case, SecrecyMark.field)
        .join(SecrecyMark, col(SecrecyMark.case_id) == col(Case.id))
        .where(col(SecrecyMark.handling_id).is_(None), col(SecrecyMark.lifted_at).is_(None))
    )
    marked: dict[str, set[str]] = {}
    with db.read() as session:
        for case, field in session.exec(stmt).all():
            if field:
                marked.setdefault(case.diarienummer, set()).add(field)
    return [mask_doc(d, marked.get(str(d.get("diarienummer")), ())) for d in docs]


def secret_values(
    *, session: Session, secrecy: SecrecyConfig, roles: Sequence[str], fields: Sequence[str]
) -> dict[str, set[Any]]:
    """Per field, the values that only marked cases hold (a list's filter must not offer them
    to `roles` without access); empty for a role with access."""
    if secrecy.may_see(tuple(roles)):
        return {}
    stmt = select(SecrecyMark.case_id, SecrecyMark.field).where(
        col(SecrecyMark.handling_id).is_(None), col(SecrecyMark.lifted_at).is_(None),
        col(SecrecyMark.field).in_(list(fields)),
    )  # fmt: skip
    marked: dict[str, set[int]] = {}
    for case_id, field in session.exec(stmt).all():
        if field:
            marked.setdefault(field, set()).add(case_id)
    found: dict[str, set[Any]] = {}
    for field, ids in marked.items():
        column = getattr(Case, field)
        values = set(session.exec(select(column).where(col(Case.id).in_(ids))).all())
        open_ = select(column).where(col(Case.id).not_in(ids), column.in_(values)).distinct()
        found[field] = values - set(session.exec(open_).all())
    return found


def marked_titles(*, session: Session) -> set[str]:
    """The diarienummer of the cases whose title is under a mark in force (the lists and
    agendas of every page show a title beside its number)."""
    stmt = (
        select(Case)
        .join(SecrecyMark, col(SecrecyMark.case_id) == col(Case.id))
        .where(
            col(SecrecyMark.handling_id).is_(None),
            SecrecyMark.field == "title",
            col(SecrecyMark.lifted_at).is_(None),
        )  # fmt: skip
    )
    return {case.diarienummer for case in session.exec(stmt).all()}


def title_masker(
    *, db: Database, secrecy: SecrecyConfig, roles: Sequence[str]
) -> Callable[[str, str], str]:
    """`mask(dnr, title)`: the title, or `[sekretess]` when it is marked and `roles` may not
    see it (the marked titles read once, only for a role without access)."""
    if secrecy.may_see(tuple(roles)):
        return lambda _dnr, title: title
    with db.read() as session:
        marked = marked_titles(session=session)
    return lambda dnr, title: MASK if dnr in marked else title


def mask_titles(data: Any, mask: Callable[[str, str], str]) -> Any:
    """`data` (JSON: dicts and lists) with every `title` beside a `diarienummer` passed
    through `mask`."""
    if isinstance(data, list):
        return [mask_titles(item, mask) for item in data]
    if isinstance(data, dict):
        out = {k: mask_titles(v, mask) for k, v in data.items()}
        if isinstance(out.get("title"), str) and isinstance(out.get("diarienummer"), str):
            out["title"] = mask(out["diarienummer"], out["title"])
        return out
    return data


def secret_handlings(*, db: Database, secrecy: SecrecyConfig, roles: Sequence[str]) -> set[int]:
    """The ids of the handlings under a mark in force whose subject `roles` may not see (empty
    for a role with access)."""
    if secrecy.may_see(tuple(roles)):
        return set()
    stmt = select(SecrecyMark.handling_id).where(
        col(SecrecyMark.handling_id).is_not(None), col(SecrecyMark.lifted_at).is_(None)
    )
    with db.read() as session:
        return {i for i in session.exec(stmt).all() if i is not None}


def secret_handlings_of(
    *, session: Session, secrecy: SecrecyConfig, roles: Sequence[str], handling_ids: list[int]
) -> set[int]:
    """As `secret_handlings`, among `handling_ids` only, read in the caller's session."""
    if not handling_ids or secrecy.may_see(tuple(roles)):
        return set()
    stmt = select(SecrecyMark.handling_id).where(
        col(SecrecyMark.handling_id).in_(handling_ids), col(SecrecyMark.lifted_at).is_(None)
    )
    return {i for i in session.exec(stmt).all() if i is not None}


def refuse_hidden(
    *, db: Database, secrecy: SecrecyConfig, roles: Sequence[str], dnr: str,
    names: Iterable[str],
) -> None:  # fmt: skip
    """Raises PermissionDeniedError if `names` has a marked field `roles` may not see (a role
    that cannot see a value must not overwrite it unseen)."""
    wanted = set(names)
    if not wanted or secrecy.may_see(tuple(roles)):
        return
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        marks = field_marks(session=session, case_ids=[case.id]).get(case.id, {})
    blocked = sorted(wanted & set(marks))
    if blocked:
        labels = ", ".join(FIELDS[name].label.lower() for name in blocked)
        raise PermissionDeniedError(
            f"{case.diarienummer}: fältet {labels} är sekretessmarkerat "
            f"({marks[blocked[0]].osl}); din roll får inte se eller ändra det"
        )


def mark_memo(
    *, session: Session, case: Case, handling: Handling, actor: str, clock_at: Any
) -> SecrecyMark | None:
    """Mark the memo's handling secret under the provisions of the case's field marks in force
    (the memo may quote them), unless it is marked already or the case has none."""
    assert case.id is not None and handling.id is not None
    marks = field_marks(session=session, case_ids=[case.id]).get(case.id, {})
    if not marks:
        return None
    active = select(SecrecyMark).where(
        SecrecyMark.handling_id == handling.id, col(SecrecyMark.lifted_at).is_(None)
    )
    if session.exec(active).first() is not None:
        return None
    provisions = sorted({m.osl for m in marks.values()})
    labels = ", ".join(FIELDS[name].label.lower() for name in sorted(marks))
    osl = ", ".join(provisions)
    osl = osl if len(osl) <= 40 else provisions[0]
    why = f"Memot kan återge sekretessmarkerade uppgifter ur ärendet ({labels})."
    row = SecrecyMark(case_id=case.id, handling_id=handling.id, field=None, osl=osl, reason=why,
                      marked_by=actor.strip().lower(), marked_at=clock_at)  # fmt: skip
    session.add(row)
    number = format_number(case.diarienummer, handling.number)
    session.add(event_row(case, MARK, actor, clock_at,
                          {"number": number, "osl": osl, "reason": why}))  # fmt: skip
    return row


def refuse_memo(
    *, db: Database, secrecy: SecrecyConfig, roles: Sequence[str], dnr: str, memo_id: int
) -> None:
    """Raises PermissionDeniedError if memo `memo_id` may quote content `roles` may not see:
    the case has field marks in force, or the memo's handling is marked."""
    if secrecy.may_see(tuple(roles)):
        return
    with db.read() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        assert case.id is not None
        fields = field_marks(session=session, case_ids=[case.id]).get(case.id, {})
        provisions = {m.osl for m in fields.values()}
        stmt = (
            select(SecrecyMark.osl)
            .join(Handling, col(Handling.id) == col(SecrecyMark.handling_id))
            .where(
                Handling.case_id == case.id,
                Handling.memo_id == memo_id,
                col(SecrecyMark.lifted_at).is_(None),
            )  # fmt: skip
        )
        provisions.update(session.exec(stmt).all())
    if provisions:
        raise PermissionDeniedError(
            f"memo nr {memo_id} i {case.diarienummer} kan innehålla sekretessmarkerade uppgifter "
            f"({', '.join(sorted(provisions))}); din roll får inte se dem"
        )
