"""Rules of a decision's life: its date, its signer, the minutes' paragraph, and how its events
read in a case's history (decision → annulment → anmälan)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from caseflow.domain.workdays import next_working_day
from caseflow.errors import InputError

#: The history event kinds of decisions (case_events.kind, at most 16 characters).
DECISION = "decision"
ANNULMENT = "annulment"
REPORT = "report"
EVENT_KINDS = (DECISION, ANNULMENT, REPORT)

#: After the meeting a delegation decision is reported at: the minutes are checked (justering)
#: within 14 days and posted (anslås) within 2 days after that; the appeal period
#: (laglighetsprövning, kommunallagen 13 kap. 5 §) is 3 weeks from the posting.
JUSTERING_DAYS = 14
POSTING_DAYS = 2
APPEAL_WEEKS = 3


def appeal_ends_by(reported_on: date, posted_on: date | None = None) -> date:
    """The last day a delegation decision reported at the meeting of `reported_on` can be
    appealed: three weeks from the day the minutes were posted (`posted_on`); while that day is
    not recorded, the latest it can be, with justering and posting taking their longest allowed
    time. A last day that is not a working day moves to the next one (lag 1930:173)."""
    posted = posted_on or reported_on + timedelta(days=JUSTERING_DAYS + POSTING_DAYS)
    return next_working_day(posted + timedelta(weeks=APPEAL_WEEKS))


def check_posting_day(posted_on: date, *, meeting_day: date, today: date, where: str) -> None:
    """The minutes are posted on or after the meeting and not after today.

    Raises:
        InputError: naming both dates.
    """
    if posted_on < meeting_day:
        raise InputError(f"protokollet från {where} kan inte ha anslagits {posted_on}, före "
                         "sammanträdet")  # fmt: skip
    if posted_on > today:
        raise InputError(f"protokollet från {where} kan inte ha anslagits {posted_on}; det är "
                         f"{today} i dag")  # fmt: skip


_PARAGRAPH = re.compile(r"^(?:§\s*)?(\d{1,4}(?:\s?[a-z])?)$")


def check_decision_date(decided_on: date, *, memo_date: date, today: date, dnr: str) -> None:
    """A decision is dated on or after its memo and not after today (Swedish local date).

    Raises:
        InputError: naming both dates.
    """
    if decided_on < memo_date:
        raise InputError(
            f"{dnr}: beslutsdatumet {decided_on} är före memots datum {memo_date}; "
            "ett beslut kan inte fattas innan memot är skrivet"
        )
    if decided_on > today:
        raise InputError(f"{dnr}: beslutsdatumet {decided_on} ligger i framtiden (i dag {today})")


def same_name(a: str, b: str) -> bool:
    """Names compared as a reader would: case and spacing ignored."""
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def check_signer(
    *, email: str, name: str, signatory_email: str | None, signatory_name: str | None, dnr: str
) -> None:
    """The person signing must be the one the memo names as signatory.

    A render stored before signatories were recorded (both None) names nobody to compare with.

    Raises:
        InputError: saying who the memo names.
    """
    if signatory_email is not None:
        ok = signatory_email.lower() == email.lower()
    elif signatory_name is not None:
        ok = same_name(signatory_name, name)
    else:
        return
    if not ok:
        named = signatory_name or signatory_email
        raise InputError(
            f"{dnr}: memot ska undertecknas av {named}, inte av {name} ({email}); skriv memot "
            "på nytt med rätt undertecknare om någon annan ska fatta beslutet"
        )


def normalise_paragraph(text: str | None) -> str | None:
    """The minutes' paragraph as `§ 12` (accepts `12`, `§12`, `§ 12 a`); empty: None.

    Raises:
        InputError: anything else.
    """
    if text is None or not text.strip():
        return None
    found = _PARAGRAPH.match(text.strip())
    if found is None:
        raise InputError(f"ogiltig paragraf {text.strip()[:30]!r}: skriv t.ex. § 12")
    return "§ " + found.group(1)


def event_text(kind: str, changes: dict[str, Any] | None) -> str | None:
    """How a decision event reads in the history, in Swedish; None for other kinds."""
    c = changes or {}
    point = f", delegationspunkt {c['delegation_point']}" if c.get("delegation_point") else ""
    if kind == DECISION:
        return (f"registrerade beslut {c.get('decision_id')} ({c.get('kind')}) fattat "
                f"{c.get('decided_on')} av {c.get('signed_by')}{point}")  # fmt: skip
    if kind == ANNULMENT:
        return f"upphävde beslut {c.get('decision_id')} fattat {c.get('decided_on')}"
    if kind == REPORT:
        paragraph = f" {c['paragraph']}" if c.get("paragraph") else ""
        return (f"anmälde beslut {c.get('decision_id')} till nämnden vid sammanträdet "
                f"{c.get('meeting')}{paragraph}")  # fmt: skip
    return None
