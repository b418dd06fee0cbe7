"""The diarium as one statement (`records.register`): the rows, their order and the masking are
those of a plain reading of the tables, for the registrator and public, on SQLite and PostgreSQL;
a page of it is that slice of the whole, with the period's count.

The reference below reads the ORM rows and masks them in Python, one rule at a time, as the
README describes the public register; the register must agree with it row for row.
"""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from caseflow.clock import FakeClock
from caseflow.errors import InputError
from caseflow.records.models import Handling, SecrecyMark
from caseflow.records.register import (
    RegisterRow,
    register_page,
    register_rows,
    to_csv,
    to_json,
)
from caseflow.records.vocabulary import MASK
from caseflow.store.db import Database
from caseflow.store.models import Case
from caseflow.workflow.registry import WorkflowRegistry
from tests.factories import OFFICER, add_people, make_case
from tests.recordkit import doc_types

YEAR = (date(2025, 1, 1), date(2025, 12, 31))
NOW = datetime(2025, 6, 1, 9, tzinfo=UTC)
TYPES = ("ansokan", "korrespondens", "rapport", "avtal", "ovrigt", "okand_typ")


def _fill(db: Database, workflows: WorkflowRegistry, clock: FakeClock) -> None:
    """Cases on two boards with documents over 2024–2026, marks in force and lifted, on
    documents and on titles (one title marked twice), secret documents with and without a
    counterpart, and a type the configuration does not know (shown by its code)."""
    add_people(db, clock)
    dnrs = [f"RUN/{n}/2025" for n in (7, 12, 100, 3)] + ["NAM/5/2025", "RUN/8/2024"]
    titles = {d: f"Projekt {d} – Åre & Östersund" for d in dnrs}
    for d in dnrs:
        make_case(db, workflows, clock, d, title=titles[d])
    rnd = random.Random(14)
    with db.write() as session:
        cases = {c.diarienummer: c for c in session.exec(select(Case)).all()}
        handlings = []
        for i in range(120):
            case = cases[rnd.choice(dnrs)]
            day = date(2024, 12, 20) + timedelta(days=rnd.randrange(0, 400))
            handlings.append(Handling(
                case_id=case.id or 0, number=sum(h.case_id == case.id for h in handlings) + 1,
                direction=rnd.choice(("inkommande", "upprattad", "utgaende")),
                document_date=day - timedelta(days=rnd.randrange(0, 5)), registered_on=day,
                counterpart=rnd.choice((None, "Mittuniversitetet", "Kommun; \"AB\"")),
                subject=f"Handling {i}", doc_type=rnd.choice(TYPES), is_final=True,
                created_by=OFFICER, created_at=NOW,
            ))  # fmt: skip
        session.add_all(handlings)
        session.flush()
        for h in handlings:
            if rnd.random() < 0.2:
                lifted = rnd.random() < 0.3
                session.add(SecrecyMark(
                    case_id=h.case_id, handling_id=h.id, osl="OSL 31:16", reason="affärer",
                    marked_by=OFFICER, marked_at=NOW, lifted_by=OFFICER if lifted else None,
                    lifted_at=NOW if lifted else None,
                ))  # fmt: skip
        for d, lifted in (("RUN/7/2025", False), ("RUN/7/2025", False), ("RUN/12/2025", True),
                          ("NAM/5/2025", False)):  # fmt: skip
            session.add(SecrecyMark(
                case_id=cases[d].id or 0, handling_id=None, field="title", osl="OSL 21:1",
                reason="hälsa", marked_by=OFFICER, marked_at=NOW,
                lifted_at=NOW if lifted else None, lifted_by=OFFICER if lifted else None,
            ))  # fmt: skip
        session.add(SecrecyMark(
            case_id=cases["RUN/100/2025"].id or 0, handling_id=None, field="purpose",
            osl="OSL 21:1", reason="hälsa", marked_by=OFFICER, marked_at=NOW,
        ))  # fmt: skip


def _reference(db: Database, start: date, end: date, board: str | None,
               public: bool) -> list[tuple[object, ...]]:  # fmt: skip
    labels = {t.code: t.label for t in doc_types().types}
    with db.read() as session:
        cases = {c.id: c for c in session.exec(select(Case)).all()}
        marks = [m for m in session.exec(select(SecrecyMark)).all() if m.lifted_at is None]
        found = [
            h for h in session.exec(select(Handling)).all()
            if start <= h.registered_on <= end
            and (board is None or cases[h.case_id].dnr_prefix == board)
        ]  # fmt: skip
    osl = {m.handling_id: m.osl for m in marks if m.handling_id is not None}
    secret_titles = {m.case_id for m in marks if m.handling_id is None and m.field == "title"}
    out = []
    for h in found:
        case = cases[h.case_id]
        mark = osl.get(h.id)
        title, subject, counterpart, masked = case.title, h.subject, h.counterpart, False
        if public and h.case_id in secret_titles:
            title, masked = MASK, True
        if public and mark is not None:
            subject, masked = MASK, True
            counterpart = MASK if h.counterpart else None
        out.append((
            (h.registered_on, case.dnr_year, case.dnr_serial, h.number),
            case.diarienummer, title, f"{case.diarienummer}-{h.number}",
            h.registered_on.isoformat(), h.document_date.isoformat(), h.direction, h.doc_type,
            labels.get(h.doc_type, h.doc_type), subject, counterpart, mark, masked,
        ))  # fmt: skip
    return [row[1:] for row in sorted(out, key=lambda r: r[0])]  # type: ignore[arg-type, return-value]


def _plain(rows: list[RegisterRow]) -> list[tuple[object, ...]]:
    return [(*r[:-1], bool(r.masked)) for r in rows]


@pytest.mark.parametrize("public", [False, True], ids=["registrator", "public"])
@pytest.mark.parametrize("board", [None, "RUN", "NAM"])
def test_the_register_is_the_plain_reading_of_the_tables(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, public: bool,
    board: str | None,
) -> None:  # fmt: skip
    _fill(database, workflows, clock)
    for start, end in (YEAR, (date(2025, 3, 1), date(2025, 3, 31)), (date(2024, 1, 1),
                       date(2026, 12, 31))):  # fmt: skip
        rows = register_rows(db=database, types=doc_types(), start=start, end=end, board=board,
                             public=public)  # fmt: skip
        assert _plain(rows) == _reference(database, start, end, board, public)
    rows = register_rows(db=database, types=doc_types(), start=YEAR[0], end=YEAR[1],
                         board=board, public=public)  # fmt: skip
    assert rows, "the data set has documents in 2025 on every board"
    if public:
        assert any(r.masked for r in rows) and all(
            (r.subject == MASK) == (r.osl is not None) for r in rows
        )
    else:
        assert not any(r.masked for r in rows) and MASK not in {r.subject for r in rows}


def test_the_public_csv_and_json_hold_no_masked_content(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    """What leaves for the public: no secret subject, counterpart or title, in either format,
    and the JSON's flags are true/false whichever database answered."""
    _fill(database, workflows, clock)
    with database.read() as session:
        secret_ids = {
            m.handling_id for m in session.exec(select(SecrecyMark)).all()
            if m.lifted_at is None and m.handling_id is not None
        }  # fmt: skip
        hidden = {h.subject for h in session.exec(select(Handling)).all() if h.id in secret_ids}
    rows = register_rows(db=database, types=doc_types(), start=YEAR[0], end=YEAR[1], public=True)
    text = to_csv(rows)
    lines = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert len(lines) == len(rows) + 1
    subjects = {line[7] for line in lines[1:]}
    assert MASK in subjects and not hidden & subjects
    titles = {line[1] for line in lines[1:]}
    assert "Projekt RUN/7/2025 – Åre & Östersund" not in titles  # marked (twice)
    assert "Projekt RUN/12/2025 – Åre & Östersund" in titles or not any(
        r.diarienummer == "RUN/12/2025" for r in rows
    )  # its mark was lifted
    data = json.loads(to_json(rows, start=YEAR[0], end=YEAR[1], board=None, public=True))
    documents = [d for c in data["cases"] for d in c["documents"]]
    assert len(documents) == len(rows)
    assert {type(d["masked"]) for d in documents} == {bool}
    assert not hidden & {d["subject"] for d in documents}
    for document in documents:
        assert document["masked"] == (document["secret"] or document["number"].startswith(
            ("RUN/7/2025-", "NAM/5/2025-")))  # fmt: skip


@pytest.mark.parametrize("public", [False, True], ids=["registrator", "public"])
def test_pages_are_slices_of_the_whole_with_its_count(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock, public: bool
) -> None:
    _fill(database, workflows, clock)
    types = doc_types()
    for board in (None, "RUN"):
        whole = register_rows(db=database, types=types, start=YEAR[0], end=YEAR[1], board=board,
                              public=public)  # fmt: skip
        pages, offset = [], 0
        while True:
            page = register_page(db=database, types=types, start=YEAR[0], end=YEAR[1],
                                 board=board, public=public, offset=offset, limit=7)  # fmt: skip
            assert page.total == len(whole)
            if not page.rows:
                break
            pages.extend(page.rows)
            offset += 7
        assert _plain(pages) == _plain(whole)
    empty = register_page(db=database, types=types, start=date(2030, 1, 1),
                          end=date(2030, 1, 31), public=public)  # fmt: skip
    assert (empty.rows, empty.total) == ([], 0)


def test_a_page_out_of_range_is_refused_in_swedish(sqlite_db: Database) -> None:
    types = doc_types()
    for offset, limit in ((0, 0), (0, 1001), (-1, 10)):
        with pytest.raises(InputError, match="sidan"):
            register_page(db=sqlite_db, types=types, start=YEAR[0], end=YEAR[1], offset=offset,
                          limit=limit)  # fmt: skip
    with pytest.raises(InputError, match="före"):
        register_page(db=sqlite_db, types=types, start=YEAR[1], end=YEAR[0])


def test_the_register_page_pages_the_period_and_masks(
    sqlite_db: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    """/diarium shows 100 rows a page with the period's count and links between the pages;
    every page is masked; a page past the end says so."""
    import re

    from tests.webkit import make_web

    _fill(sqlite_db, workflows, clock)
    with sqlite_db.write() as session:  # enough rows in March 2025 for three pages
        case = session.exec(select(Case).where(Case.dnr_serial == 3)).one()
        session.add_all(Handling(
            case_id=case.id or 0, number=1000 + i, direction="inkommande",
            document_date=date(2025, 3, 2), registered_on=date(2025, 3, 2), counterpart="X",
            subject=f"Mars {i}", doc_type="ansokan", is_final=True, created_by=OFFICER,
            created_at=NOW,
        ) for i in range(230))  # fmt: skip
    web = make_web(sqlite_db, workflows, clock, public_register=True)
    period = {"from": "2025-03-01", "to": "2025-03-31"}
    whole = register_rows(db=sqlite_db, types=doc_types(), start=date(2025, 3, 1),
                          end=date(2025, 3, 31), public=True)  # fmt: skip
    assert 200 < len(whole) <= 300
    client = web.client()
    seen: list[str] = []
    for page in (1, 2, 3):
        text = client.get("/diarium", params={**period, "page": str(page)}).text
        assert f"{len(whole)} handlingar 2025-03-01–2025-03-31, sida {page} av 3" in text
        assert ("Nästa sida" in text) == (page < 3) and ("Föregående sida" in text) == (page > 1)
        seen.extend(re.findall(r"<td>([A-Z]+/\d+/\d{4}-\d+)</td>", text))
    assert seen == [r.number for r in whole]
    hidden = {r.number for r in register_rows(db=sqlite_db, types=doc_types(),
              start=date(2025, 3, 1), end=date(2025, 3, 31)) if r.osl}  # fmt: skip
    text = "".join(client.get("/diarium", params={**period, "page": str(p)}).text
                   for p in (1, 2, 3))  # fmt: skip
    for row in register_rows(db=sqlite_db, types=doc_types(), start=date(2025, 3, 1),
                             end=date(2025, 3, 31)):  # fmt: skip
        if row.number in hidden:
            assert f">{row.subject}<" not in text
    past = client.get("/diarium", params={**period, "page": "9"})
    assert past.status_code == 200 and "Sidan 9 finns inte" in past.text
    assert client.get("/diarium", params={**period, "page": "0"}).status_code in (400, 422)


def test_the_api_pages_the_register_with_its_total(
    database: Database, workflows: WorkflowRegistry, clock: FakeClock
) -> None:
    """`GET /api/v1/register?limit=&offset=`: the pages put together are the whole register,
    masked for a role without access, with the period's total; CSV pages too; bad bounds 422."""
    from tests.webkit import make_web

    _fill(database, workflows, clock)
    web = make_web(database, workflows, clock)
    sara = web.api("sara@example.se")  # nämndsekreterare: no access to secret content
    period = {"from": "2025-01-01", "to": "2025-12-31"}
    whole = sara.get("/api/v1/register", params=period).json()
    assert "total" not in whole
    expected = [d for c in whole["cases"] for d in c["documents"]]
    assert any(d["masked"] for d in expected)
    seen, offset = [], 0
    while True:
        page = sara.get("/api/v1/register", params={**period, "limit": "9",
                                                    "offset": str(offset)}).json()  # fmt: skip
        assert (page["total"], page["offset"], page["limit"]) == (len(expected), offset, 9)
        found = [d for c in page["cases"] for d in c["documents"]]
        if not found:
            break
        assert len(found) <= 9
        seen.extend(found)
        offset += 9
    # JSON groups each page's documents by case; the documents are the whole's, each once.
    assert len(seen) == len(expected)
    assert sorted(seen, key=lambda d: d["number"]) == sorted(expected, key=lambda d: d["number"])
    lines = sara.get("/api/v1/register", params={**period, "format": "csv"}).text.splitlines()
    page = sara.get("/api/v1/register", params={**period, "format": "csv", "limit": "5",
                                                "offset": "3"}).text.splitlines()  # fmt: skip
    assert page == [lines[0], *lines[4:9]]  # diarium order, the heading on every page
    for bad in ({"limit": "0"}, {"limit": "1001"}, {"limit": "5", "offset": "-1"}):
        assert sara.get("/api/v1/register", params={**period, **bad}).status_code == 422
    for client in web.clients:
        client.close()
