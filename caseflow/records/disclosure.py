"""Requests for a document (begäran om utlämnande av allmän handling, TF 2 kap.): recorded when
they come in (from an officer, or from the public register's page), and decided: handed out,
handed out with masking, or refused. Each step is an event in the case's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.checks import check_text
from caseflow.domain.permissions import require
from caseflow.errors import InputError, NotFoundError
from caseflow.records.models import DisclosureRequest, Handling
from caseflow.records.rows import event_row, require_handling
from caseflow.records.vocabulary import OUTCOME_LABELS, format_number
from caseflow.store.db import Database
from caseflow.store.models import Case
from caseflow.store.repo import require_person

RECEIVED, DECIDED = "disclosure", "disclosure_done"
#: Who a request from the public register's page is recorded by.
PUBLIC = "allmänheten"


@dataclass(frozen=True, slots=True)
class RequestView:
    id: int
    number: str
    requester: str | None
    contact: str | None
    message: str | None
    received_at: datetime
    recorded_by: str
    outcome: str | None
    outcome_reason: str | None
    decided_by: str | None
    decided_at: datetime | None

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS.get(self.outcome, self.outcome) if self.outcome else "Ej prövad"

    def as_json(self) -> dict[str, Any]:
        data = {k: getattr(self, k) for k in self.__slots__}
        for key in ("received_at", "decided_at"):
            data[key] = data[key].isoformat() if data[key] else None
        return data | {"outcome_label": self.outcome_label}


def request_document(
    *, db: Database, number: str, clock: Clock, recorded_by: str = PUBLIC,
    requester: str | None = None, contact: str | None = None, message: str | None = None,
) -> RequestView:  # fmt: skip
    """Record a request for the handling `number`. The requester may stay anonymous.

    Raises:
        InputError (texts), UnknownCaseError, NotFoundError.
    """
    who, how, what = _texts(requester, contact, message)
    now = clock.now()
    with db.write() as s:
        case, row = require_handling(session=s, number=number)
        request = _insert(s, case, row, recorded_by, now, who, how, what)
        return _view(request, case, row)


def _texts(
    requester: str | None, contact: str | None, message: str | None
) -> tuple[str | None, str | None, str | None]:
    who = check_text(requester, field="namn", max_length=300) if requester else None
    how = check_text(contact, field="kontakt", max_length=300) if contact else None
    what = check_text(message, field="meddelande", max_length=2000) if message else None
    return who or None, how or None, what or None


def _insert(
    s: Session, case: Case, row: Handling, recorded_by: str, now: datetime, who: str | None,
    how: str | None, what: str | None,
) -> DisclosureRequest:  # fmt: skip
    assert case.id is not None
    request = DisclosureRequest(case_id=case.id, handling_id=row.id, requester=who,
                                contact=how, message=what, received_at=now,
                                recorded_by=recorded_by)  # fmt: skip
    s.add(request)
    s.flush()
    s.add(event_row(case, RECEIVED, recorded_by, now,
                    {"number": format_number(case.diarienummer, row.number),
                     "request": request.id}))  # fmt: skip
    return request


def decide_request(
    *, db: Database, request_id: int, outcome: str, actor: str, clock: Clock,
    reason: str | None = None,
) -> RequestView:  # fmt: skip
    """Record how a request was decided (lamnas_ut, maskerad, avslag; a refusal needs a
    reason, which the requester may appeal).

    Raises:
        NotFoundError, InputError (outcome, reason, already decided).
    """
    why = _check_outcome(outcome, reason)
    now = clock.now()
    with db.write() as s:
        request = s.get(DisclosureRequest, request_id, with_for_update=True)
        if request is None:
            raise NotFoundError(f"begäran nr {request_id} finns inte")
        return _decide(s, request, outcome, why, actor, now)


def request_and_decide(
    *, db: Database, number: str, clock: Clock, actor: str, outcome: str,
    reason: str | None = None, requester: str | None = None, contact: str | None = None,
    message: str | None = None,
) -> RequestView:  # fmt: skip
    """Record a request for the handling `number` and its decision at once (a request tried
    when it is made), in one transaction: both or neither. The actor must be a registered
    person whose roles may decide (`decide_disclosure`).

    Raises:
        InputError (texts, outcome, reason), UnknownCaseError, NotFoundError,
        UnknownPersonError, PermissionDeniedError.
    """
    why = _check_outcome(outcome, reason)
    who, how, what = _texts(requester, contact, message)
    now = clock.now()
    with db.write() as s:
        person = require_person(session=s, email=actor)
        require("decide_disclosure", person.email, person.roles)
        case, row = require_handling(session=s, number=number)
        request = _insert(s, case, row, person.email, now, who, how, what)
        return _decide(s, request, outcome, why, person.email, now)


def require_decider(*, db: Database, actor: str) -> str:
    """The actor's e-mail if it is a registered person whose roles may decide requests.

    Raises:
        UnknownPersonError, PermissionDeniedError.
    """
    with db.read() as s:
        person = require_person(session=s, email=actor)
        require("decide_disclosure", person.email, person.roles)
        return person.email


def parse_outcome(value: str) -> str:
    """The outcome's code from what a user writes: the code (`lamnas_ut`, `maskerad`,
    `avslag`) or its Swedish words (`lämnas ut`, `lämnas ut med maskering`, `avslås` …).

    Raises:
        InputError: none of them.
    """
    key = " ".join(value.strip().lower().replace("_", " ").replace("-", " ").split())
    key = key.replace("ä", "a").replace("å", "a").replace("ö", "o")
    found = _OUTCOME_WORDS.get(key)
    if found is None:
        raise InputError(
            f"--decision: okänt beslut {value!r}; välj lämnas ut, lämnas ut med maskering "
            "eller avslås"
        )
    return found


_OUTCOME_WORDS = {
    "lamnas ut": "lamnas_ut", "lamna ut": "lamnas_ut", "utlamnas": "lamnas_ut",
    "maskerad": "maskerad", "lamnas ut med maskering": "maskerad", "maskering": "maskerad",
    "lamnas ut maskerad": "maskerad", "avslag": "avslag", "avslas": "avslag",
}  # fmt: skip


def _check_outcome(outcome: str, reason: str | None) -> str | None:
    if outcome not in OUTCOME_LABELS:
        raise InputError(f"beslut: okänt värde {outcome!r}; välj {', '.join(OUTCOME_LABELS)}")
    why = check_text(reason, field="motivering", max_length=2000) if reason else None
    if outcome == "avslag" and not why:
        raise InputError("motivering: ett avslag ska motiveras (det kan överklagas)")
    return why or None


def _decide(
    s: Session, request: DisclosureRequest, outcome: str, why: str | None, actor: str,
    now: datetime,
) -> RequestView:  # fmt: skip
    if request.outcome is not None:
        raise InputError(f"begäran nr {request.id} är redan prövad ({request.outcome})")
    case = s.get(Case, request.case_id)
    row = s.get(Handling, request.handling_id) if request.handling_id else None
    assert case is not None and row is not None
    request.outcome, request.outcome_reason = outcome, why
    request.decided_by, request.decided_at = actor, now
    s.add(request)
    s.add(event_row(case, DECIDED, actor, now,
                    {"number": format_number(case.diarienummer, row.number),
                     "request": request.id, "outcome": outcome}))  # fmt: skip
    return _view(request, case, row)


def list_requests(*, db: Database, undecided_only: bool = False) -> list[RequestView]:
    """Every request, oldest first (or only those not yet decided)."""
    stmt = (
        select(DisclosureRequest, Case, Handling)
        .join(Case, col(Case.id) == col(DisclosureRequest.case_id))
        .join(Handling, col(Handling.id) == col(DisclosureRequest.handling_id))
        .order_by(col(DisclosureRequest.id))
    )
    if undecided_only:
        stmt = stmt.where(col(DisclosureRequest.outcome).is_(None))
    with db.read() as s:
        return [_view(r, c, h) for r, c, h in s.exec(stmt).all()]


def _view(r: DisclosureRequest, case: Case, row: Handling) -> RequestView:
    return RequestView(
        id=r.id or 0, number=format_number(case.diarienummer, row.number), requester=r.requester,
        contact=r.contact, message=r.message, received_at=r.received_at,
        recorded_by=r.recorded_by, outcome=r.outcome, outcome_reason=r.outcome_reason,
        decided_by=r.decided_by, decided_at=r.decided_at,
    )  # fmt: skip
