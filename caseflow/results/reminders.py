"""The results reports' deadline reminders → outbox e-mails: for every open report, each deadline
whose reminder day has come (draft ready for the board's meeting, adoption, submission by
21 February) goes once to each of its recipients — the section owners (`handlaggare` in the
rule), the people holding a `role:`, an `address:` — in the transaction that records it in
`results_reminders`, so it is never queued twice nor lost. A meeting moved after its reminder
was sent sends nothing new. With `CASEFLOW_DIGEST=true` each person gets one e-mail per run
(`results_digest`) listing every report deadline due for them, as the cases' reminders do."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from urllib.parse import quote

from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.workdays import local_date
from caseflow.mail.outbox import Mail, enqueue_many, mail_domain
from caseflow.reminders.mail import render
from caseflow.results.count import count_form
from caseflow.results.deadlines import report_deadlines
from caseflow.results.defaults import DEFAULT_REGION
from caseflow.results.facts import thousands
from caseflow.results.form import load_form
from caseflow.results.owners import SectionOwner, owners_of
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.store.models import Meeting, Person, ResultsAnswer, ResultsReminder, ResultsReport
from caseflow.workflow.deadlines import Deadline, DeadlineRule
from caseflow.workflow.machine import CompiledWorkflow

TEMPLATE = "results_deadline"
DIGEST = "results_digest"


@dataclass(frozen=True)
class ReportReminderSummary:
    reminders: int = 0  # (deadline, recipient) pairs queued
    messages: int = 0
    without_recipient: int = 0  # due deadlines nobody could be told about

    def __str__(self) -> str:
        lonely = f", {self.without_recipient} utan mottagare" if self.without_recipient else ""
        mails = f" som {self.messages} e-brev" if self.messages != self.reminders else ""
        return f"{self.reminders} påminnelser om resultatredovisningen köade{mails}{lonely}"


def _recipients(
    rule: DeadlineRule | None,
    owners: list[SectionOwner],
    people: dict[str, tuple[str, list[str]]],
    creator: str,
) -> dict[str, str]:
    """address → name: `handlaggare` is every section owner (the report's creator if no section
    has one and the creator is a registered person)."""
    found: dict[str, str] = {}
    for recipient in rule.recipients if rule else ["handlaggare"]:
        if recipient == "handlaggare":
            for owner in owners:
                found.setdefault(owner.email, owner.name)
            if not owners and creator in people:
                found.setdefault(creator, people[creator][0])
        elif recipient.startswith("role:"):
            role = recipient.removeprefix("role:")
            for email, (name, roles) in sorted(people.items()):
                if role in roles:
                    found.setdefault(email, name)
        elif recipient.startswith("address:"):
            address = recipient.removeprefix("address:")
            found.setdefault(address, address)
    return found


def _sections(session: Session, report: ResultsReport) -> list[dict[str, Any]]:
    rows = session.exec(select(ResultsAnswer).where(ResultsAnswer.report_id == report.id)).all()
    counts = count_form(load_form(report.form_edition), {r.slot: r.text for r in rows})
    return [
        {"number": c.number, "title": c.title, "limit": c.limit, "used": c.used,
         "remaining": c.remaining, "over": c.remaining < 0,
         "in_words": f"{thousands(c.used)} av {thousands(c.limit)} tecken, "
                     + (f"{thousands(-c.remaining)} över gränsen" if c.remaining < 0
                        else f"{thousands(c.remaining)} kvar")}
        for c in counts
    ]  # fmt: skip


@dataclass(frozen=True)
class _Due:
    report: ResultsReport
    deadline: Deadline
    recipients: dict[str, str]  # address → name, not yet told of this deadline
    owners: list[SectionOwner]


def _find_due(
    session: Session, workflow: CompiledWorkflow, *, today: date, body: str, lock: bool
) -> tuple[list[_Due], int]:
    """The due deadlines of the open reports with the recipients not yet told, and how many
    due deadlines have nobody to tell. A handful of queries whatever the number of reports."""
    finals = [s.name for s in workflow.spec.states if workflow.is_final(s.name)]
    stmt = (
        select(ResultsReport)
        .where(col(ResultsReport.status).not_in(finals))
        .order_by(col(ResultsReport.id))
    )
    reports = session.exec(stmt.with_for_update() if lock else stmt).all()
    if not reports:
        return [], 0
    years = [r.year for r in reports]
    meetings: dict[int, list[date]] = {}
    for day in session.exec(
        select(col(Meeting.day)).where(
            Meeting.body == body, col(Meeting.cancelled_at).is_(None),
            col(Meeting.day).between(date(min(years) + 1, 1, 1), date(max(years) + 1, 12, 31)),
        )
    ):  # fmt: skip
        meetings.setdefault(day.year - 1, []).append(day)
    candidates = []
    for report in reports:
        due = [
            d for d in report_deadlines(
                year=report.year, stage=report.status, is_open=True,
                rules=workflow.spec.deadlines, meetings=meetings.get(report.year, []), today=today,
            ) if d.remind_on <= today
        ]  # fmt: skip
        if due:
            candidates.append((report, due))
    if not candidates:
        return [], 0
    ids = [r.id for r, _ in candidates if r.id is not None]
    done = set(
        session.exec(
            select(ResultsReminder.report_id, ResultsReminder.rule, ResultsReminder.recipient)
            .where(col(ResultsReminder.report_id).in_(ids))
        ).all()
    )  # fmt: skip
    owners = owners_of(session, ids)
    people = {p.email: (p.name, list(p.roles)) for p in session.exec(select(Person))}
    rules = {r.name: r for r in workflow.spec.deadlines}
    found: list[_Due] = []
    lonely = 0
    for report, due in candidates:
        mine = owners.get(report.id or 0, [])
        for deadline in due:
            everyone = _recipients(rules.get(deadline.rule), mine, people, report.created_by)
            lonely += not everyone
            todo = {a: n for a, n in everyone.items()
                    if (report.id, deadline.rule, a) not in done}  # fmt: skip
            if todo:
                found.append(_Due(report, deadline, todo, mine))
    return found, lonely


def queue_report_reminders(
    *,
    db: Database,
    settings: Settings,
    workflow: CompiledWorkflow,
    clock: Clock,
    body: str = "RUN",
) -> ReportReminderSummary:
    """Queue the due reminders of every open report. A read finds whether anything is new (the
    usual tick: nothing, and no write transaction); if so, one write transaction locks the open
    reports, finds it again and writes each e-mail with its `results_reminders` row, so two
    workers never queue the same reminder. With `settings.digest`, one e-mail per recipient
    lists all of theirs (each still recorded per deadline and recipient)."""
    now = clock.now()
    today = local_date(now)
    with db.read() as session:
        pending, lonely = _find_due(session, workflow, today=today, body=body, lock=False)
    if not pending:
        return ReportReminderSummary(0, 0, lonely)
    base = settings.base_url.rstrip("/")
    rules = {r.name: r for r in workflow.spec.deadlines}
    mails: list[Mail] = []
    digests: dict[tuple[str, str], list[dict[str, Any]]] = {}
    with db.write() as session:
        pending, lonely = _find_due(session, workflow, today=today, body=body, lock=True)
        sections: dict[int, list[dict[str, Any]]] = {}
        for item in pending:
            report, deadline = item.report, item.deadline
            if (report.id or 0) not in sections:
                sections[report.id or 0] = _sections(session, report)
            state = workflow.state(report.status)
            rule = rules.get(deadline.rule)
            template = rule.template if rule else TEMPLATE
            for address, name in item.recipients.items():
                owned = {o.section for o in item.owners if o.email == address}
                context = _context(report, deadline, today, name, base,
                                   [s for s in sections[report.id or 0] if s["number"] in owned],
                                   state.label if state else report.status)  # fmt: skip
                session.add(_row(report, deadline, address, today, now))
                key = f"results-reminder:{report.region}:{report.year}:{deadline.rule}:{address}"
                if settings.digest:
                    digests.setdefault((address, name), []).append({**context, "key": key})
                    continue
                subject, text, html = render(settings.notifications_dir, template, context)
                mails.append(Mail(address, subject, text, html, key))
        pairs = len(mails) + sum(len(items) for items in digests.values())
        for (address, name), items in digests.items():
            mails.append(_digest(settings, address, name, items, today))
        session.flush()
        enqueue_many(session=session, mails=mails, now=now, domain=mail_domain(settings.mail_from))
    return ReportReminderSummary(pairs, len(mails), lonely)


def _digest(
    settings: Settings, address: str, name: str, items: list[dict[str, Any]], today: date
) -> Mail:
    """One recipient's due report deadlines in one e-mail, ordered by their day; its key names
    every (report, deadline) in it, so the same set is never queued twice."""
    ordered = sorted(items, key=lambda item: (item["due_on"], item["report"]["region"]))
    context = {"recipient_name": name, "today": today.isoformat(), "items": ordered}
    subject, text, html = render(settings.notifications_dir, DIGEST, context)
    keys = "\n".join(sorted(item["key"] for item in items))
    digest = hashlib.sha256(keys.encode()).hexdigest()[:16]
    return Mail(address, subject, text, html, f"results-digest:{address}:{today}:{digest}")


def _row(
    report: ResultsReport, deadline: Deadline, address: str, today: date, now: datetime
) -> ResultsReminder:
    assert report.id is not None
    return ResultsReminder(
        report_id=report.id, rule=deadline.rule, occurrence=deadline.occurrence[:64],
        recipient=address, due_on=deadline.on, remind_on=deadline.remind_on,
        late=deadline.remind_on < today, queued_at=now,
    )  # fmt: skip


def _context(
    report: ResultsReport,
    deadline: Deadline,
    today: date,
    name: str,
    base: str,
    sections: list[dict[str, Any]],
    status: str,
) -> dict[str, Any]:
    return {
        "report": {"year": report.year, "region": report.region, "status": status},
        "label": deadline.label, "due_on": deadline.on.isoformat(),
        "remind_on": deadline.remind_on.isoformat(), "recipient_name": name,
        "link": f"{base}/results/{report.year}" + (
            "" if report.region == DEFAULT_REGION else f"?region={quote(report.region)}"
        ),
        "sections": sections,
        "late": deadline.remind_on < today, "overdue": deadline.on < today,
    }  # fmt: skip


def queued_reminders(*, db: Database, year: int, region: str) -> list[tuple[str, str, date, bool]]:
    """(rule, recipient, due_on, late) of the reminders queued for a report, in order."""
    with db.read() as session:
        rows = session.exec(
            select(ResultsReminder)
            .join(ResultsReport, col(ResultsReport.id) == col(ResultsReminder.report_id))
            .where(ResultsReport.year == year, ResultsReport.region == region)
            .order_by(col(ResultsReminder.id))
        ).all()
        return [(r.rule, r.recipient, r.due_on, r.late) for r in rows]
