"""The board's meetings and their agendas (keyword-only repository functions)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.checks import check_day
from caseflow.domain.dnr import parse_dnr
from caseflow.domain.inputfile import read_input_text
from caseflow.domain.workdays import local_date
from caseflow.errors import DuplicateError, InputError, NotFoundError
from caseflow.reminders.plan import replan
from caseflow.store.db import Database
from caseflow.store.models import AgendaItem, Case, Meeting, Reminder
from caseflow.store.repo import require_case
from caseflow.workflow.deadlines import DeadlineRule
from caseflow.workflow.yamlpos import YamlSyntaxError, load_yaml

_TIME = re.compile(r"^([01]\d|2[0-3])[:.][0-5]\d$")
_BODY = re.compile(r"^[A-ZÅÄÖ][A-ZÅÄÖ0-9-]{0,19}$")


def check_body(body: str, *, where: str) -> str:
    """A board's short name such as `RUN` (a whole match: no line break may follow it).

    Raises:
        InputError: `where: ogiltig nämnd …`.
    """
    if not _BODY.fullmatch(body):
        raise InputError(f"{where}: ogiltig nämnd {body[:40]!r} (t.ex. RUN)")
    return body


@dataclass(frozen=True)
class MeetingInfo:
    body: str
    day: date
    time: str | None
    cases: int
    created_at: datetime
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    minutes_posted_on: date | None = None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None


def check_meeting(
    body: str, day: str | date, time: str | None, *, where: str
) -> tuple[str, date, str | None]:
    """Validate one meeting: body like `RUN`, an ISO date, an optional `HH:MM`.

    Raises:
        InputError: `where: what is wrong`.
    """
    body = body.strip().upper()
    check_body(body, where=where)
    try:
        parsed = day if isinstance(day, date) else date.fromisoformat(str(day).strip())
    except ValueError:
        raise InputError(f"{where}: ogiltigt datum {day!r}, skriv ÅÅÅÅ-MM-DD") from None
    check_day(parsed, field=where)
    if time is not None:
        time = str(time).strip()
        if not _TIME.match(time):
            raise InputError(f"{where}: ogiltig tid {time!r}, skriv TT:MM")
        time = time.replace(".", ":")
    return body, parsed, time


def add_meetings(
    *, db: Database, meetings: list[tuple[str, date, str | None]], clock: Clock
) -> int:
    """Add meetings in one transaction; a meeting already planned is an error (nothing added)."""
    now = clock.now()
    with db.write(duplicate="ett av sammanträdena finns redan") as session:
        for body, day, time in meetings:
            found = session.exec(
                select(Meeting).where(Meeting.body == body, Meeting.day == day)
            ).first()
            if found is not None:
                raise DuplicateError(f"{body} har redan ett sammanträde {day}; inget lades till")
            session.add(Meeting(body=body, day=day, time=time, created_at=now))
    return len(meetings)


def read_plan(path: Path, *, body: str) -> list[tuple[str, date, str | None]]:
    """A year's meeting plan: YAML (a list of dates, or of {date, time, body}) or CSV with a
    header `date[,time][,body]`.

    Raises:
        InputError: naming the file, line and value.
    """
    text = read_input_text(path)
    rows: list[tuple[int, dict[str, Any]]] = []
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(io.StringIO(text))
        if not reader.fieldnames or "date" not in [f.strip().lower() for f in reader.fieldnames]:
            raise InputError(f"{path}:1: kolumnen 'date' saknas (date,time,body)")
        for row in reader:
            rows.append((reader.line_num, {k.strip().lower(): v for k, v in row.items() if k}))
    elif path.suffix.lower() in {".yaml", ".yml"}:
        try:
            data = load_yaml(text)
        except YamlSyntaxError as err:
            raise InputError(f"{path}:{err.line or '?'}: {err}") from None
        items = data.get("meetings") if isinstance(data, dict) else data
        if not isinstance(items, list):
            raise InputError(f"{path}: väntade en lista av sammanträden (meetings:)")
        for i, item in enumerate(items):
            rows.append((i + 1, item if isinstance(item, dict) else {"date": item}))
    else:
        raise InputError(f"{path}: läser .yaml, .yml eller .csv")
    plan = []
    for number, row in rows:
        where = f"{path}:{number}" if path.suffix.lower() == ".csv" else f"{path}: post {number}"
        unknown = set(row) - {"date", "time", "body"}
        if unknown:
            raise InputError(f"{where}: okänt fält {sorted(unknown)[0]!r}")
        plan.append(check_meeting(str(row.get("body") or body), row.get("date") or "",
                                  row.get("time") or None, where=where))  # fmt: skip
    return plan


def require_meeting(session: Any, *, body: str, day: date) -> Meeting:
    meeting = session.exec(select(Meeting).where(Meeting.body == body, Meeting.day == day)).first()
    if meeting is None:
        raise NotFoundError(f"{body} har inget sammanträde {day} (`caseflow meetings add`)")
    assert isinstance(meeting, Meeting)
    return meeting


_MEETINGS = Meeting.__table__  # type: ignore[attr-defined]
_ITEMS = AgendaItem.__table__  # type: ignore[attr-defined]


def list_meetings(
    *, db: Database, body: str | None = None, conn: Connection | None = None
) -> list[MeetingInfo]:
    """The meetings by day, each with the number of cases on its agenda (one Core query; in
    `conn`'s transaction when given, e.g. the case page's one read)."""
    m = _MEETINGS.c
    columns = (m.body, m.day, m.time, m.created_at, m.cancelled_at, m.cancel_reason,
               m.minutes_posted_on)  # fmt: skip
    stmt = (
        sa_select(*columns, func.count(_ITEMS.c.id).label("cases"))
        .select_from(_MEETINGS.outerjoin(_ITEMS, _ITEMS.c.meeting_id == m.id))
        .group_by(m.id, *columns)
        .order_by(m.day, m.body)
    )
    if body is not None:
        stmt = stmt.where(m.body == body)
    if conn is not None:
        return _meeting_infos(conn, stmt)
    with db.reading() as own:
        return _meeting_infos(own, stmt)


def _meeting_infos(conn: Connection, stmt: Any) -> list[MeetingInfo]:
    # created_at comes back timezone-aware: the column's type is models.UTCDateTime
    return [MeetingInfo(r.body, r.day, r.time, int(r.cases), r.created_at, r.cancelled_at,
                        r.cancel_reason, r.minutes_posted_on)
            for r in conn.execute(stmt)]  # fmt: skip


def _agenda_item(session: Any, *, meeting_id: int | None, case_id: int | None) -> AgendaItem | None:
    found = session.exec(
        select(AgendaItem).where(
            AgendaItem.meeting_id == meeting_id, AgendaItem.case_id == case_id
        )  # fmt: skip
    ).first()
    assert found is None or isinstance(found, AgendaItem)
    return found


@dataclass(frozen=True)
class Scheduled:
    """What scheduling did: `changed` is False if the case already was on the agenda; `missed`
    the (label, date) of the meeting's deadlines for the case that have already passed."""

    changed: bool
    missed: list[tuple[str, date]]

    def warnings(self) -> list[str]:
        return [f"{label} skulle ha varit klar {on} – den fristen har redan passerat"
                for label, on in self.missed]  # fmt: skip


_REMINDERS = Reminder.__table__  # type: ignore[attr-defined]


def schedule_case(
    *, db: Database, dnr: str, body: str, day: date, actor: str, clock: Clock,
    rules_for: Mapping[str, Sequence[DeadlineRule]] | None = None,
) -> Scheduled:  # fmt: skip
    """Put a case on a meeting's agenda (and plan the meeting's deadlines for it from its own
    workflow's rules in `rules_for`, by workflow name, in the same transaction), and say which
    of those deadlines were already missed when it was put there."""
    now = clock.now()
    today = local_date(now)

    def work(session: Session) -> Scheduled:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        meeting = require_meeting(session, body=body, day=day)
        found = _agenda_item(session, meeting_id=meeting.id, case_id=case.id)
        assert case.id is not None and meeting.id is not None
        if found is None:
            if meeting.cancelled_at is not None:
                raise InputError(
                    f"sammanträdet {body} {day} är inställt; välj ett annat sammanträde"
                )
            last = session.connection().execute(
                sa_select(func.max(_ITEMS.c.position)).where(_ITEMS.c.meeting_id == meeting.id)
            ).scalar()  # fmt: skip
            session.add(AgendaItem(meeting_id=meeting.id, case_id=case.id, added_by=actor,
                                   added_at=now, position=(last or 0) + 1))  # fmt: skip
            session.flush()
            rules = (rules_for or {}).get(case.workflow, ())
            replan(session.connection(), case_id=case.id, rules=rules, today=today, now=now)
        r = _REMINDERS.c
        missed = session.connection().execute(
            sa_select(r.label, r.due_on)
            .where(r.case_id == case.id, r.occurrence == day.isoformat(), r.due_on < today,
                   r.status != "cancelled", r.mark.is_(None))
            .order_by(r.due_on)
        ).all()  # fmt: skip
        return Scheduled(found is None, [(label, on) for label, on in missed])

    # A concurrent scheduling of the same case wins the unique (meeting, case) key; the retry
    # then finds it on the agenda and answers "already there".
    return db.write_retrying(work)


def unschedule_case(
    *, db: Database, dnr: str, body: str, day: date, clock: Clock,
    rules_for: Mapping[str, Sequence[DeadlineRule]] | None = None,
) -> bool:  # fmt: skip
    """Take a case off a meeting's agenda (its reminders for that meeting are cancelled in the
    same transaction, by its own workflow's rules in `rules_for`); False if it was not on it."""
    now = clock.now()
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr))
        meeting = require_meeting(session, body=body, day=day)
        found = _agenda_item(session, meeting_id=meeting.id, case_id=case.id)
        if found is None:
            return False
        assert case.id is not None
        session.delete(found)
        session.flush()
        rules = (rules_for or {}).get(case.workflow, ())
        replan(session.connection(), case_id=case.id, rules=rules, today=local_date(now), now=now)
        return True


def agenda(*, db: Database, body: str, day: date) -> list[Case]:
    """The cases on a meeting's agenda, in agenda order (`meetings order`; else as added)."""
    with db.read() as session:
        meeting = require_meeting(session, body=body, day=day)
        stmt = (
            select(Case)
            .join(AgendaItem, col(AgendaItem.case_id) == col(Case.id))
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(col(AgendaItem.position), col(AgendaItem.id))
        )
        return list(session.exec(stmt).all())


def meetings_of(*, db: Database, handlaggare: str) -> list[tuple[MeetingInfo, list[str]]]:
    """The meetings with a case of `handlaggare` on the agenda, and those cases' diarienummer."""
    with db.read() as session:
        stmt = (
            select(Meeting, Case)
            .join(AgendaItem, col(AgendaItem.meeting_id) == col(Meeting.id))
            .join(Case, col(Case.id) == col(AgendaItem.case_id))
            .where(Case.handlaggare == handlaggare)
            .order_by(col(Meeting.day))
        )
        found: dict[int, tuple[MeetingInfo, list[str]]] = {}
        for m, case in session.exec(stmt).all():
            assert m.id is not None
            entry = found.setdefault(
                m.id,
                (
                    MeetingInfo(
                        m.body, m.day, m.time, 0, m.created_at, m.cancelled_at, m.cancel_reason
                    ),
                    [],
                ),
            )
            entry[1].append(case.diarienummer)
        return list(found.values())
