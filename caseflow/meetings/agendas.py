"""The agendas one case is on and the meetings it may be put on (for the case page)."""

from __future__ import annotations

from sqlalchemy import String, bindparam, type_coerce
from sqlalchemy import select as sa_select

from caseflow.meetings.service import MeetingInfo
from caseflow.store.models import AgendaItem, Meeting
from caseflow.store.prepared import CursorTransaction, Prepared

_MEETINGS = Meeting.__table__  # type: ignore[attr-defined]
_ITEMS = AgendaItem.__table__  # type: ignore[attr-defined]
_M, _I = _MEETINGS.c, _ITEMS.c
_COLUMNS = (_M.body, _M.day, _M.time, _M.created_at, _M.cancelled_at, _M.cancel_reason,
            _M.minutes_posted_on)  # fmt: skip
_CASE_AGENDAS = Prepared(
    sa_select(*_COLUMNS)
    .select_from(_MEETINGS.join(_ITEMS, _I.meeting_id == _M.id))
    .where(_I.case_id == bindparam("case_id"))
    .order_by(_M.day, _M.body)
)
# The day as the database gives it (SQLite: ISO text, PostgreSQL: a date; `str` of either is
# the ISO day): the choices need no date objects, and SQLite's date parsing was most of this read.
_MEETING_CHOICES = Prepared(
    sa_select(_M.body, type_coerce(_M.day, String), _M.time)
    .where(_M.cancelled_at.is_(None)).order_by(_M.day, _M.body)
)  # fmt: skip


def read_agendas(*, tx: CursorTransaction, case_id: int) -> list[MeetingInfo]:
    """The meetings whose agenda has the case, by day, cancelled ones included (`cases` is 0:
    not counted here), on a prebuilt statement in `tx` (the case page's read)."""
    return [MeetingInfo(b, d, t, 0, c, x, r, p)
            for b, d, t, c, x, r, p in tx.all(_CASE_AGENDAS, {"case_id": case_id})]  # fmt: skip


def read_meeting_choices(*, tx: CursorTransaction) -> list[tuple[str, str]]:
    """The meetings not cancelled, by day, as (value, text) for the case page's choices of
    putting the case on an agenda: ("RUN 2025-02-12", "RUN 2025-02-12 09:00")."""
    return [(f"{body} {day}", f"{body} {day} {time}" if time else f"{body} {day}")
            for body, day, time in tx.all(_MEETING_CHOICES, {})]  # fmt: skip
