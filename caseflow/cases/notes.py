"""Notes on a case: an officer's remark, kept with who and when in the case's history (a `note`
event) and found by search (the notes' text in `cases.notes_text`, which the search index of
migration 0022 reads). A note changes no field of the case, so it does not bump the row version
(an open form is not made stale by a colleague's note) and is allowed on a closed case."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from caseflow.clock import Clock
from caseflow.domain.checks import check_text, unify_newlines
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError
from caseflow.store.db import Database
from caseflow.store.models import CaseEvent
from caseflow.store.repo import require_case

MAX_NOTE = 4_000
#: The search text keeps the newest notes up to this many characters.
MAX_SEARCH_TEXT = 100_000


@dataclass(frozen=True, slots=True)
class Note:
    diarienummer: str
    text: str
    actor: str
    at: datetime


def add_note(*, db: Database, dnr: str, text: str, actor: str, clock: Clock) -> Note:
    """Record a note on the case.

    Raises:
        UnknownCaseError; InputError: empty, longer than 4 000 characters, control characters.
    """
    text = check_text(unify_newlines(text), field="anteckningen", max_length=MAX_NOTE).strip()
    if not text:
        raise InputError("anteckningen är tom; skriv något")
    now = clock.now()
    with db.write() as session:
        case = require_case(session=session, dnr=parse_dnr(dnr), for_update=True)
        assert case.id is not None
        session.add(
            CaseEvent(
                case_id=case.id, at=now, actor=actor, kind="note", from_stage=case.stage,
                to_stage=case.stage, changes={"text": text}, row_version=case.row_version,
            )
        )  # fmt: skip
        joined = f"{text}\n{case.notes_text}" if case.notes_text else text
        case.notes_text = joined[:MAX_SEARCH_TEXT]
        session.add(case)
        return Note(case.diarienummer, text, actor, now)
