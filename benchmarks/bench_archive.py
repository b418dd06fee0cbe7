"""The e-archive export: 1,000 closed cases with 5 registered documents each (a PDF, a Word
file, a spreadsheet-sized text, a PNG, a letter; 4–40 kB) exported as E-ARK SIP packages, one
per case, by `archive.service.export_cases` (the code `caseflow archive export` runs): reading
the cases and documents, the files from the folder store, writing ERMS, PREMIS, METS and the
files. Seeding (not timed) imports the cases closed and registers the documents. One package
is then checked with eark-validator as the tests do.

The export runs in `--rounds` parts (a quarter of the cases each by default), interleaved with
its ceiling: copying the packages that part wrote with `shutil.copytree` (the same folders, files
and bytes, nothing read from the database, no XML built), so machine load hits both alike and
the ratio export / copy survives it. With `--batch` each part is also exported as one batch
package (same cases, same round). Wall time and the process's CPU time are printed for both.

Run: .venv/bin/python benchmarks/bench_archive.py [--cases 1000] [--docs 5] [--db URL]
     [--rounds 4] [--batch]   (--batch: also, each round, one package holding its cases)
Target: < 60 s for 1,000 cases × 5 documents.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from _common import (
    OFFICER,
    case_fields,
    git_line,
    load_line,
    machine_line,
    record,
    registry,
)

from caseflow.archive.model import Producer
from caseflow.archive.service import export_cases
from caseflow.cases.engine import add_person, import_cases
from caseflow.cli.db import upgrade_database
from caseflow.clock import FakeClock
from caseflow.domain.casedoc import CaseDoc
from caseflow.records.repo import add_handling
from caseflow.records.storage import FolderStore
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database

sys.path.insert(0, str(PROJECT_ROOT))
from tests.archivekit import retention_plan
from tests.recordkit import doc_types, docx_bytes, pdf_bytes, png_bytes

TARGET_S = 60.0


def seed(db: Database, files: FolderStore, cases: int, docs: int, clock: FakeClock) -> list[str]:
    workflows = registry()
    add_person(db=db, email=OFFICER, name="Anna Handläggare", roles=["handlaggare"], clock=clock)
    fields = case_fields() | {"stage": "closed", "outcome": "withdrawn"}
    dnrs = [f"RUN/{i}/2024" for i in range(1, cases + 1)]
    for start in range(0, cases, 500):
        chunk = [
            CaseDoc.model_validate({"diarienummer": d, **fields}) for d in dnrs[start : start + 500]
        ]
        import_cases(db=db, workflows=workflows, docs=chunk, actor=OFFICER, clock=clock)
    types = doc_types()
    # The same bytes on every case (stored once, as identical attachments would be); each
    # package still gets its own copy of every file.
    kinds = [
        ("in", "ansokan", "ansokan.pdf", pdf_bytes("Ansökan om medfinansiering")),
        ("internal", "tjansteskrivelse", "ts.docx", docx_bytes("Tjänsteskrivelse")),
        ("in", "rapport", "rapport.txt", ("Lägesrapport\n" * 2000).encode()),
        ("in", "ovrigt", "karta.png", png_bytes(200, 150)),
        ("out", "korrespondens", "brev.txt", "Hej! Angående mötet.".encode()),
    ]
    for d in dnrs:
        for index in range(docs):
            direction, doc_type, name, data = kinds[index % len(kinds)]
            add_handling(
                db=db, files=files, types=types, dnr=d, direction=direction,
                subject=f"{doc_type} {index + 1}", doc_type=doc_type, data=data,
                filename=name, counterpart="Mittuniversitetet", actor=OFFICER, clock=clock,
                final_state="faststalld" if direction == "internal" else None,
                allow_duplicate=True,
            )  # fmt: skip
    return dnrs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--docs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--batch", action="store_true", help="also one batch package a round")
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: a new SQLite file)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-archive-"))
    try:
        db = Database(args.db or f"sqlite:///{work / 'bench.db'}")
        if args.db:
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE")
                conn.exec_driver_sql("CREATE SCHEMA public")
        upgrade_database(db)
        files = FolderStore(work / "filer")
        clock = FakeClock(datetime(2025, 1, 6, 9, tzinfo=UTC))
        start = time.perf_counter()
        dnrs = seed(db, files, args.cases, args.docs, clock)
        print(f"seeded {args.cases} closed cases × {args.docs} documents "
              f"in {time.perf_counter() - start:.1f} s (not timed)")  # fmt: skip
        modes = [False, True] if args.batch else [False]  # one package per case; a batch
        walls = dict.fromkeys(["per case", "batch", "copy"], 0.0)
        cpus = dict(walls)
        written: dict[str, list[Path]] = {"per case": [], "batch": []}
        size = (len(dnrs) + args.rounds - 1) // args.rounds
        for part in range(args.rounds):  # round by round: the export(s), then the ceiling
            chunk = dnrs[part * size : (part + 1) * size]
            if not chunk:
                break
            for batch in modes:
                mode = "batch" if batch else "per case"
                wall, cpu = time.perf_counter(), time.process_time()
                made = export_cases(
                    db=db, dnrs=chunk, out_dir=work / mode / str(part), workflows=registry(),
                    types=doc_types(), plan=retention_plan(), read_bytes=files.get,
                    producer=Producer("Region Västernorrland", "232100-0222"),
                    now=clock.now(), batch=batch,
                )  # fmt: skip
                walls[mode] += time.perf_counter() - wall
                cpus[mode] += time.process_time() - cpu
                written[mode].extend(made)
            wall, cpu = time.perf_counter(), time.process_time()
            shutil.copytree(work / "per case" / str(part), work / "copy" / str(part))
            walls["copy"] += time.perf_counter() - wall
            cpus["copy"] += time.process_time() - cpu
        print(f"ceiling, copytree of the per-case packages: wall {walls['copy']:.1f} s, "
              f"CPU {cpus['copy']:.1f} s")  # fmt: skip
        for batch in modes:
            mode = "batch" if batch else "per case"
            folder = work / mode
            total = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
            verdict = "met" if walls[mode] < TARGET_S else "MISSED"
            print(f"{mode:8}: {len(dnrs)} cases as {len(written[mode])} package(s) "
                  f"({total / 1e6:.0f} MB) in {args.rounds} rounds: wall {walls[mode]:.1f} s "
                  f"({walls[mode] / len(dnrs) * 1000:.1f} ms per case), CPU {cpus[mode]:.1f} s; "
                  f"target < {TARGET_S:.0f} s wall: {verdict} ({walls[mode] / TARGET_S:.2f} of "
                  f"it); ratio to the copy: wall {walls[mode] / walls['copy']:.2f}, "
                  f"CPU {cpus[mode] / cpus['copy']:.2f}")  # fmt: skip
            record(f"archive export, {len(dnrs)} cases x {args.docs} documents, {mode}",
                   walls[mode], "s", ceiling=walls["copy"],
                   ceiling_label="copytree of the per-case packages",
                   ratio=walls[mode] / walls["copy"], target="< 60 s",
                   met=walls[mode] < TARGET_S, cpu_s=cpus[mode])  # fmt: skip
        from tests.eark import validate_package

        for mode in ("per case", "batch"):
            if written[mode]:
                _, problems = validate_package(written[mode][-1])
                print(f"eark-validator on {written[mode][-1].name}: {len(problems)} errors")
        print(machine_line())
        print(load_line())
        print(git_line() + f"; database {db.engine.dialect.name}")
        db.dispose()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
