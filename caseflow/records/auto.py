"""Rendered memos and signed decisions registered as upprättade handlingar, in the memo's or
the decision's own transaction.

A render becomes a new version of the case's draft handling of that memo kind (a new handling
if there is none, or the last one is final); signing the decision makes that handling final
(fastställd) and links it to the decision. A decision on a memo rendered before records were
kept gets a handling of its own, with the memo's stored bytes if any.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from caseflow.records.context import Records
from caseflow.records.fieldmask import mark_memo
from caseflow.records.filetype import DOCX, CheckedFile
from caseflow.records.models import Handling
from caseflow.records.rows import Draft, insert_handling, insert_version, make_final
from caseflow.records.vocabulary import ADOPTED, DRAWN_UP
from caseflow.store.models import Case, Decision, MemoFile, MemoRender

MEDIA_TYPES = {"docx": DOCX, "md": "text/markdown", "html": "text/html"}


def memo_rendered(
    *, session: Session, records: Records, case: Case, render: MemoRender, data: bytes,
    filename: str, title: str,
) -> Handling:  # fmt: skip
    """Register `render` (bytes `data`, already in the render's transaction): a version of the
    open draft handling of its kind, or a new upprättad handling titled `title`."""
    assert case.id is not None and render.id is not None
    key = records.files.put(data)
    checked = CheckedFile(filename=filename, media_type=MEDIA_TYPES.get(render.format,
                          "application/octet-stream"), size=len(data))  # fmt: skip
    draft = _open_draft(session, case.id, render.kind)
    if draft is not None:
        insert_version(session=session, case=case, row=draft, key=key, checked=checked,
                       actor=render.created_by, at=render.created_at)  # fmt: skip
        draft.memo_id = render.id
        session.add(draft)
        mark_memo(session=session, case=case, handling=draft, actor=render.created_by,
                  clock_at=render.created_at)  # fmt: skip
        return draft
    types = records.types
    values = Draft(direction=DRAWN_UP, doc_type=types.for_memo(render.kind), subject=title,
                   counterpart=None, document_date=render.memo_date, is_final=False,
                   final_state=None)  # fmt: skip
    view = insert_handling(session=session, case=case, types=types, draft=values,
                           actor=render.created_by, at=render.created_at,
                           file=(key, checked), memo_id=render.id)  # fmt: skip
    row = session.get(Handling, view.id)
    assert row is not None
    mark_memo(session=session, case=case, handling=row, actor=render.created_by,
              clock_at=render.created_at)  # fmt: skip
    return row


def decision_signed(
    *, session: Session, records: Records, case: Case, decision: Decision, title: str
) -> Handling:
    """Make the handling of the decided memo final (fastställd) and link it to `decision`; a
    memo without one (rendered before records) gets a final handling now."""
    assert case.id is not None and decision.id is not None
    row = None
    if decision.memo_id is not None:
        stmt = select(Handling).where(Handling.case_id == case.id,
                                      Handling.memo_id == decision.memo_id)  # fmt: skip
        row = session.exec(stmt.order_by(col(Handling.number).desc())).first()
    if row is not None and not row.is_final:
        make_final(session, case, row, ADOPTED, actor=decision.signed_by, at=decision.created_at)
        row.decision_id = decision.id
        session.add(row)
        return row
    memo = session.get(MemoRender, decision.memo_id) if decision.memo_id else None
    stored = session.get(MemoFile, memo.content_hash) if memo else None
    file = None
    if memo is not None and stored is not None:
        key = records.files.put(stored.data)
        name = f"{memo.kind}-{case.diarienummer.replace('/', '-')}.{memo.format}"
        media = MEDIA_TYPES.get(memo.format, "application/octet-stream")
        file = (key, CheckedFile(filename=name, media_type=media, size=len(stored.data)))
    values = Draft(direction=DRAWN_UP, doc_type="beslut" if records.types.get("beslut")
                   else records.types.for_memo(decision.kind), subject=title, counterpart=None,
                   document_date=decision.decided_on, is_final=True,
                   final_state=ADOPTED)  # fmt: skip
    view = insert_handling(session=session, case=case, types=records.types, draft=values,
                           actor=decision.signed_by, at=decision.created_at, file=file,
                           memo_id=decision.memo_id, decision_id=decision.id)  # fmt: skip
    found = session.get(Handling, view.id)
    assert found is not None
    return found


def _open_draft(session: Session, case_id: int, kind: str) -> Handling | None:
    stmt = (
        select(Handling)
        .join(MemoRender, col(MemoRender.id) == col(Handling.memo_id))
        .where(
            Handling.case_id == case_id, MemoRender.kind == kind, col(Handling.is_final).is_(False)
        )  # fmt: skip
        .order_by(col(Handling.number).desc())
    )
    return session.exec(stmt).first()
