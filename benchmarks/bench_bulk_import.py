"""Bulk import: `caseflow cases import` of N generated cases against raw sqlite3 executemany.

For each size (--cases, default 100000): one JSON file `{"people": [...], "cases": [...]}` with
one case per line is written; then, --rounds times, interleaved (A B A B …), each in a child
process of its own into a fresh copy of a migrated SQLite file:
- A: `caseflow --db … cases import FILE` (the CLI as a user runs it: streamed JSON, validation
  of every case, one transaction of batches of Core executemany, reminders planned);
- B, the ceiling: raw sqlite3 reading the same file line by line (`json.loads` per case) and
  inserting the same rows (cases, funders, one event holding the case JSON) with executemany in
  batches of 2 000, one transaction: no validation, no reminders.

Each child reports its wall time, its CPU time (`resource.getrusage`: user + system) and its peak
RSS (`ru_maxrss`). Printed: cases/s, CPU, peak RSS, and the ratio caseflow / ceiling.

Run: .venv/bin/python benchmarks/bench_bulk_import.py [--cases 100000 1000000] [--rounds 2]
Targets: ≥ 5 000 cases/s; peak RSS ≤ 200 MB at 1 000 000 cases.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from _common import OFFICER, git_line, load_line, machine_line, record

from caseflow.settings import PROJECT_ROOT

AREAS = ("Besöksnäring", "Kompetensförsörjning", "Innovation", "Infrastruktur")

CASEFLOW_CHILD = """
import json, resource, sys, time
start = time.perf_counter()
from caseflow.cli.main import main
try:
    main(["--db", sys.argv[1], "cases", "import", sys.argv[2]])
except SystemExit as stop:
    code = stop.code
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"code": code, "wall": time.perf_counter() - start,
                  "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss}),
      file=sys.stderr)
"""

RAW_CHILD = """
import json, resource, sqlite3, sys, time
from datetime import datetime, timezone
start = time.perf_counter()
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA journal_mode=WAL"); conn.execute("PRAGMA synchronous=NORMAL")
now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f")
conn.execute("BEGIN IMMEDIATE")
next_id = (conn.execute("SELECT coalesce(max(id), 0) FROM cases").fetchone()[0]) + 1
cases, funders, events = [], [], []
def flush():
    conn.executemany(
        "INSERT INTO cases (id, dnr_prefix, dnr_serial, dnr_year, other_diarienummer, title, "
        "purpose, area, start_date, end_date, owner, owner_is_region, total_budget_sek, "
        "handlaggare, decision_basis, copies, stage, workflow, workflow_version, row_version, "
        "reminders_stale, created_at, updated_at) VALUES "
        "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,'[]','[]','idea','regional_project',5,1,0,?,?)", cases)
    conn.executemany(
        "INSERT INTO case_funders (case_id, position, code, amount_sek, status, decision_date, "
        "funder_case_id) VALUES (?,?,?,?,?,?,?)", funders)
    conn.executemany(
        "INSERT INTO case_events (case_id, at, actor, kind, to_stage, changes, row_version) "
        "VALUES (?,?,'cli','import','idea',?,1)", events)
    cases.clear(); funders.clear(); events.clear()
with open(sys.argv[2], encoding="utf-8") as handle:
    for line in handle:
        line = line.strip().rstrip(",")
        if not line.startswith('{"diarienummer"'):
            continue
        case = json.loads(line)
        prefix, serial, year = case["diarienummer"].split("/")
        cid = next_id; next_id += 1
        cases.append((cid, prefix, int(serial), int(year), "[]", case["title"], case["purpose"],
                      case["area"], case["start_date"], case["end_date"], case["owner"], 1,
                      case["total_budget_sek"], case["handlaggare"], now, now))
        for i, f in enumerate(case["funders"]):
            funders.append((cid, i, f["code"], f["amount_sek"], f["status"], f["decision_date"],
                            f["case_id"]))
        events.append((cid, now, json.dumps(case, ensure_ascii=False)))
        if len(cases) >= 2000:
            flush()
flush()
conn.execute("COMMIT")
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"code": 0, "wall": time.perf_counter() - start,
                  "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss}),
      file=sys.stderr)
"""


def case_json(i: int) -> dict[str, Any]:
    year = 2020 + i % 6
    start = f"{year}-{1 + i % 12:02d}-{1 + i % 28:02d}"  # dates vary as a real portfolio's do
    end = f"{year + 1 + i % 3}-{1 + i // 12 % 12:02d}-{1 + i // 7 % 28:02d}"
    return {
        "diarienummer": f"RUN/{i}/{year}", "title": f"Projekt {i}: utveckling av {AREAS[i % 4]}",
        "purpose": "Kartläggning och förankring av insatser i regionen", "area": AREAS[i % 4],
        "start_date": start, "end_date": end,
        "owner": f"Kommun {i % 97}", "total_budget_sek": 600000 + i,
        "handlaggare": OFFICER,
        "funders": [
            {"code": "tillvaxtverket_nationella", "amount_sek": 300000, "status": "granted",
             "decision_date": f"{year}-02-01", "case_id": f"N{year}-{i}"},
            {"code": "anslag_1_1", "amount_sek": 300000 + i, "status": "applied",
             "decision_date": None, "case_id": None},
        ],
    }  # fmt: skip


def write_file(path: Path, count: int) -> None:
    person = {"email": OFFICER, "name": "Anna Handläggare", "roles": ["handlaggare"]}
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"people": [' + json.dumps(person, ensure_ascii=False) + '],\n"cases": [\n')
        for i in range(1, count + 1):
            handle.write(json.dumps(case_json(i), ensure_ascii=False))
            handle.write(",\n" if i < count else "\n")
        handle.write("]}\n")


def migrated(folder: Path) -> Path:
    template = folder / "template.db"
    subprocess.run(
        [sys.executable, "-m", "caseflow", "--db", f"sqlite:///{template}", "db", "upgrade"],
        check=True, capture_output=True, cwd=PROJECT_ROOT,
    )  # fmt: skip
    return template


def run_child(code: str, *args: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          cwd=PROJECT_ROOT / "benchmarks")  # fmt: skip
    try:
        figures: dict[str, Any] = json.loads(done.stderr.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        raise SystemExit(f"child failed:\n{done.stdout}\n{done.stderr}") from None
    if figures["code"] not in (0, None):
        raise SystemExit(f"import failed ({figures['code']}):\n{done.stdout}\n{done.stderr}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[100_000])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="folder for the files (default: a temporary)")
    args = parser.parse_args()
    print(machine_line())
    print(git_line(), "|", load_line())
    folder = args.keep or Path(tempfile.mkdtemp(prefix="bench-bulk-"))
    folder.mkdir(parents=True, exist_ok=True)
    template = migrated(folder)
    try:
        for count in args.cases:
            source = folder / f"cases-{count}.json"
            write_file(source, count)
            size = source.stat().st_size
            print(f"\n{count:,} cases, {size / 1e6:,.0f} MB of JSON")
            runs: dict[str, list[dict[str, Any]]] = {"caseflow": [], "raw": []}
            for round_ in range(args.rounds):
                for name, code in (("caseflow", CASEFLOW_CHILD), ("raw", RAW_CHILD)):
                    target = folder / f"{name}.db"
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{target}{suffix}").unlink(missing_ok=True)
                    shutil.copy(template, target)
                    db_arg = f"sqlite:///{target}" if name == "caseflow" else str(target)
                    figures = run_child(code, db_arg, str(source))
                    runs[name].append(figures)
                    print(f"  round {round_ + 1} {name:<8}: {figures['wall']:7.1f} s wall, "
                          f"{figures['cpu']:7.1f} s CPU, {count / figures['wall']:8,.0f} cases/s,"
                          f" peak RSS {figures['rss_kb'] / 1024:6.1f} MB")  # fmt: skip
            med = {n: {k: statistics.median(r[k] for r in rs) for k in ("wall", "cpu", "rss_kb")}
                   for n, rs in runs.items()}  # fmt: skip
            ours, raw = med["caseflow"], med["raw"]
            rate, raw_rate = count / ours["wall"], count / raw["wall"]
            print(
                f"  median caseflow: {rate:,.0f} cases/s ({ours['cpu'] / count * 1e6:.0f} µs "
                f"CPU/case), peak RSS {ours['rss_kb'] / 1024:.0f} MB"
            )
            print(
                f"  median raw sqlite3: {raw_rate:,.0f} cases/s ({raw['cpu'] / count * 1e6:.0f}"
                f" µs CPU/case), peak RSS {raw['rss_kb'] / 1024:.0f} MB"
            )
            print(f"  ratio caseflow/raw: {rate / raw_rate:.2f} (wall), "
                  f"{raw['cpu'] / ours['cpu']:.2f} (CPU)")  # fmt: skip
            print(
                f"  targets: ≥ 5 000 cases/s: {'met' if rate >= 5000 else 'MISSED'}; "
                f"RSS ≤ 200 MB: {'met' if ours['rss_kb'] / 1024 <= 200 else 'MISSED'}"
            )
            record(f"cases import, {count:,} cases (SQLite)", rate, "cases/s", ceiling=raw_rate,
                   ceiling_label="raw sqlite3 executemany of the same rows",
                   ratio=rate / raw_rate, target=">= 5000 cases/s", met=rate >= 5000,
                   cpu_s=ours["cpu"], peak_rss_mb=ours["rss_kb"] / 1024)  # fmt: skip
            source.unlink()
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(load_line())


if __name__ == "__main__":
    main()
