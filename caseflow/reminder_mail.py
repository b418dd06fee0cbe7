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
from sqlmodel import col, select

from caseflow.clock import Clock
from caseflow.db import Database
from caseflow.errors import InputError
from caseflow.models import Case, Person, Reminder
from caseflow.outbox import enqueue, mail_domain
from caseflow.registry import WorkflowRegistry
from caseflow.settings import Settings
from caseflow.workdays import local_date


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
    """Turn reminders due today (Stockholm) into outbox messages and mark them queued."""
    now = clock.now()
    today: date = local_date(now)
    reminders = messages = lonely = 0
    digests: dict[tuple[str, str], list[tuple[int, dict[str, Any]]]] = {}
    with db.write() as session:
        stmt = (
            select(Reminder, Case)
            .join(Case, col(Case.id) == col(Reminder.case_id))
            .where(Reminder.status == "planned", col(Reminder.remind_on) <= today)
            .order_by(col(Reminder.remind_on), col(Reminder.id))
            .limit(limit)
        )
        if not db.is_sqlite:
            stmt = stmt.with_for_update(skip_locked=True, of=Reminder)
        for reminder, case in session.exec(stmt).all():
            rule = next((r for r in workflows.get(case.workflow).spec.deadlines
                         if r.name == reminder.rule), None)  # fmt: skip
            addresses = _recipients(session, rule.recipients if rule else ["handlaggare"], case)
            for address, name in addresses:
                context = {
                    "case": {"diarienummer": case.diarienummer, "title": case.title},
                    "label": reminder.label, "due_on": reminder.due_on.isoformat(),
                    "remind_on": reminder.remind_on.isoformat(), "recipient_name": name,
                    "link": f"{settings.base_url.rstrip('/')}/cases/{case.diarienummer}",
                }  # fmt: skip
                if settings.digest:
                    digests.setdefault((address, name), []).append((reminder.id or 0, context))
                    continue
                subject, text, html = render(
                    settings.notifications_dir, rule.template if rule else "deadline", context
                )
                enqueue(session=session, recipient=address, subject=subject, body_text=text,
                        body_html=html, key=f"reminder:{reminder.id}:{address}", now=now,
                        domain=mail_domain(settings.mail_from))  # fmt: skip
                messages += 1
            lonely += not addresses
            reminder.status, reminder.updated_at = "queued", now
            session.add(reminder)
            reminders += 1
        for (address, name), items in digests.items():
            ids = ",".join(str(i) for i, _ in sorted(items, key=lambda x: x[0]))
            ordered = [c for _, c in sorted(items, key=lambda x: str(x[1]["due_on"]))]
            summary_context: dict[str, Any] = {
                "recipient_name": name,
                "today": today.isoformat(),
                "items": ordered,
            }
            subject, text, html = render(settings.notifications_dir, "digest", summary_context)
            key = f"digest:{address}:{today}:{hashlib.sha256(ids.encode()).hexdigest()[:16]}"
            enqueue(session=session, recipient=address, subject=subject, body_text=text,
                    body_html=html, key=key, now=now,
                    domain=mail_domain(settings.mail_from))  # fmt: skip
            messages += 1
    return QueueSummary(reminders, messages, lonely)


def _recipients(session: Any, recipients: list[str], case: Case) -> list[tuple[str, str]]:
    """(address, name) for `handlaggare`, `role:R` and `address:A`, without repeats."""
    found: dict[str, str] = {}
    for recipient in recipients:
        if recipient == "handlaggare" and case.handlaggare:
            person = session.exec(select(Person).where(Person.email == case.handlaggare)).first()
            found.setdefault(case.handlaggare, person.name if person else case.handlaggare)
        elif recipient.startswith("role:"):
            role = recipient.removeprefix("role:")
            for person in session.exec(select(Person)).all():
                if role in person.roles:
                    found.setdefault(person.email, person.name)
        elif recipient.startswith("address:"):
            address = recipient.removeprefix("address:")
            found.setdefault(address, address)
    return list(found.items())
