"""Due reminders → outbox messages, in one transaction: the reminder is marked `queued` in the
transaction that writes its e-mails, so it is never lost and never queued twice. With
`CASEFLOW_DIGEST=true` each person gets one e-mail per run listing everything due."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select as core_select
from sqlalchemy import update
from sqlmodel import select

from caseflow.clock import Clock
from caseflow.domain.workdays import local_date
from caseflow.errors import InputError
from caseflow.mail.outbox import Mail, enqueue_many, mail_domain
from caseflow.settings import Settings
from caseflow.store.db import Database
from caseflow.store.models import Case, Person, Reminder
from caseflow.workflow.registry import WorkflowRegistry

_REMINDERS = Reminder.__table__  # type: ignore[attr-defined]
_CASES = Case.__table__  # type: ignore[attr-defined]


def due_batch(*, today: date, limit: int) -> Any:
    """The next planned reminders due by `today`, with what their e-mails need of the case,
    oldest first (uses the (status, remind_on) index)."""
    r, c = _REMINDERS.c, _CASES.c
    return (
        core_select(
            r.id,
            r.rule,
            r.label,
            r.due_on,
            r.remind_on,
            c.dnr_prefix,
            c.dnr_serial,
            c.dnr_year,
            c.title,
            c.handlaggare,
            c.workflow,
        )  # fmt: skip
        .join(_CASES, c.id == r.case_id)
        .where(r.status == "planned", r.remind_on <= today, r.mark.is_(None))
        .order_by(r.remind_on, r.id)
        .limit(limit)
    )


@dataclass(frozen=True)
class QueueSummary:
    reminders: int = 0
    messages: int = 0
    without_recipient: int = 0


@functools.lru_cache(maxsize=4)
def _environment(folder: Path) -> SandboxedEnvironment:
    return SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(folder), undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html"]),
    )  # fmt: skip


def render(folder: Path, key: str, context: dict[str, Any]) -> tuple[str, str, str | None]:
    """(subject, text, html or None) of notification `key`.

    Raises:
        InputError: a template is missing or names something that does not exist.
    """
    env = _environment(folder)
    try:
        subject = env.get_template(f"{key}.subject.txt").render(context).strip()
        text = env.get_template(f"{key}.txt").render(context)
        html = (
            env.get_template(f"{key}.html").render(context)
            if (folder / f"{key}.html").exists() else None
        )  # fmt: skip
    except jinja2.TemplateNotFound as err:
        raise InputError(f"meddelandemallen {err.name} finns inte i {folder}") from None
    except jinja2.UndefinedError as err:
        raise InputError(f"meddelandemallen {key}: {err.message}") from None
    return " ".join(subject.split()), text, html


def queue_due(
    *, db: Database, settings: Settings, workflows: WorkflowRegistry, clock: Clock,
    limit: int = 1000,
) -> QueueSummary:  # fmt: skip
    """Turn reminders due today (Stockholm) into outbox messages and mark them queued: one
    read, one batch insert into the outbox, one update, in one transaction."""
    now = clock.now()
    today: date = local_date(now)
    base = settings.base_url.rstrip("/")
    mails: list[Mail] = []
    digests: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    done: list[int] = []
    late: list[int] = []
    lonely = 0
    with db.write() as session:
        stmt = due_batch(today=today, limit=limit)
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True, of=_REMINDERS)
        rows = session.connection().execute(stmt).all()
        people = _people(session) if rows else {}
        for (
            rid,
            rule_name,
            label,
            due_on,
            remind_on,
            prefix,
            serial,
            year,
            title,
            officer,
            wf,
        ) in rows:
            dnr = f"{prefix}/{serial}/{year}"
            rule = next((r for r in workflows.get(wf).spec.deadlines if r.name == rule_name), None)
            addresses = _recipients(people, rule.recipients if rule else ["handlaggare"], officer)
            for address, name in addresses:
                context = {
                    "case": {"diarienummer": dnr, "title": title}, "label": label,
                    "due_on": due_on.isoformat(), "remind_on": remind_on.isoformat(),
                    "recipient_name": name, "link": f"{base}/cases/{dnr}",
                    "late": remind_on < today, "overdue": due_on < today,
                }  # fmt: skip
                if settings.digest:
                    digests.setdefault((address, name), []).append((rid, context))
                    continue
                subject, text, html = render(
                    settings.notifications_dir, rule.template if rule else "deadline", context
                )
                mails.append(Mail(address, subject, text, html, f"reminder:{rid}:{address}"))
            lonely += not addresses
            (late if remind_on < today else done).append(rid)
        for (address, name), items in digests.items():
            ids = ",".join(str(i) for i, _ in sorted(items, key=lambda x: x[0]))
            ordered = [c for _, c in sorted(items, key=lambda x: str(x[1]["due_on"]))]
            summary: dict[str, Any] = {"recipient_name": name, "today": today.isoformat(),
                                       "items": ordered}  # fmt: skip
            subject, text, html = render(settings.notifications_dir, "digest", summary)
            key = f"digest:{address}:{today}:{hashlib.sha256(ids.encode()).hexdigest()[:16]}"
            mails.append(Mail(address, subject, text, html, key))
        enqueue_many(session=session, mails=mails, now=now, domain=mail_domain(settings.mail_from))
        # A reminder whose day had passed (planned late, or a weekend moved it back) is sent
        # now, once, and marked late.
        for batch, is_late in ((done, False), (late, True)):
            for start in range(0, len(batch), 500):
                session.connection().execute(
                    update(_REMINDERS)
                    .where(_REMINDERS.c.id.in_(batch[start : start + 500]))
                    .values(status="queued", updated_at=now, reminded_at=now, late=is_late)
                )
    return QueueSummary(len(done) + len(late), len(mails), lonely)


def _people(session: Any) -> dict[str, tuple[str, list[str]]]:
    """Everyone's name and roles by e-mail (one read per batch)."""
    return {p.email: (p.name, list(p.roles)) for p in session.exec(select(Person)).all()}


def _recipients(
    people: dict[str, tuple[str, list[str]]], recipients: list[str], officer: str | None
) -> list[tuple[str, str]]:
    """(address, name) for `handlaggare`, `role:R` and `address:A`, without repeats."""
    found: dict[str, str] = {}
    for recipient in recipients:
        if recipient == "handlaggare" and officer:
            found.setdefault(officer, people.get(officer, (officer, []))[0])
        elif recipient.startswith("role:"):
            role = recipient.removeprefix("role:")
            for email, (name, roles) in people.items():
                if role in roles:
                    found.setdefault(email, name)
        elif recipient.startswith("address:"):
            address = recipient.removeprefix("address:")
            found.setdefault(address, address)
    return list(found.items())
