"""Importing many cases in one transaction, streamed in batches of Core `executemany`.

`cases import`, `portfolio import`, the API's bulk create and `engine.import_cases` all come
here. The input is an iterator of items (a case document or a person, each with where it was
read: `FILE:LINE`), consumed a batch at a time, so memory holds one batch, never the file. Per
batch: one query finds the cases that exist already, one finds the handläggare; new cases go in
as `executemany` (cases with RETURNING their ids, funders, `import` events, reminder rows);
existing ones are compared (and with `update` changed) through the ORM as before. Everything is
one transaction: an error anywhere — a bad row at line 900 000 — rolls back everything.
"""

from __future__ import annotations

import bisect
import gc
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text, tuple_
from sqlalchemy.orm import selectinload
from sqlmodel import Session, col

from caseflow.cases.people import person_row
from caseflow.cases.writes import import_update, initial_stage, normalised
from caseflow.clock import Clock
from caseflow.domain.casedoc import CaseDoc
from caseflow.domain.casefields import CASE_FIELDS
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.workdays import local_date
from caseflow.errors import CaseflowError, InputError
from caseflow.reminders.plan import plan_new_cases
from caseflow.store.bulkwrite import send_many
from caseflow.store.casemap import PLAIN_FIELDS, case_to_dict, plain_values
from caseflow.store.db import Database
from caseflow.store.models import Case, CaseEvent, CaseFunder, Person
from caseflow.store.prepared import Prepared
from caseflow.store.repo import get_person
from caseflow.workflow.registry import WorkflowRegistry

#: Cases per batch: one duplicate query, one handläggare query and one executemany per table.
BATCH = 2000
KINDS = ("created", "updated", "unchanged")

#: Cases written by one import from which the planner's statistics are refreshed right away.
ANALYZE_AFTER = 10_000
#: The tables an import writes to (cases, their funders, history and planned reminders).
LOADED_TABLES = ("cases", "case_funders", "case_events", "reminders", "reminder_plans")
_cases = Case.__table__  # type: ignore[attr-defined]
_funders = CaseFunder.__table__  # type: ignore[attr-defined]
_events = CaseEvent.__table__  # type: ignore[attr-defined]
_people = Person.__table__  # type: ignore[attr-defined]
_INSERT_CASES = Prepared(insert(_cases).values({name: bindparam(name) for name in (
    "id", "dnr_prefix", "dnr_serial", "dnr_year", "stage", "outcome", "workflow",
    "workflow_version", "row_version", "reminders_stale", "created_at", "updated_at",
    *PLAIN_FIELDS)}))  # fmt: skip
_INSERT_FUNDERS = Prepared(
    insert(_funders).values(
        {
            name: bindparam(name)
            for name in (
                "case_id",
                "position",
                "code",
                "amount_sek",
                "status",
                "decision_date",
                "funder_case_id",
            )
        }
    )
)
_INSERT_EVENTS = Prepared(insert(_events).values({name: bindparam(name) for name in (
    "case_id", "at", "actor", "kind", "trigger", "from_stage", "to_stage", "reason", "changes",
    "row_version")}))  # fmt: skip
# The ids of a batch are taken before it is inserted, so the cases, funders and events go out as
# plain executemany (RETURNING ids in parameter order made SQLAlchemy send one INSERT per row on
# SQLite). SQLite: the write transaction holds the file's lock, so max(id) + 1 … are free;
# PostgreSQL: the ids are drawn from the table's own sequence.
_NEXT_SQLITE = select(func.coalesce(func.max(_cases.c.id), 0))
_NEXT_PG = text("SELECT nextval(pg_get_serial_sequence('cases', 'id')) "
                "FROM generate_series(1, :n)")  # fmt: skip
_NOT_REGISTERED = (
    "handläggare: {email} är inte registrerad; välj en registrerad handläggare (en administratör "
    "registrerar nya personer)"
)


@dataclass(frozen=True, slots=True)
class CaseItem:
    """A validated case document and where it was read (`FILE:LINE`; "" when not from a file)."""

    doc: CaseDoc
    where: str = ""


@dataclass(frozen=True, slots=True)
class PersonItem:
    """A person listed beside the cases (`{"people": [...]}`), registered unless known."""

    data: Any
    where: str


Item = CaseItem | PersonItem


@dataclass
class BulkSummary:
    """Counts per area and kind (created, updated, unchanged); the diarienummer themselves only
    when asked for (`numbers=True`: a million of them would not be bounded by the batch)."""

    counts: dict[str | None, Counter[str]] = field(default_factory=dict)
    people_added: int = 0
    numbers: dict[str, list[str]] | None = None
    area_of: dict[str, str | None] | None = None

    def add(self, kind: str, dnr: str, area: str | None) -> None:
        self.counts.setdefault(area, Counter())[kind] += 1
        if self.numbers is not None and self.area_of is not None:
            self.numbers[kind].append(dnr)
            self.area_of[dnr] = area

    def total(self, kind: str | None = None) -> int:
        return sum(c[kind] if kind else c.total() for c in self.counts.values())


def _prefixed(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def bulk_import(
    *,
    db: Database,
    workflows: WorkflowRegistry,
    source: Callable[[], Iterable[Item]],
    actor: str,
    clock: Clock,
    update: bool = False,
    batch: int = BATCH,
    progress: Callable[[int], None] | None = None,
    numbers: bool = False,
    analyze_after: int = ANALYZE_AFTER,
) -> BulkSummary:
    """Import the cases (and people) `source()` yields, in one transaction: all or nothing.

    A case that exists with identical content is left alone; one that differs is an error,
    unless `update` (then its differences are applied as an `import` event). `source` is called
    again from the start if the transaction loses a race to a concurrent import (PostgreSQL),
    which then finds the winner's cases unchanged. `progress(n)` is called after each batch
    with the number of cases done. After `analyze_after` cases or more were written, the
    planner's statistics of the tables written are refreshed (`Database.analyze`).

    Raises:
        InputError: `WHERE: …` naming the row and field: invalid, duplicated in the input, differs
            from the stored case (without `update`), an unregistered handläggare.
    """

    def work(session: Session) -> BulkSummary:
        run = _Run(session, workflows, actor, clock.now(), update, numbers)
        pending: list[CaseItem] = []
        for item in source():
            if isinstance(item, PersonItem):
                run.person(item)
                continue
            pending.append(item)
            if len(pending) >= batch:
                run.flush(pending)
                pending = []
                gc.collect(0)  # the batch's own cycles; the older generations are not walked
                if progress is not None:
                    progress(run.done)
        if pending:
            run.flush(pending)
        run.finish()
        if progress is not None:
            progress(run.done)
        return run.summary

    # The import makes millions of short-lived objects and keeps few: the collector's automatic
    # passes (each walking everything alive) are paused for it, and each batch's young objects
    # are collected once instead (about 15 % of an import's CPU).
    collecting = gc.isenabled()
    gc.disable()
    try:
        summary = db.write_retrying(work)
    finally:
        if collecting:
            gc.enable()
    if summary.total("created") + summary.total("updated") >= analyze_after:
        db.analyze(LOADED_TABLES)
    return summary


class _Run:
    """One attempt at an import: the transaction's session and what the batches learnt."""

    def __init__(self, session: Session, workflows: WorkflowRegistry, actor: str, now: datetime,
                 update: bool, numbers: bool) -> None:  # fmt: skip
        self.session, self.workflows, self.actor, self.now = session, workflows, actor, now
        self.update = update
        self.conn: Connection = session.connection()
        self.summary = BulkSummary()
        if numbers:
            self.summary.numbers = {kind: [] for kind in KINDS}
            self.summary.area_of = {}
        self.done = 0
        self.ours = array("q")  # ids this import inserted, ascending: a repeat in the input
        self.seen: set[int] = set()  # stored cases this import named already
        self.unknown: dict[str, str] = {}  # handläggare not (yet) registered → where first named

    # -- people --------------------------------------------------------------------------------

    def person(self, item: PersonItem) -> None:
        data, where = item.data, item.where
        if not isinstance(data, dict) or not isinstance(data.get("email"), str):
            raise InputError(f"{where}: en person behöver minst email, name och roles")
        if get_person(session=self.session, email=data["email"]) is not None:
            return
        unknown = set(data) - {"email", "name", "roles", "phone", "unit", "title"}
        if unknown:
            raise InputError(f"{where}: okänt fält {sorted(unknown)[0]!r}")
        roles = data.get("roles", [])
        try:
            row = person_row(email=data["email"], name=str(data.get("name", "")),
                             roles=list(roles) if isinstance(roles, list) else [str(roles)],
                             now=self.now, phone=data.get("phone"), unit=data.get("unit"),
                             title=data.get("title"))  # fmt: skip
        except CaseflowError as err:
            raise InputError(f"{where}: {err}") from None
        if get_person(session=self.session, email=row.email) is not None:
            return
        self.session.add(row)
        self.session.flush()
        self.unknown.pop(row.email, None)
        self.summary.people_added += 1

    # -- cases ---------------------------------------------------------------------------------

    def flush(self, items: list[CaseItem]) -> None:
        keyed: dict[tuple[str, int, int], CaseItem] = {}
        for item in items:
            dnr = parse_dnr(item.doc.diarienummer)
            key = (dnr.prefix, dnr.serial, dnr.year)
            if key in keyed:
                raise InputError(
                    _prefixed(item.where, f"{item.doc.diarienummer} förekommer två gånger i filen")
                )
            keyed[key] = item
        found = self.conn.execute(
            select(_cases.c.id, _cases.c.dnr_prefix, _cases.c.dnr_serial, _cases.c.dnr_year)
            .where(tuple_(_cases.c.dnr_prefix, _cases.c.dnr_serial, _cases.c.dnr_year)
                   .in_(list(keyed)))
        ).all()  # fmt: skip
        existing: dict[int, CaseItem] = {}
        for case_id, prefix, serial, year in found:
            item = keyed[(prefix, serial, year)]
            if self._is_ours(case_id) or case_id in self.seen:
                raise InputError(
                    _prefixed(item.where, f"{item.doc.diarienummer} förekommer två gånger i filen")
                )
            existing[case_id] = item
            self.seen.add(case_id)
        self._check_handlaggare(items)
        if existing:
            taken = {id(item) for item in existing.values()}
            fresh = [item for item in items if id(item) not in taken]
            self._existing(existing)
        else:
            fresh = items
        if fresh:
            self._insert(fresh)
        self.done += len(items)
        self.session.expunge_all()  # bounded by the batch, not the import

    def _new_ids(self, count: int) -> list[int]:
        if self.conn.dialect.name == "sqlite":
            first = int(self.conn.execute(_NEXT_SQLITE).scalar_one()) + 1
            return list(range(first, first + count))
        return sorted(self.conn.execute(_NEXT_PG, {"n": count}).scalars())

    def _is_ours(self, case_id: int) -> bool:
        i = bisect.bisect_left(self.ours, case_id)
        return i < len(self.ours) and self.ours[i] == case_id

    def _check_handlaggare(self, items: list[CaseItem]) -> None:
        wanted = {item.doc.handlaggare for item in items if item.doc.handlaggare}
        if not wanted:
            return
        known = set(self.conn.execute(select(_people.c.email)
                                      .where(_people.c.email.in_(wanted))).scalars())  # fmt: skip
        for item in items:
            email = item.doc.handlaggare
            if email and email not in known and email not in self.unknown:
                self.unknown[email] = _prefixed(item.where, item.doc.diarienummer)

    def finish(self) -> None:
        """The handläggare named before the people section that registers them are checked
        again at the end; one still unknown is the error (where it was first named)."""
        if not self.unknown:
            return
        stmt = select(_people.c.email).where(_people.c.email.in_(self.unknown))
        known = set(self.conn.execute(stmt).scalars())
        for email, where in self.unknown.items():
            if email not in known:
                raise InputError(f"{where}: {_NOT_REGISTERED.format(email=email)}")

    def _existing(self, existing: dict[int, CaseItem]) -> None:
        stmt = (select(Case).where(col(Case.id).in_(list(existing)))
                .options(selectinload(Case.funders)))  # type: ignore[arg-type]  # fmt: skip
        for case in self.session.scalars(stmt):
            assert case.id is not None
            item = existing[case.id]
            doc = item.doc
            stored = case_to_dict(case)
            wanted = normalised(doc, self.workflows)
            given = doc.model_fields_set
            differing = [k for k in wanted if k in given and wanted[k] != stored[k]]
            if not differing:
                self.summary.add("unchanged", doc.diarienummer, doc.area)
            elif self.update:
                try:
                    import_update(self.session, self.workflows, case, doc, differing, self.actor,
                                  self.now)  # fmt: skip
                except InputError as err:
                    raise InputError(_prefixed(item.where, str(err))) from None
                self.summary.add("updated", doc.diarienummer, doc.area)
            else:
                raise InputError(_prefixed(item.where,
                    f"{doc.diarienummer} finns redan med andra uppgifter ({', '.join(differing)}); "
                    "inget importerades (använd --update för att föra in ändringarna)"
                ))  # fmt: skip

    def _insert(self, items: list[CaseItem]) -> None:
        now = self.now
        rows: list[dict[str, Any]] = []
        planned: list[tuple[Any, ...]] = []
        for item in items:
            doc = item.doc
            wf = self.workflows.get(doc.workflow)
            try:
                stage = initial_stage(doc, wf)
            except InputError as err:
                raise InputError(_prefixed(item.where, str(err))) from None
            dnr = parse_dnr(doc.diarienummer)
            rows.append({
                "dnr_prefix": dnr.prefix, "dnr_serial": dnr.serial, "dnr_year": dnr.year,
                "stage": stage, "outcome": doc.outcome, "workflow": doc.workflow,
                "workflow_version": doc.workflow_version or wf.version, "row_version": 1,
                "reminders_stale": False, "created_at": now, "updated_at": now,
                **plain_values(doc, PLAIN_FIELDS),
            })  # fmt: skip
            planned.append((wf.spec.deadlines, stage, doc))
        ids = self._new_ids(len(rows))
        for case_id, row in zip(ids, rows, strict=True):
            row["id"] = case_id
        send_many(self.conn, _INSERT_CASES, rows)
        self.ours.extend(ids)
        funders = [
            {"case_id": case_id, "position": i, "code": f.code, "amount_sek": f.amount_sek,
             "status": f.status, "decision_date": f.decision_date, "funder_case_id": f.case_id}
            for case_id, item in zip(ids, items, strict=True)
            for i, f in enumerate(item.doc.funders)
        ]  # fmt: skip
        if funders:
            send_many(self.conn, _INSERT_FUNDERS, funders)
        events = [
            {"case_id": case_id, "at": now, "actor": self.actor, "kind": "import",
             "trigger": None, "from_stage": None, "to_stage": row["stage"], "reason": None,
             "changes": _case_json(item.doc, row), "row_version": 1}
            for case_id, item, row in zip(ids, items, rows, strict=True)
        ]  # fmt: skip
        send_many(self.conn, _INSERT_EVENTS, events)
        plan_new_cases(
            self.conn,
            cases=[(case_id, rules, stage, doc.outcome, doc.start_date, doc.end_date)
                   for case_id, (rules, stage, doc) in zip(ids, planned, strict=True)],
            today=local_date(now), now=now,
        )  # fmt: skip
        for item in items:
            self.summary.add("created", item.doc.diarienummer, item.doc.area)


def _case_json(doc: CaseDoc, row: dict[str, Any]) -> dict[str, Any]:
    """The case JSON of a case inserted from `doc` as `row` (what `case_to_dict` gives of it)."""
    data = doc.model_dump(mode="json")
    data["diarienummer"] = f"{row['dnr_prefix']}/{row['dnr_serial']}/{row['dnr_year']}"
    data["stage"] = row["stage"]
    data["workflow_version"] = row["workflow_version"]
    return {spec.name: data[spec.name] for spec in CASE_FIELDS}


def case_items(docs: Iterable[CaseDoc]) -> Iterator[CaseItem]:
    """Documents without a file position (the API, `import_cases`)."""
    return (CaseItem(doc) for doc in docs)
