"""Scale-out on PostgreSQL: requests per second with one and with two server processes.

1. A PostgreSQL database (`--url`, default the `bench_scaleout` database on the local server,
   created if missing) with `--cases` cases from bench_web's generator (the same realistic
   cases, funders, history, reminders and memo renders), loaded with COPY, plus the handläggare
   and one web account; ANALYZE. Kept between runs while its migration and case count match
   (`--rebuild` forces a new one).
2. Two servers at once on free ports: `caseflow serve` (one process) and
   `caseflow serve --workers 2` (uvicorn's supervisor and two server processes).
3. wrk (`benchmarks/wrk_report.lua`, `--connections` connections, 2 threads) against one server
   at a time, interleaved per round (1, 2, 1, 2 …: the machine's other load falls on both),
   for three scenarios: `case` (/cases/RUN/{serial}/{year}), `list` (/cases?stage=…&area=…,
   50 rows) and `search` (/cases?q=word, the GIN full-text search).

Figures per scenario and server: requests/s, p50/p95 latency (wrk's, send to response), the
server processes' CPU time per request (from /proc, all processes of the server), and the
ratio of the two-process throughput to the one-process throughput (the ceiling is linear
scaling: 2.0). wrk, both servers and PostgreSQL share the machine's CPUs: with 2 vCPUs the
second process can at best take the CPU the first one leaves to wrk and PostgreSQL. The
PostgreSQL backends' CPU time per request is measured too (their /proc entries: a local server).

Run: .venv/bin/python benchmarks/bench_scaleout.py [--cases 200000] [--duration 10]
     [--warmup 3] [--rounds 2] [--connections 8] [--url postgresql+psycopg://…] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import psycopg
from _common import WORKFLOW, git_line, load_line, machine_line, record, registry
from bench_web import (
    AREAS,
    BENCH_USER,
    CASE_COLUMNS,
    COOKIE,
    EVENT_COLUMNS,
    FUNDER_COLUMNS,
    LUA,
    REMINDER_COLUMNS,
    RENDER_COLUMNS,
    SEARCH_WORDS,
    Generator,
    alembic_head,
    dnr_of,
    free_port,
    get,
    handlaggare_list,
)
from sqlalchemy.engine import make_url

from caseflow.cases.accounts import SESSION_TTL, add_user, issue_token
from caseflow.cases.people import add_person
from caseflow.cli.db import upgrade_database
from caseflow.clock import SystemClock
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_scaleout"
CASEFLOW = PROJECT_ROOT / ".venv" / "bin" / "caseflow"
SCENARIOS = ("case", "list", "search")
BLOCK = 20_000


# --- the database -----------------------------------------------------------------------------


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as psycopg's connection string."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def ensure_database(url: str) -> None:
    """CREATE DATABASE when it does not exist (through the server's `postgres` database)."""
    name = make_url(url).database
    admin = _libpq(str(make_url(url).set(database="postgres")))
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return
        conn.execute(f'CREATE DATABASE "{name}"')


def database_ready(url: str, cases: int) -> bool:
    try:
        with psycopg.connect(_libpq(url)) as conn:
            (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone() or (
                "",
            )
            (count,) = conn.execute("SELECT count(*) FROM cases").fetchone() or (0,)
            (users,) = conn.execute(
                "SELECT count(*) FROM people WHERE email = %s AND password_hash IS NOT NULL",
                (BENCH_USER,),
            ).fetchone() or (0,)
    except psycopg.Error:
        return False
    return bool(revision == alembic_head() and count == cases and users == 1)


def _copy(conn: psycopg.Connection[Any], table: str, columns: tuple[str, ...],
          rows: list[tuple[Any, ...]]) -> None:  # fmt: skip
    with conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build_database(url: str, cases: int) -> None:
    """Drop and re-create the schema, migrate, and load `cases` cases with COPY."""
    started = time.perf_counter()
    cpu = time.process_time()
    db = Database(url)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    upgrade_database(db)
    workflows = registry()
    clock = SystemClock()
    officers = handlaggare_list()
    for email in officers:
        first, last = email.split("@")[0].split(".")
        add_person(db=db, email=email, name=f"{first.title()} {last.title()}",
                   roles=["handlaggare"], clock=clock, unit="Regional utveckling")  # fmt: skip
    add_user(db=db, email=BENCH_USER, password=os.urandom(16).hex(), clock=clock,
             roles=["handlaggare", "namndsekreterare"], name="Bench Användare")  # fmt: skip
    db.dispose()

    generator = Generator(cases, workflows.get(WORKFLOW).version, officers)
    totals = [0, 0, 0, 0, 0]
    with psycopg.connect(_libpq(url)) as conn:
        conn.execute("SET TIME ZONE 'UTC'")
        for lowest in range(0, cases, BLOCK):
            t = generator.block(range(lowest, min(cases, lowest + BLOCK)))
            flags = [CASE_COLUMNS.index(c) for c in ("owner_is_region", "reminders_stale")]
            rows = [tuple(bool(v) if i in flags else v for i, v in enumerate(row))
                    for row in t.cases]  # fmt: skip
            _copy(conn, "cases", CASE_COLUMNS, rows)
            _copy(conn, "case_funders", FUNDER_COLUMNS, t.funders)
            _copy(conn, "case_events", EVENT_COLUMNS, t.events)
            _copy(conn, "reminders", REMINDER_COLUMNS, t.reminders)
            _copy(conn, "memo_renders", RENDER_COLUMNS, t.renders)
            for i, rows in enumerate((t.cases, t.funders, t.events, t.reminders, t.renders)):
                totals[i] += len(rows)
            print(f"    {lowest + len(t.cases):,} cases loaded "
                  f"({time.perf_counter() - started:.0f} s)", flush=True)  # fmt: skip
        add_meetings(conn, cases, generator.rng, officers[0])
        for table in ("cases", "case_funders", "case_events", "reminders", "memo_renders",
                      "meetings", "agenda_items"):  # fmt: skip
            conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                         f"(SELECT coalesce(max(id), 1) FROM {table}))")  # fmt: skip
        conn.commit()
    with psycopg.connect(_libpq(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"  built in {time.perf_counter() - started:.0f} s ({time.process_time() - cpu:.0f} s "
          f"CPU in this process): {totals[0]:,} cases, {totals[1]:,} funders, "
          f"{totals[2]:,} events, {totals[3]:,} reminders, {totals[4]:,} memo renders")  # fmt: skip


def add_meetings(conn: psycopg.Connection[Any], cases: int, rng: random.Random,
                 officer: str) -> None:  # fmt: skip
    """28 RUN meetings five weeks apart from January 2024, 10–30 agenda items each."""
    first = date(2024, 1, 16)
    now = datetime(2024, 1, 2, 8, tzinfo=UTC)
    for i in range(28):
        conn.execute("INSERT INTO meetings (id, body, day, time, created_at) "
                     "VALUES (%s, 'RUN', %s, '09:00', %s)",
                     (i + 1, first + timedelta(weeks=5 * i), now))  # fmt: skip
        chosen = rng.sample(range(1, cases + 1), k=min(cases, rng.randrange(10, 31)))
        _copy(conn, "agenda_items", ("meeting_id", "case_id", "added_by", "added_at"),
              [(i + 1, case_id, officer, now) for case_id in chosen])  # fmt: skip


def scenario_paths(url: str, cases: int, count: int = 4000) -> dict[str, list[str]]:
    """Random paths: existing cases' pages, their (stage, area) lists, search words."""
    rng = random.Random(20261130)
    per_year = -(-cases // 10)
    numbers = [dnr_of(i, per_year) for i in rng.choices(range(cases), k=count)]
    with psycopg.connect(_libpq(url)) as conn:
        pairs = conn.execute("SELECT stage, area, count(*) FROM cases GROUP BY 1, 2").fetchall()
    weights = [n for *_, n in pairs]
    lists = []
    for stage, area, _ in rng.choices(pairs, weights, k=count):
        params = {"stage": stage, "area": area}
        if rng.random() < 0.5:
            params["sort"] = rng.choice(("title", "stage", "handlaggare", "end_date", "updated"))
        lists.append("/cases?" + urlencode(params))
    assert {a for _, a, _ in pairs} <= {a for a, _ in AREAS}
    return {
        "case": [f"/cases/RUN/{serial}/{year}" for serial, year in numbers],
        "list": lists,
        "search": ["/cases?" + urlencode({"q": rng.choice(SEARCH_WORDS)}) for _ in range(count)],
    }


# --- servers and wrk --------------------------------------------------------------------------


class Server:
    def __init__(self, url: str, workers: int, log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.workers = workers
        self.log = log
        args = [str(CASEFLOW), "--db", url, "serve", "--port", str(self.port)]
        if workers > 1:
            args += ["--workers", str(workers)]
        with log.open("wb") as sink:
            self.process = subprocess.Popen(args, stdout=sink, stderr=subprocess.STDOUT,
                                            cwd=log.parent)  # fmt: skip

    def wait(self, cookie: str) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"the server exited:\n{self.log.read_text()}")
            try:
                wanted = 1 if self.workers == 1 else 1 + self.workers
                if get(self.base, "/cases", cookie)[0] == 200 and len(self.pids()) >= wanted:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"no answer in 120 s:\n{self.log.read_text()}")

    def pids(self) -> list[int]:
        """The server's processes: itself and, with --workers, the supervisor's children."""
        found = [self.process.pid]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                    found.append(int(entry.name))
        return found

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Backends:
    """CPU time of the PostgreSQL backends serving the benchmark's database (a local server:
    their /proc entries), so the database's share of a request is measured too."""

    def __init__(self, url: str) -> None:
        self.conn = psycopg.connect(_libpq(url), autocommit=True)
        self.name = make_url(url).database

    def cpu(self) -> dict[int, float]:
        rows = self.conn.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND "
                                 "pid <> pg_backend_pid()", (self.name,)).fetchall()  # fmt: skip
        return {pid: _proc_cpu(pid) for (pid,) in rows}


def run_wrk(server: Server, cookie: str, paths: Path, connections: int, seconds: float,
            backends: Backends) -> Any:  # fmt: skip
    import json

    env = {**os.environ, "BENCH_PATHS": str(paths), "BENCH_COOKIE": cookie}
    command = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds:g}s",
               "--timeout", "60s", "-s", str(LUA), server.base + "/"]  # fmt: skip
    before, db_before = server.cpu_seconds(), backends.cpu()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    cpu, db_after = server.cpu_seconds() - before, backends.cpu()
    db_cpu = sum(t - db_before.get(pid, 0.0) for pid, t in db_after.items())
    for line in done.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            result = json.loads(line.removeprefix("WRK_RESULT "))
            result["server_cpu_ms"] = 1000 * cpu / max(1, result["requests"])
            result["db_cpu_ms"] = 1000 * db_cpu / max(1, result["requests"])
            return result
    raise SystemExit(f"wrk gave no result ({done.returncode}):\n{done.stdout}\n{done.stderr}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--cases", type=int, default=200_000, help="cases in the database")
    add("--url", default=os.environ.get("CASEFLOW_BENCH_PG_URL", DEFAULT_URL))
    add("--duration", type=float, default=10.0, help="seconds per wrk run")
    add("--warmup", type=float, default=3.0, help="warm-up seconds per scenario and server")
    add("--rounds", type=int, default=2, help="interleaved rounds (1 process, 2 processes)")
    add("--connections", type=int, default=8, help="wrk connections")
    add("--rebuild", action="store_true", help="load the database anew")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    print("bench_scaleout: caseflow serve with 1 and 2 processes on PostgreSQL, load from wrk")
    print(f"  {machine_line()}")
    print(f"  {git_line()}; {load_line()}")
    ensure_database(args.url)
    if args.rebuild or not database_ready(args.url, args.cases):
        build_database(args.url, args.cases)
    else:
        print(f"  reusing the database at {make_url(args.url).database} ({args.cases:,} cases)")
    db = Database(args.url)
    token = issue_token(db=db, email=BENCH_USER, kind="session", clock=SystemClock(),
                        ttl=SESSION_TTL)  # fmt: skip
    db.dispose()
    cookie = f"{COOKIE}={token}"
    folder = Path(tempfile.mkdtemp(prefix="bench-scaleout-"))
    files = {}
    for name, paths in scenario_paths(args.url, args.cases).items():
        files[name] = folder / f"{name}.txt"
        files[name].write_text("\n".join(paths) + "\n")
    servers = {n: Server(args.url, n, folder / f"serve{n}.log") for n in (1, 2)}
    backends = Backends(args.url)
    results: dict[tuple[str, int], list[Any]] = {}
    try:
        for server in servers.values():
            server.wait(cookie)
        for name in SCENARIOS:
            for server in servers.values():
                status, _ = get(server.base, files[name].read_text().split("\n", 1)[0], cookie)
                assert status == 200, (name, status)
                run_wrk(server, cookie, files[name], args.connections, args.warmup, backends)
        for round_no in range(args.rounds):
            for name in SCENARIOS:
                for n in (1, 2) if round_no % 2 == 0 else (2, 1):
                    r = run_wrk(
                        servers[n], cookie, files[name], args.connections, args.duration, backends
                    )
                    results.setdefault((name, n), []).append(r)
                    print(f"  round {round_no + 1} {name:<6} {n} process{'es' if n > 1 else '  '}"
                          f" {r['rps']:7.1f} req/s  p50 {r['p50_ms']:6.1f} ms  p95 "
                          f"{r['p95_ms']:6.1f} ms  CPU/req: server {r['server_cpu_ms']:5.2f} ms, "
                          f"PostgreSQL {r['db_cpu_ms']:6.2f} ms  "
                          f"errors {r['non2xx'] + r['socket_errors']}", flush=True)  # fmt: skip
    finally:
        for server in servers.values():
            server.stop()
        backends.conn.close()
    print(f"\n  {args.cases:,} cases, -c {args.connections}, {args.rounds} rounds of "
          f"{args.duration:g} s; mean of the rounds")  # fmt: skip
    print(
        "  | scenario | 1 process req/s | p95 ms | CPU ms/req server + PostgreSQL | "
        "2 processes req/s | p95 ms | CPU ms/req server + PostgreSQL | ratio (ceiling 2.0) |"
    )
    errors = 0
    for name in SCENARIOS:
        row = []
        for n in (1, 2):
            runs = results[(name, n)]
            errors += sum(r["non2xx"] + r["socket_errors"] for r in runs)
            keys = ("rps", "p50_ms", "p95_ms", "server_cpu_ms", "db_cpu_ms")
            mean = {key: sum(r[key] for r in runs) / len(runs) for key in keys}
            row.append(mean)
        ratio = row[1]["rps"] / row[0]["rps"]
        cells = [f"{r['rps']:.1f} | {r['p95_ms']:.0f} | {r['server_cpu_ms']:.1f} + "
                 f"{r['db_cpu_ms']:.1f}" for r in row]  # fmt: skip
        print(f"  | {name} | {cells[0]} | {cells[1]} | {ratio:.2f} |")
        record(f"scale-out {name}, 2 processes vs 1 (PostgreSQL, {args.cases:,} cases, "
               f"-c {args.connections})", row[1]["rps"], "req/s", ceiling=2 * row[0]["rps"],
               ceiling_label="2 × one process", ratio=ratio / 2, target="", met=None,
               p95_ms=[row[0]["p95_ms"], row[1]["p95_ms"]])  # fmt: skip
    print(f"  errors (non-2xx or socket) in all runs: {errors}")
    print(f"  after the run: {load_line()}")


if __name__ == "__main__":
    main()
