"""The national compilation (seed 002, 21 regions): parse time, import time on SQLite and
PostgreSQL (target < 2 s), and search p95 over the imported seed (target <= 30 ms); prints the
rows per section and region and the regions with no tabular insatser.

Each figure is held against a ceiling measured in the same run, interleaved (A B A B rounds) so
the ratio survives a loaded machine:
- parse: one pass of the minimal work any reader does (split the lines, one regex per line);
- import: inserting the same entries into a plain table with no index, trigger or full text;
- search: a query on the year's index that reads the same number of rows without full text.
On PostgreSQL the table is vacuumed after the import rounds (as autovacuum would), so the
searches do not wade through the rounds' dead rows.
Wall and process CPU time are both printed.

Run: .venv/bin/python benchmarks/bench_results_national.py [--pg URL] [--rounds 5]
     [--searches 200] [--seed PATH]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _common import git_line, load_line, machine_line, record
from sqlalchemy import Column, Integer, MetaData, String, Table, Text, func, insert, select

from caseflow.cli.db import upgrade_database
from caseflow.clock import FakeClock
from caseflow.results.national import REGIONS, parse_compilation
from caseflow.results.national_models import NationalResult
from caseflow.results.national_service import import_compilation, list_national
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database

SEED = PROJECT_ROOT.parent / "shared" / "seeds" / "002_1a4d85b2a645c848.txt"
IMPORT_TARGET_S = 2.0
SEARCH_TARGET_MS = 30.0
QUERIES: tuple[dict[str, Any], ...] = (
    {"search": "kompetensförsörjning"}, {"search": "vindkraft"}, {"search": "jämställdhet"},
    {"search": "Östersjön"}, {"search": "laddinfrastruktur"}, {"search": "kollektivtrafik"},
    {"search": "besöksnäring"}, {"search": "innovation", "section": 3},
    {"search": "hållbar utveckling"}, {"search": "region", "region": "Jämtland Härjedalen"},
    {"section": 1}, {"region": "Skåne"}, {"search": "interreg", "section": 8},
    {"search": "smart specialisering"}, {"section": 8, "region": "Gotland"},
)  # fmt: skip
_LINE = re.compile(r"^\s*(\S+)")


def timed(work: Callable[[], object]) -> tuple[float, float]:
    started, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - started, time.process_time() - cpu


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 20 else max(values)


def bench_parse(text: str, rounds: int) -> None:
    def ours() -> object:
        return parse_compilation(text, source=SEED.name)

    def floor() -> object:
        return [_LINE.match(line) for line in text.split("\n")]

    ours(), floor()
    mine: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    for _ in range(rounds):
        mine.append(timed(ours))
        base.append(timed(floor))
    wall = statistics.median(w for w, _ in mine)
    cpu = statistics.median(c for _, c in mine)
    ceiling = statistics.median(w for w, _ in base)
    print(f"parse: median {wall * 1000:.1f} ms wall, {cpu * 1000:.1f} ms CPU; one regex per "
          f"line {ceiling * 1000:.1f} ms; ratio {wall / ceiling:.1f}x")  # fmt: skip
    record("national compilation parse (seed 002)", wall * 1000, "ms", ceiling=ceiling * 1000,
           ceiling_label="split + one regex per line", ratio=wall / ceiling,
           target="< 2 s with the import", met=wall < IMPORT_TARGET_S)  # fmt: skip


def _plain_insert(db: Database, rows: list[dict[str, Any]]) -> Callable[[], object]:
    meta = MetaData()
    plain = Table(
        "bench_plain_national", meta, Column("id", Integer, primary_key=True),
        Column("year", Integer), Column("kind", String(8)), Column("section", Integer),
        Column("region", String(64)), Column("position", Integer), Column("line", Integer),
        Column("question", String(8)), Column("insats", Text), Column("prestationer", Text),
        Column("effekter", Text), Column("mal", Text), Column("text", Text),
    )  # fmt: skip
    meta.drop_all(db.engine)
    meta.create_all(db.engine)

    def work() -> object:
        with db.write() as session:
            session.execute(plain.delete())
            session.execute(insert(plain), rows)
        return None

    return work


def bench_database(label: str, db: Database, text: str, rounds: int, searches: int) -> bool:
    upgrade_database(db)
    clock = FakeClock(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))

    def ours() -> object:
        return import_compilation(db=db, text_=text, source=SEED.name, actor="bench",
                                  clock=clock)  # fmt: skip

    ours()
    columns = ("year", "kind", "section", "region", "position", "line", "question", "insats",
               "prestationer", "effekter", "mal", "text")  # fmt: skip
    with db.reading() as conn:
        table = NationalResult.__table__  # type: ignore[attr-defined]
        rows = [dict(zip(columns, r, strict=True))
                for r in conn.execute(select(*(table.c[c] for c in columns)))]  # fmt: skip
    plain = _plain_insert(db, rows)
    mine: list[tuple[float, float]] = []
    base: list[tuple[float, float]] = []
    for _ in range(rounds):
        mine.append(timed(ours))
        base.append(timed(plain))
    wall = statistics.median(w for w, _ in mine)
    cpu = statistics.median(c for _, c in mine)
    ceiling = statistics.median(w for w, _ in base)
    met_import = wall < IMPORT_TARGET_S
    print(f"{label} import ({len(rows)} entries, parse included): median {wall:.3f} s wall, "
          f"{cpu:.3f} s CPU, best {min(w for w, _ in mine):.3f} s (target < {IMPORT_TARGET_S} s "
          f"{'MET' if met_import else 'MISSED'}); plain insert of the same rows {ceiling:.3f} s; "
          f"ratio {wall / ceiling:.1f}x")  # fmt: skip
    record(f"national import, {label}", wall, "s", ceiling=ceiling,
           ceiling_label="plain insert of the same rows (no index, trigger, full text)",
           ratio=wall / ceiling, target=f"< {IMPORT_TARGET_S} s", met=met_import)  # fmt: skip

    if db.engine.dialect.name == "postgresql":
        # what autovacuum does after a replacing import (the rounds left 5 generations of dead
        # rows behind, which a yearly import never does)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE national_results")

    def year_scan() -> object:
        with db.reading() as conn:
            count = select(func.count()).select_from(table)
            return conn.execute(
                count.where(table.c.year == 2023, table.c.section == 1)
            ).scalar_one()

    found: list[float] = []
    found_cpu: list[float] = []
    floor: list[float] = []
    per_round = max(1, searches // rounds)
    for _ in range(rounds):
        for i in range(per_round):
            query = QUERIES[i % len(QUERIES)]
            w, c = timed(lambda q=query: list_national(db=db, own_first=True, **q))  # type: ignore[misc]
            found.append(w * 1000)
            found_cpu.append(c * 1000)
            floor.append(timed(year_scan)[0] * 1000)
    ours95, floor95 = p95(found), p95(floor)
    met_search = ours95 <= SEARCH_TARGET_MS
    print(f"{label} search ({len(found)} queries over {len(QUERIES)} filters): p50 "
          f"{statistics.median(found):.1f} ms, p95 {ours95:.1f} ms wall, p95 {p95(found_cpu):.1f} "
          f"ms CPU (target <= {SEARCH_TARGET_MS:.0f} ms {'MET' if met_search else 'MISSED'}); "
          f"an indexed count p95 {floor95:.2f} ms; ratio {ours95 / floor95:.1f}x")  # fmt: skip
    record(f"national search p95, {label}", ours95, "ms", ceiling=floor95,
           ceiling_label="an indexed count on the year's rows", ratio=ours95 / floor95,
           target=f"<= {SEARCH_TARGET_MS:.0f} ms", met=met_search)  # fmt: skip
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE IF EXISTS bench_plain_national")
    return met_import and met_search


def print_counts(text: str) -> None:
    parsed = parse_compilation(text, source=SEED.name)
    print(f"year {parsed.year}; {len(parsed.regions)} regions; {len(parsed.table_rows)} table "
          f"rows; {len(parsed.prose)} answers in section 8")  # fmt: skip
    counts = parsed.counts()
    width = max(len(r) for r in REGIONS)
    print(f"{'region':<{width}} " + " ".join(f"{n:>3}" for n in range(1, 8)) + "  8 (answers)")
    for region in REGIONS:
        cells = []
        for number in range(1, 8):
            none = region in parsed.no_tabular.get(number, [])
            cells.append("  –" if none else f"{counts[number][region]:>3}")
        answers = sum(1 for p in parsed.prose if p.region == region)
        print(f"{region:<{width}} " + " ".join(cells) + f"  {answers}")
    print("total".ljust(width) + " " + " ".join(f"{sum(counts[n].values()):>3}"
                                                  for n in range(1, 8)))  # fmt: skip
    for number, regions in sorted(parsed.no_tabular.items()):
        print(f"inga insatser i tabellform (–), section {number}: {', '.join(regions)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=Path, default=SEED)
    parser.add_argument("--pg", help="a PostgreSQL URL to measure on as well (its tables are "
                        "migrated; national_results is replaced)")  # fmt: skip
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()
    if not args.seed.is_file():
        print(f"the seed {args.seed} is not here: nothing to measure")
        sys.exit(0)
    text = args.seed.read_text(encoding="utf-8")
    print_counts(text)
    bench_parse(text, args.rounds * 4)
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        ok &= bench_database("SQLite", db, text, args.rounds, args.searches)
        db.dispose()
    if args.pg:
        db = Database(args.pg)
        ok &= bench_database("PostgreSQL", db, text, args.rounds, args.searches)
        db.dispose()
    print(f"{machine_line()}; {load_line()}; {git_line()}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
