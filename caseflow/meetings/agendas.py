"""The agendas one case is on and the meetings it may be put on (for the case page)."""

from __future__ import annotations

from sqlalchemy import bindparam
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
_OPEN_MEETINGS = Prepared(
    sa_select(*_COLUMNS).where(_M.cancelled_at.is_(None)).order_by(_M.day, _M.body)
)


def read_agendas(*, tx: CursorTransaction, case_id: int) -> list[MeetingInfo]:
    """The meetings whose agenda has the case, by day, cancelled ones included (`cases` is 0:
    not counted here), on a prebuilt statement in `tx` (the case page's read)."""
    return [MeetingInfo(b, d, t, 0, c, x, r, p)
            for b, d, t, c, x, r, p in tx.all(_CASE_AGENDAS, {"case_id": case_id})]  # fmt: skip


def read_open_meetings(*, tx: CursorTransaction) -> list[MeetingInfo]:
    """The meetings not cancelled, by day (as `list_meetings` without its agenda counts,
    `cases` is 0): the case page's choices for putting the case on an agenda."""
    return [MeetingInfo(b, d, t, 0, c, x, r, p)
            for b, d, t, c, x, r, p in tx.all(_OPEN_MEETINGS, {})]  # fmt: skip
