"""Memo use cases shared by the CLI and the web: render a memo to bytes, register a decision."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from caseflow.clock import Clock
from caseflow.domain.dnr import parse_dnr
from caseflow.errors import InputError, NotFoundError, UnknownCaseError
from caseflow.memo.compose import (
    FORMATS,
    BoardConfig,
    Draft,
    Signatory,
    cached_board,
    choose_kind,
    content_hash,
    draft_text,
    officer_from_person,
    render_markdown,
)
from caseflow.memo.store import finalize, insert_render, record_render, render_file
from caseflow.records.basis import basis_of, own_numbers
from caseflow.records.context import Records
from caseflow.store.caseread import read_case_dict, read_person_dict
from caseflow.store.db import Database
from caseflow.store.models import Decision
from caseflow.store.repo import get_person


@dataclass(frozen=True, slots=True)
class RenderedMemo:
    data: bytes
    kind: str
    fmt: str
    warnings: tuple[str, ...]
    filename: str


def board(memos_dir: Path) -> BoardConfig:
    """`memos_dir/board.yaml`, validated once per change of the file (see `cached_board`)."""
    return cached_board(memos_dir / "board.yaml")


def kind_choices(
    memos_dir: Path, case: dict[str, Any], *, config: BoardConfig | None = None
) -> tuple[list[tuple[str, str]], str | None]:
    """The board's memo kinds as (kind, Swedish title), and the one its `choose` rules pick for
    the case JSON `case` (None: no rule holds, the user must pick one); `config`: the board
    configuration already read (else `memos_dir`'s)."""
    config = config or board(memos_dir)
    try:
        chosen: str | None = choose_kind(case, config)
    except InputError:
        chosen = None
    return [(kind, spec.title) for kind, spec in config.kinds.items()], chosen


def load_case(db: Database, dnr: str) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The case JSON and its handläggare (as a dict), read in one transaction."""
    case, officer, _ = _read_case(db, dnr, expand_basis=False)
    return case, officer


def _read_case(
    db: Database, dnr: str, *, expand_basis: bool
) -> tuple[dict[str, Any], dict[str, Any] | None, int]:
    """The case JSON, its handläggare as a dict and the case's id, in one read transaction on
    prebuilt statements (`store.caseread`); with `expand_basis`, the Beslutsunderlag's handling
    numbers are replaced by the documents' lines (`records.basis`) in the same snapshot.

    Raises:
        UnknownCaseError; InputError: a Beslutsunderlag line names a missing handling.
    """
    number = parse_dnr(dnr)
    with db.cursor_reading() as tx:
        found = read_case_dict(tx=tx, dnr=number)
        if found is None:
            raise UnknownCaseError(f"ärendet {number} finns inte")
        case_id, case = found
        email = case["handlaggare"]
        officer = read_person_dict(tx=tx, email=email.strip().lower()) if email else None
    if expand_basis and own_numbers(case["decision_basis"], case["diarienummer"]):
        case["decision_basis"] = basis_of(db=db, dnr=dnr, lines=case["decision_basis"])
    return case, officer, case_id


def signatory(db: Database, email: str | None) -> Signatory | None:
    """The named person as a memo's signatory (None: the board's default).

    Raises:
        InputError: unknown person or one without a title.
    """
    if email is None:
        return None
    with db.read() as session:
        person = get_person(session=session, email=email)
    if person is None:
        raise InputError(f"--signatory: okänd person {email!r}")
    if not person.title:
        raise InputError(f"--signatory: {email} saknar titel (person add --title)")
    return Signatory(name=person.name, title=person.title)


def render_memo(
    *,
    db: Database,
    memos_dir: Path,
    clock: Clock,
    dnr: str,
    fmt: str,
    memo_date: date,
    actor: str,
    kind: str | None = None,
    signatory_email: str | None = None,
    records: Records | None = None,
) -> RenderedMemo:
    """Render the case's memo (docx, md or html) and record the render (hash, template version);
    with `records`, also register it as an upprättad handling (a new version of the case's
    draft of that memo kind).

    Raises:
        UnknownCaseError; InputError: unknown format or kind, missing facts, template errors.
    """
    from caseflow.memo.render import markdown_to_docx, markdown_to_html

    if fmt not in FORMATS:
        raise InputError(f"okänt format {fmt!r}; välj ett av {', '.join(FORMATS)}")
    config = board(memos_dir)
    case, officer, _ = _read_case(db, dnr, expand_basis=True)
    memo_kind = kind or choose_kind(case, config)
    signer = signatory(db, signatory_email)
    templates = memos_dir / "templates"
    header = officer_from_person(officer, case["handlaggare"])
    text = render_markdown(case, header, memo_kind, config, memo_date, templates=templates,
                           signatory=signer)  # fmt: skip
    title = f"{config.kinds[memo_kind].title} {case['diarienummer']}"
    if fmt == "md":
        data = text.markdown.encode("utf-8")
    elif fmt == "html":
        data = markdown_to_html(text.markdown, title=title).encode("utf-8")
    else:
        data = markdown_to_docx(text.markdown, template=templates / "memo.docx", title=title)
    filename = memo_filename(memo_kind, case["diarienummer"], fmt)
    store = record_render if records is not None else insert_render
    store(db=db, dnr=dnr, kind=memo_kind, fmt=fmt,
                  template_version=text.template_version, content_hash=content_hash(data),
                  memo_date=memo_date, warnings=text.warnings, actor=actor, clock=clock,
                  signatory_email=signatory_email.strip().lower() if signatory_email else None,
                  signatory_name=(signer or config.signatory).name, data=data,
                  records=records, filename=filename,
                  title=f"{config.kinds[memo_kind].title}: {case['title']}")  # fmt: skip
    return RenderedMemo(data, memo_kind, fmt, tuple(text.warnings), filename)


def memo_filename(kind: str, dnr: str, fmt: str) -> str:
    """The file name a memo is downloaded under, e.g. `beslut-RUN-2024-0042.docx`."""
    return f"{kind}-{dnr.replace('/', '-')}.{fmt}"


def stored_memo(*, db: Database, dnr: str, memo_id: int) -> RenderedMemo | None:
    """Render `memo_id` of the case exactly as it was produced (None: rendered before the bytes
    were kept, revision 0016).

    Raises:
        UnknownCaseError; NotFoundError: the case has no such render.
    """
    row, data = render_file(db=db, dnr=dnr, memo_id=memo_id)
    if data is None:
        return None
    name = memo_filename(row.kind, str(parse_dnr(dnr)), row.format)
    return RenderedMemo(data, row.kind, row.format, tuple(row.warnings), name)


#: The formats a memo is written in, as a user calls them.
FORMAT_NAMES = {"docx": "Word", "md": "Markdown", "html": "HTML"}


def memo_download(
    *, db: Database, dnr: str, memo_id: int, to_pdf: Callable[[bytes], bytes] | None = None
) -> RenderedMemo:
    """A stored render to download: its bytes as they were produced, or with `to_pdf` (the
    entry point's Word → PDF conversion, `memo/pdf`) the Word render converted to PDF. Only a
    Word render has a PDF: Markdown and HTML are other documents than the one the board gets.

    Raises:
        UnknownCaseError; NotFoundError: no such render, or rendered before the bytes were
        kept; InputError: PDF of a render that is not Word; UnavailableError (from `to_pdf`).
    """
    stored = stored_memo(db=db, dnr=dnr, memo_id=memo_id)
    if stored is None:
        raise NotFoundError(f"memo nr {memo_id} skrevs innan memon sparades och kan inte "
                            "laddas ner; skriv det på nytt")  # fmt: skip
    if to_pdf is None:
        return stored
    if stored.fmt != "docx":
        raise InputError(f"memo nr {memo_id} skrevs som {FORMAT_NAMES.get(stored.fmt, stored.fmt)}"
                         "; PDF görs av memon skrivna som Word")  # fmt: skip
    name = memo_filename(stored.kind, str(parse_dnr(dnr)), "pdf")
    return RenderedMemo(to_pdf(stored.data), stored.kind, "pdf", stored.warnings, name)


@dataclass(frozen=True, slots=True)
class DraftDocument:
    """The drafted Ärendebeskrivning as a file, and the facts it had to leave out."""

    data: bytes
    fmt: str
    filename: str
    missing: tuple[str, ...]


def draft_description(*, db: Database, memos_dir: Path, dnr: str) -> Draft:
    """The Ärendebeskrivning drafted from the case's facts (`memo draft`).

    Raises:
        UnknownCaseError; InputError: too few facts for any sentence.
    """
    case, _ = load_case(db, dnr)
    return _drafted(case, memos_dir)


def _drafted(case: dict[str, Any], memos_dir: Path) -> Draft:
    drafted = draft_text(case, board(memos_dir))
    if not drafted.text:
        raise InputError(f"{case['diarienummer']}: för lite uppgifter för ett utkast till "
                         f"ärendebeskrivning (saknas: {', '.join(drafted.missing)})")  # fmt: skip
    return drafted


def draft_document(*, db: Database, memos_dir: Path, dnr: str, fmt: str) -> DraftDocument:
    """The drafted Ärendebeskrivning as docx, html or md on the memo template, headed with the
    case; not a memo render (it has no decision), so nothing is recorded.

    Raises:
        UnknownCaseError; InputError: unknown format, too few facts.
    """
    from caseflow.memo.compose.escape import escape_line, escape_paragraphs
    from caseflow.memo.render import markdown_to_docx, markdown_to_html

    if fmt not in FORMATS:
        raise InputError(f"okänt format {fmt!r}; välj ett av {', '.join(FORMATS)}")
    case, _ = load_case(db, dnr)
    drafted = _drafted(case, memos_dir)
    number = case["diarienummer"]
    title = f"Ärendebeskrivning {number}"
    markdown = (f"## {number}\n\n### {escape_line(case['title'])}\n\n#### Ärendebeskrivning\n\n"
                f"{escape_paragraphs(drafted.text)}\n")  # fmt: skip
    if drafted.missing:
        markdown += f"\n<!-- Saknas i utkastet: {', '.join(drafted.missing)} -->\n"
    if fmt == "md":
        data = markdown.encode("utf-8")
    elif fmt == "html":
        data = markdown_to_html(markdown, title=title).encode("utf-8")
    else:
        data = markdown_to_docx(markdown, template=memos_dir / "templates" / "memo.docx",
                                title=title)  # fmt: skip
    filename = memo_filename("arendebeskrivning", number, fmt)
    return DraftDocument(data, fmt, filename, tuple(drafted.missing))


def finalize_memo(
    *, db: Database, memos_dir: Path, clock: Clock, dnr: str, signed_by: str, decided_on: date,
    records: Records | None = None,
) -> Decision:  # fmt: skip
    """Register the decision of the case's latest memo, signed by a beslutsfattare (with
    `records`, its handling becomes final: fastställd)."""
    config = board(memos_dir)
    points = {k: c.delegation_point for k, c in config.kinds.items() if c.delegation_point}
    return finalize(db=db, dnr=dnr, signed_by=signed_by, decided_on=decided_on,
                    delegation_points=points, clock=clock, records=records)  # fmt: skip
