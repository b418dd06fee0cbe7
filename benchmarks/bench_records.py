"""Records at scale: 10,000 documents registered through `add_handling` (each with its own small
file in a folder store, spread over a year by the clock) on `--cases` cases, then the register
(diarium) for the whole year and for one month, internal and public (masked), as the CLI, the API
and the /diarium page build it; 2 % of the documents carry a secrecy mark.

Target: the register for a year, p95 ≤ 50 ms (10,000 documents).

Run: .venv/bin/python benchmarks/bench_records.py [--documents 10000] [--cases 500] [--runs 50]
     [--pg postgresql+psycopg://…/scratch]   (the PostgreSQL database is reset first!)
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _common import case_docs, git_line, load_line, machine_line, registry, seed

from caseflow.cases.engine import add_person
from caseflow.cli.db import upgrade_database
from caseflow.clock import FakeClock
from caseflow.records.config import load_document_types, load_secrecy
from caseflow.records.register import register_rows, to_csv, to_json
from caseflow.records.repo import add_handling
from caseflow.records.secrecy import Target, mark_secret
from caseflow.records.storage import FolderStore
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database

TARGET_P95_MS = 50.0
YEAR = 2025
TYPES = ("ansokan", "korrespondens", "rapport", "avtal", "protokollsutdrag", "ovrigt")
REGISTRAR = "rut@region.se"


def fill(db: Database, folder: Path, documents: int, cases: int) -> float:
    """Seed the cases and register the documents; returns documents per second."""
    clock = FakeClock(datetime(YEAR, 1, 2, 8, 0, tzinfo=UTC))
    workflows = registry()
    seed(db, workflows, clock, case_docs("RUN", cases, YEAR))
    add_person(db=db, email=REGISTRAR, name="Rut", roles=["registrator"], clock=clock)
    types = load_document_types(PROJECT_ROOT / "records" / "document_types.yaml")
    secrecy = load_secrecy(PROJECT_ROOT / "records" / "secrecy.yaml")
    files = FolderStore(folder)
    step = timedelta(minutes=(360 * 24 * 60) // documents)
    started = time.perf_counter()
    for i in range(documents):
        dnr = f"RUN/{i % cases + 1}/{YEAR}"
        data = f"Handling {i}: skrivelse om projektet {dnr}\n".encode()
        view = add_handling(
            db=db, files=files, types=types, dnr=dnr, direction=("in", "out")[i % 2],
            subject=f"Skrivelse {i} om medfinansiering", doc_type=TYPES[i % len(TYPES)],
            counterpart=f"Organisation {i % 97}", actor=REGISTRAR, clock=clock, data=data,
            filename=f"skrivelse-{i}.txt",
        )  # fmt: skip
        if i % 50 == 0:
            mark_secret(db=db, secrecy=secrecy, target=Target(number=view.number),
                        osl="OSL 31:16", reason="affärsförhållanden", actor=REGISTRAR,
                        clock=clock)  # fmt: skip
        clock.advance(step)
    return documents / (time.perf_counter() - started)


def measure(db: Database, runs: int, start: date, end: date, public: bool) -> list[float]:
    types = load_document_types(PROJECT_ROOT / "records" / "document_types.yaml")
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        register_rows(db=db, types=types, start=start, end=end, board="RUN", public=public)
        times.append((time.perf_counter() - began) * 1000)
    return times


def report(name: str, db: Database, runs: int) -> bool:
    year = (date(YEAR, 1, 1), date(YEAR, 12, 31))
    month = (date(YEAR, 3, 1), date(YEAR, 3, 31))
    types = load_document_types(PROJECT_ROOT / "records" / "document_types.yaml")
    rows = register_rows(db=db, types=types, start=year[0], end=year[1], public=True)
    began = time.perf_counter()
    to_csv(rows)
    csv_ms = (time.perf_counter() - began) * 1000
    began = time.perf_counter()
    to_json(rows, start=year[0], end=year[1], board="RUN", public=True)
    json_ms = (time.perf_counter() - began) * 1000
    ok = True
    for label, (start, end), public in (("year", year, False), ("year, public", year, True),
                                        ("month", month, False)):  # fmt: skip
        times = sorted(measure(db, runs, start, end, public))
        p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
        target = label.startswith("year")
        met = p95 <= TARGET_P95_MS
        ok = ok and (met or not target)
        verdict = ("met" if met else "MISSED") if target else "no target"
        print(
            f"{name:10} register {label:13} rows {len(rows) if target else '':>6}  "
            f"p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  ({verdict})"
        )
    print(f"{name:10} rendering the public year: CSV {csv_ms:.1f} ms, JSON {json_ms:.1f} ms")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--pg", help="a scratch PostgreSQL URL (reset first)")
    args = parser.parse_args()
    print(machine_line())
    print(git_line())
    print(load_line(), "(before)")
    with tempfile.TemporaryDirectory() as tmp:
        targets = [("sqlite", Database(f"sqlite:///{tmp}/records.db"))]
        if args.pg:
            pg = Database(args.pg)
            with pg.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
            targets.append(("postgresql", pg))
        ok = True
        for name, db in targets:
            upgrade_database(db)
            rate = fill(db, Path(tmp) / f"filer-{name}", args.documents, args.cases)
            print(
                f"{name:10} registered {args.documents} documents on {args.cases} cases: "
                f"{rate:.0f} documents/s (one transaction each, file written and fsynced)"
            )
            db.optimize()
            ok = report(name, db, args.runs) and ok
            db.dispose()
    print(load_line(), "(after)")
    print("target register for a year p95 <= 50 ms:", "met" if ok else "MISSED")


if __name__ == "__main__":
    main()
