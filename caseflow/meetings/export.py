"""A meeting's documents in Word: the kallelse with föredragningslista, and protokollsutdrag.

Both are written as the memo's Markdown subset and built by `memo.render.markdown_to_docx` on
the memo's Word template, so they carry the region's letterhead and look. The decision text of a
protokollsutdrag is the numbered list under "Beslut" of the memo the case's decision was
registered on (else its latest memo), read back from the bytes stored when it was written
(`memo.beslut`): what was signed, never the case as it reads today.

Secrecy: produced for roles without access to marked case fields (`secrecy` and `roles`), a
marked field's value reads `[sekretess]` (the title, the handläggare, the owner and copies under
"Utdrag till"), and the decision text of a case with field marks in force (or whose memo is
marked) is left out with a note: the memo may quote the marked values. The board's own copy is
produced for a role with access (or without `secrecy`: the CLI, a holder of the database).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlmodel import Session, col, select

from caseflow.clock import Clock
from caseflow.domain.workdays import local_date
from caseflow.errors import InputError
from caseflow.meetings.service import require_meeting
from caseflow.memo.beslut import decision_sentences
from caseflow.memo.compose import BoardConfig, cached_board, swedish_long_date
from caseflow.memo.decisions import DecisionRow, list_decisions
from caseflow.memo.render import markdown_to_docx
from caseflow.memo.store import renders_of
from caseflow.records.config import SecrecyConfig
from caseflow.records.fieldmask import hidden_fields, marked_titles, masked_value
from caseflow.records.models import Handling, SecrecyMark
from caseflow.records.vocabulary import MASK
from caseflow.store.db import Database
from caseflow.store.models import AgendaItem, Case, Decision, Meeting, MemoFile, MemoRender
from caseflow.store.repo import get_person

KINDS = ("kallelse", "protokollsutdrag")
WITHHELD = (
    "Beslutstexten återges inte här: memot kan innehålla sekretessmarkerade uppgifter ur ärendet."
)
JUSTERING = "Justerandes signatur: ……………………………    Utdragsbestyrkande: ……………………………"
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!])")


@dataclass(frozen=True)
class Item:
    """One agenda item as the documents show it."""

    paragraph: int
    diarienummer: str
    title: str
    handlaggare: str  # a name, never an e-mail
    copies: tuple[str, ...]
    decision: tuple[str, ...]  # the Beslut sentences; empty when none could be found
    decision_note: str | None  # why there is no decision text


@dataclass(frozen=True)
class Exported:
    data: bytes
    filename: str


def text(value: object) -> str:
    """Case data as literal Markdown inline text (a title with `*` or `#` stays as typed)."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def _name(session: Session, email: str | None, fallback: str) -> str:
    person = get_person(session=session, email=email) if email else None
    return person.name if person is not None else fallback


def _memo_of(session: Session, case: Case) -> MemoRender | None:
    """The render the case's latest live decision was registered on; with no decision, the
    case's latest render (a tjänsteskrivelse the board itself decides on)."""
    assert case.id is not None
    stmt = (
        select(MemoRender)
        .join(Decision, col(Decision.memo_id) == col(MemoRender.id))
        .where(Decision.case_id == case.id, col(Decision.annulled_at).is_(None))
        .order_by(col(Decision.id).desc())
    )
    decided = session.exec(stmt).first()
    if decided is not None:
        return decided
    renders = renders_of(session=session, case_id=case.id)
    return renders[-1] if renders else None


def _decision(session: Session, case: Case) -> tuple[tuple[str, ...], str | None]:
    """The Beslut sentences of the stored memo (Markdown, as the document writes them), or why
    there are none."""
    memo = _memo_of(session, case)
    if memo is None:
        return (), "Inget memo är skrivet i ärendet; beslutet skrivs in i protokollet."
    stored = session.get(MemoFile, memo.content_hash)
    if stored is None:
        return (), ("Memot skrevs innan memon sparades, så beslutstexten kan inte hämtas ur "
                    "det; beslutet skrivs in i protokollet.")  # fmt: skip
    sentences = decision_sentences(stored.data, memo.format)
    if not sentences:
        return (), "Memot har inget avsnitt Beslut."
    return tuple(text(s) for s in sentences), None


def _memo_marked(session: Session, case: Case) -> bool:
    """Whether the memo the decision text would be read from is under a mark in force."""
    memo = _memo_of(session, case)
    if memo is None:
        return False
    stmt = (
        select(SecrecyMark.id)
        .join(Handling, col(Handling.id) == col(SecrecyMark.handling_id))
        .where(Handling.case_id == case.id, Handling.memo_id == memo.id,
               col(SecrecyMark.lifted_at).is_(None))
    )  # fmt: skip
    return session.exec(stmt).first() is not None


def _items(session: Session, meeting: Meeting, board: BoardConfig, *, first: int,
           with_decisions: bool, secrecy: SecrecyConfig | None,
           roles: Sequence[str]) -> list[Item]:  # fmt: skip
    stmt = (
        select(Case)
        .join(AgendaItem, col(AgendaItem.case_id) == col(Case.id))
        .where(AgendaItem.meeting_id == meeting.id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
    )
    cases = list(session.exec(stmt).all())
    guarded = secrecy is not None and not secrecy.may_see(tuple(roles))
    hidden = (
        hidden_fields(session=session, secrecy=secrecy, roles=roles,
                      case_ids=[c.id for c in cases if c.id is not None])
        if secrecy is not None and guarded else {}
    )  # fmt: skip
    found = []
    for number, case in enumerate(cases, start=first):
        shut = hidden.get(case.id or 0, frozenset())
        owner = case.owner or (board.organisation if case.owner_is_region else "")
        owner = masked_value("owner", owner) if "owner" in shut and case.owner else owner
        handlaggare = _name(session, case.handlaggare, "ingen handläggare utsedd")
        handlaggare = MASK if "handlaggare" in shut and case.handlaggare else handlaggare
        listed = list(getattr(case, "copies", None) or [])
        listed = list(masked_value("copies", listed)) if "copies" in shut else listed
        copies = [owner] + [c for c in listed if c != owner]
        title = masked_value("title", case.title) if "title" in shut else case.title
        decision: tuple[str, ...] = ()
        note: str | None = None
        if with_decisions and guarded and (shut or _memo_marked(session, case)):
            note = WITHHELD
        elif with_decisions:
            decision, note = _decision(session, case)
        found.append(Item(number, case.diarienummer, title, handlaggare,
                          tuple(c for c in copies if c), decision, note))  # fmt: skip
    return found


def _delegation_decisions(db: Database, meeting: Meeting) -> list[DecisionRow]:
    """Reported at this meeting, or waiting for it (taken by its day, neither reported nor
    annulled)."""
    here = f"{meeting.body} {meeting.day.isoformat()}"
    return [
        d for d in list_decisions(db=db)
        if d.delegation_point and d.annulled_at is None
        and (d.meeting == here or (d.reported_on is None and d.decided_on <= meeting.day))
    ]  # fmt: skip


def _header(board: BoardConfig, what: str, meeting: Meeting) -> list[str]:
    when = swedish_long_date(meeting.day)
    clock = f" kl. {meeting.time.replace(':', '.')}" if meeting.time else ""
    return [f"**{text(board.organisation)}**  ", f"{text(_capital(board.board_name))}  ",
            f"{what}  ", f"Sammanträdesdatum: {when}{clock}", ""]  # fmt: skip


def _capital(name: str) -> str:
    return name[:1].upper() + name[1:]


def kallelse_markdown(board: BoardConfig, meeting: Meeting, items: list[Item],
                      decisions: list[tuple[DecisionRow, str]]) -> str:  # fmt: skip
    """The kallelse with föredragningslista: the meeting, the ordered items, the decisions to
    report (each with the signer's name)."""
    when = swedish_long_date(meeting.day)
    clock = f" kl. {meeting.time.replace(':', '.')}" if meeting.time else ""
    lines = _header(board, "Kallelse", meeting)
    lines += ["# Kallelse och föredragningslista", "",
              f"Ledamöterna i {text(board.board_name)} kallas till sammanträde {when}{clock}.", "",
              "## Föredragningslista", ""]  # fmt: skip
    for item in items:
        lines.append(f"{item.paragraph}. {text(item.title)}, diarienummer {item.diarienummer}. "
                     f"Handläggare: {text(item.handlaggare)}.")  # fmt: skip
        lines.append("")
    if not items:
        lines += ["Inga ärenden står på föredragningslistan.", ""]
    lines += ["## Anmälan av delegationsbeslut", ""]
    for d, signer in decisions:
        lines.append(f"- {d.diarienummer} {text(d.title)}: delegationsbeslut enligt punkt "
                     f"{text(d.delegation_point or '')}, fattat {d.decided_on.isoformat()} av "
                     f"{text(signer)}.")  # fmt: skip
    if not decisions:
        lines.append("Inga delegationsbeslut att anmäla.")
    return "\n".join(lines) + "\n"


def protokollsutdrag_markdown(board: BoardConfig, meeting: Meeting, items: list[Item],
                              reported: list[tuple[DecisionRow, str]]) -> str:  # fmt: skip
    """One section per agenda item (§, decision text, justering, Utdrag till), then the
    anmälan of delegation decisions if any were reported at the meeting."""
    lines = _header(board, "Protokollsutdrag", meeting)
    for item in items:
        lines += [f"# § {item.paragraph} {text(item.title)}", "",
                  f"Diarienummer: {item.diarienummer}", "", "## Beslut", ""]  # fmt: skip
        if item.decision:
            lines += [f"{n}. {sentence}" for n, sentence in enumerate(item.decision, start=1)]
        else:
            lines.append(text(item.decision_note or ""))
        lines += ["", JUSTERING, "", "### Utdrag till", "",
                  text(", ".join(item.copies) or "ingen mottagare angiven"), ""]  # fmt: skip
    if reported:
        paragraphs = sorted({d.paragraph for d, _ in reported if d.paragraph})
        number = ", ".join(paragraphs) or f"§ {items[-1].paragraph + 1 if items else 1}"
        lines += [f"# {number} Anmälan av delegationsbeslut", "",
                  f"{text(_capital(board.board_name))} beslutar att "
                  "lägga anmälan av följande delegationsbeslut till handlingarna:", ""]  # fmt: skip
        lines += [
            f"- {d.diarienummer} {text(d.title)}, punkt {text(d.delegation_point or '')}, "
            f"fattat {d.decided_on.isoformat()} av {text(signer)}."
            for d, signer in reported
        ]
        lines += ["", JUSTERING, ""]
    if not items and not reported:
        lines += ["Inga ärenden behandlades vid sammanträdet.", ""]
    return "\n".join(lines) + "\n"


def export_meeting(
    *, db: Database, memos_dir: Path, body: str, day: date, kind: str, clock: Clock,
    first_paragraph: int = 1, secrecy: SecrecyConfig | None = None, roles: Sequence[str] = (),
) -> Exported:  # fmt: skip
    """The meeting's kallelse or protokollsutdrag as .docx bytes; items numbered from
    `first_paragraph` in agenda order; produced for `roles` (masked by `secrecy` unless they
    may see marked fields; `secrecy=None`: unmasked, for a holder of the database).

    Raises:
        NotFoundError (no such meeting), InputError (unknown kind, a cancelled meeting, a
        protokollsutdrag before the meeting, a paragraph number below 1).
    """
    if kind not in KINDS:
        raise InputError(f"okänd handling {kind!r}; välj kallelse eller protokollsutdrag")
    if first_paragraph < 1:
        raise InputError(f"första paragrafen måste vara 1 eller mer, inte {first_paragraph}")
    board = cached_board(memos_dir / "board.yaml")
    templates = memos_dir / "templates"
    with db.read() as session:
        meeting = require_meeting(session, body=body, day=day)
        if meeting.cancelled_at is not None:
            raise InputError(f"sammanträdet {body} {day} är inställt")
        after = kind == "protokollsutdrag"
        if after and meeting.day > local_date(clock.now()):
            raise InputError(f"sammanträdet {body} {day} har inte hållits än; protokollsutdrag "
                             "skrivs efter sammanträdet")  # fmt: skip
        items = _items(session, meeting, board, first=first_paragraph, with_decisions=after,
                       secrecy=secrecy, roles=roles)  # fmt: skip
        here = f"{meeting.body} {meeting.day.isoformat()}"
        decisions = [(d, _name(session, d.signed_by, "okänd beslutsfattare"))
                     for d in _delegation_decisions(db, meeting)
                     if not after or d.meeting == here]  # fmt: skip
        if secrecy is not None and not secrecy.may_see(tuple(roles)):
            titles = marked_titles(session=session)
            decisions = [(dataclasses.replace(d, title=MASK) if d.diarienummer in titles else d,
                          signer) for d, signer in decisions]  # fmt: skip
    if after:
        markdown = protokollsutdrag_markdown(board, meeting, items, decisions)
        title = f"Protokollsutdrag {meeting.body} {meeting.day.isoformat()}"
    else:
        markdown = kallelse_markdown(board, meeting, items, decisions)
        title = f"Kallelse {meeting.body} {meeting.day.isoformat()}"
    data = markdown_to_docx(markdown, template=templates / "memo.docx", title=title)
    return Exported(data, f"{kind}-{meeting.body}-{meeting.day.isoformat()}.docx")
