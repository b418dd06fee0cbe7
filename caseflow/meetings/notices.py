"""E-mail to the officers whose cases are on a meeting that was moved, cancelled or reopened.

Written to the outbox in the transaction that changed the meeting (one message per officer,
listing that officer's cases on the agenda), so the change and its notice commit together;
the person who made the change is not told what they did. Templates: `meeting_changed.*` in
the notifications folder.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlmodel import Session, col, select

from caseflow.mail.outbox import Mail, enqueue_many, mail_domain
from caseflow.reminders.mail import render
from caseflow.settings import Settings
from caseflow.store.models import Case, Person

MOVED, CANCELLED, REOPENED = "moved", "cancelled", "reopened"


@dataclass(frozen=True)
class MeetingNotice:
    """What changed: `kind` (MOVED, CANCELLED, REOPENED), the meeting as it was (`body`, `day`)
    and as it now is (`new_day`, `time`), the reason given for a cancellation."""

    kind: str
    body: str
    day: date
    new_day: date
    time: str | None = None
    reason: str | None = None


def told(notified: int) -> str:
    """` 2 handläggare har fått e-post om ändringen.` for a message; empty when none."""
    return f" {notified} handläggare har fått e-post om ändringen." if notified else ""


def notify_officers(
    session: Session, *, settings: Settings, cases: Sequence[Case], notice: MeetingNotice,
    actor: str, now: datetime, meeting_id: int,
) -> int:  # fmt: skip
    """Queue one e-mail per officer of `cases` (but not to `actor`); returns how many."""
    mine: dict[str, list[Case]] = {}
    for case in cases:
        if case.handlaggare and case.handlaggare != actor:
            mine.setdefault(case.handlaggare, []).append(case)
    if not mine:
        return 0
    found = session.exec(select(Person).where(col(Person.email).in_([*mine, actor]))).all()
    names = {p.email: p.name for p in found}
    base = settings.base_url.rstrip("/")
    actor_name = names.get(actor, actor)
    mails = []
    for address, own in sorted(mine.items()):
        context: dict[str, Any] = {
            "kind": notice.kind, "body": notice.body, "day": notice.day.isoformat(),
            "new_day": notice.new_day.isoformat(), "time": notice.time, "reason": notice.reason,
            "recipient_name": names.get(address, address), "actor_name": actor_name,
            "link": f"{base}/meetings/{notice.body}/{notice.new_day.isoformat()}",
            "cases": [{"diarienummer": c.diarienummer, "title": c.title,
                       "link": f"{base}/cases/{c.diarienummer}"} for c in own],
        }  # fmt: skip
        subject, text, html = render(settings.notifications_dir, "meeting_changed", context)
        key = (f"meeting:{meeting_id}:{notice.kind}:{notice.day}:{notice.new_day}:"
               f"{notice.time}:{now.isoformat()}:{address}")  # fmt: skip
        mails.append(Mail(address, subject, text, html, key))
    return enqueue_many(session=session, mails=mails, now=now,
                        domain=mail_domain(settings.mail_from))  # fmt: skip
