"""Fast seeding for the records benchmarks: `documents` handlings (with one file version each)
and 2 % secrecy marks inserted by Core `executemany` on cases imported the ordinary way, spread
over a year. The register reads the same rows whichever way they were written; seeding through
`add_handling` (one transaction, one file and one history event each) takes minutes on this
machine and is kept behind `bench_records.py --through-service`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from _common import case_docs, registry, seed
from sqlalchemy import select

from caseflow.clock import FakeClock
from caseflow.records.models import Handling, HandlingFile, SecrecyMark
from caseflow.store.db import Database
from caseflow.store.models import Case

TYPES = ("ansokan", "korrespondens", "rapport", "avtal", "protokollsutdrag", "ovrigt")
REGISTRAR = "rut@region.se"


def bulk_fill(db: Database, *, documents: int, cases: int, year: int, prefix: str = "RUN") -> None:
    """Cases `PREFIX/1/YEAR`… and `documents` handlings on them, every 50th marked secret."""
    clock = FakeClock(datetime(year, 1, 2, 8, 0, tzinfo=UTC))
    seed(db, registry(), clock, case_docs(prefix, cases, year))
    H, F, M = (t.__table__ for t in (Handling, HandlingFile, SecrecyMark))  # type: ignore[attr-defined]
    with db.engine.begin() as conn:
        ids = dict(
            conn.execute(
                select(Case.__table__.c.dnr_serial, Case.__table__.c.id).where(
                    Case.__table__.c.dnr_prefix == prefix
                )
            ).all()
        )  # type: ignore[attr-defined]
        first = conn.execute(select(H.c.id).order_by(H.c.id.desc()).limit(1)).scalar() or 0
        numbers: dict[int, int] = {}
        now = datetime(year, 1, 2, 8, tzinfo=UTC)
        handlings, files, marks = [], [], []
        for i in range(documents):
            case_id = ids[i % cases + 1]
            numbers[case_id] = numbers.get(case_id, 0) + 1
            day = date(year, 1, 1) + timedelta(days=(i * 360) // documents)
            hid = first + i + 1
            handlings.append({
                "id": hid, "case_id": case_id, "number": numbers[case_id],
                "direction": ("inkommande", "utgaende")[i % 2], "document_date": day,
                "registered_on": day, "counterpart": f"Organisation {i % 97}",
                "subject": f"Skrivelse {i} om medfinansiering", "doc_type": TYPES[i % len(TYPES)],
                "is_final": True, "created_by": REGISTRAR, "created_at": now,
            })  # fmt: skip
            files.append({
                "handling_id": hid, "version": 1, "sha256": f"{i:064x}", "size": 40,
                "media_type": "text/plain", "original_filename": f"skrivelse-{i}.txt",
                "created_by": REGISTRAR, "created_at": now,
            })  # fmt: skip
            if i % 50 == 0:
                marks.append({
                    "case_id": case_id, "handling_id": hid, "osl": "OSL 31:16",
                    "reason": "affärsförhållanden", "marked_by": REGISTRAR, "marked_at": now,
                })  # fmt: skip
        conn.execute(H.insert(), handlings)
        conn.execute(F.insert(), files)
        conn.execute(M.insert(), marks)
        conn.execute(M.insert(), [{
            "case_id": ids[3], "handling_id": None, "field": "title", "osl": "OSL 31:16",
            "reason": "affärsförhållanden", "marked_by": REGISTRAR, "marked_at": now,
        }])  # fmt: skip
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('handlings', 'id'), "
                                 "(SELECT max(id) FROM handlings))")  # fmt: skip
            conn.commit()
