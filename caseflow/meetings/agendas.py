"""The agendas one case is on (for the case page)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from caseflow.meetings.service import MeetingInfo
from caseflow.store.models import AgendaItem, Meeting


def agendas_of(*, session: Session, case_id: int) -> list[MeetingInfo]:
    """The meetings whose agenda has the case, by day, cancelled ones included (`cases` is 0:
    not counted here)."""
    stmt = (
        select(Meeting)
        .join(AgendaItem, col(AgendaItem.meeting_id) == col(Meeting.id))
        .where(AgendaItem.case_id == case_id)
        .order_by(col(Meeting.day), col(Meeting.body))
    )
    return [
        MeetingInfo(m.body, m.day, m.time, 0, m.created_at, m.cancelled_at, m.cancel_reason)
        for m in session.exec(stmt).all()
    ]
