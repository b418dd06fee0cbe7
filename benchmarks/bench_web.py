"""Web UI under load: case page and filtered case list, served by `caseflow serve`, driven by wrk.

1. A migrated SQLite file with `--cases` realistic cases (diarienummer RUN/serial/2016–2025,
   stages by age, 8 areas, ~250 owners, 24 handläggare), each with 1–3 funders, its history
   (create, the moves to its stage, some edits), reminders for the open ones, memo renders
   for some, 28 board meetings with agenda items, the handläggare as people and one web
   account. Built once into the temp folder and reused while its schema revision, row count and
   generator version match (`--rebuild` forces a new one; `--data-dir` puts it elsewhere).
2. `caseflow --db sqlite:///… serve` in its own process (one uvicorn worker, as deployed).
3. wrk in a second process (`benchmarks/wrk_report.lua`): GET random paths with the session
   cookie, per scenario after a warm-up, at each `--connections` count. wrk's latency is from
   sending a request to its response, so at -c 8 it includes the time a request waits behind
   the others in the one worker; -c 1 is the unloaded latency.

Scenarios (random paths, sampled from the data so the filters match cases):
   case             /cases/RUN/{serial}/{year}
   list             /cases?stage=…&area=…  (random sort, order, mostly page 1)
   list_handlaggare /cases?stage=…&handlaggare=…  (random sort)
   list_funder      /cases?funder=…&stage=…  (EXISTS on case_funders)
   search           /cases?q=word  (the full-text search; see bench_search.py; no target here)
   mixed            70 % case pages, 30 % list pages of the three list kinds
Also per run: the server's CPU time per request (from /proc), which other load on the machine
disturbs less than latency. With -c N closed-loop connections, latency ≈ N / throughput, so
at -c 8 a p95 of 30 ms needs roughly the 300 requests/s of the throughput target.

The database has no planner statistics by default, as after `caseflow db upgrade`; `--analyze`
runs ANALYZE first (a later run without it drops them again). `--caseflow` serves with another
executable (e.g. a wrapper that tries a fix) instead of .venv/bin/caseflow.

Targets (issue 6): case page p95 ≤ 30 ms; filtered list page (50 rows) p95 ≤ 50 ms;
≥ 300 requests/s (mixed, most connections); no errors (non-2xx or socket errors).

`--profile N` afterwards runs N requests of each scenario in this process, with the sync
endpoints kept on the event loop thread so cProfile sees them, and prints where the time goes.

Run: .venv/bin/python benchmarks/bench_web.py [--cases 100000] [--duration 15] [--warmup 3]
     [--connections 1,8] [--threads 2] [--scenarios case,list,...] [--analyze] [--profile 200]
     [--rebuild] [--data-dir DIR] [--caseflow PATH]
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import hashlib
import json
import os
import pstats
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from _common import WORKFLOW, git_line, load_line, machine_line, record, registry
from alembic.script import ScriptDirectory

from caseflow.cases.accounts import SESSION_TTL, add_user, issue_token
from caseflow.cases.people import add_person
from caseflow.cli.db import alembic_config, upgrade_database
from caseflow.clock import SystemClock
from caseflow.settings import PROJECT_ROOT
from caseflow.store.db import Database

GENERATOR_VERSION = 1  # bump when the data below changes, so an old file is not reused
SEED = 20260601
BENCH_USER = "bench.user@regionjh.se"
COOKIE = "caseflow_session"
LUA = Path(__file__).with_name("wrk_report.lua")
CASEFLOW = PROJECT_ROOT / ".venv" / "bin" / "caseflow"

TARGET_CASE_P95 = 30.0
TARGET_LIST_P95 = 50.0
TARGET_RPS = 300.0

FIRST_YEAR, LAST_YEAR = 2016, 2025
LATEST = datetime(2026, 5, 29, 15, 0, tzinfo=UTC)  # no event after this

AREAS: tuple[tuple[str, int], ...] = (
    ("Regionalt utvecklingsansvar - Utvecklingskraft i hela Jämtland Härjedalen", 30),
    ("Näringsliv och innovation", 15), ("Besöksnäring och turism", 12),
    ("Kompetensförsörjning", 12), ("Digitalisering och bredband", 9), ("Energi och klimat", 9),
    ("Kultur och kreativa näringar", 7), ("Infrastruktur och kommunikationer", 6),
)  # fmt: skip
PRIORITIES = (
    "Likvärdiga möjligheter till platsutveckling i hela länet",
    "Ett konkurrenskraftigt och hållbart näringsliv", "Kompetens för framtiden",
    "Klimatomställning och cirkulär ekonomi", "Tillgänglighet och digital infrastruktur",
)  # fmt: skip
KOMMUNER = ("Östersund", "Krokom", "Strömsund", "Ragunda", "Bräcke", "Berg", "Härjedalen", "Åre")
PLACES = (*KOMMUNER, "Jämtland Härjedalen", "Mittsverige", "fjällregionen", "länet")
OWNER_WORDS = (
    "Fjäll", "Skogs", "Älv", "Jämt", "Norr", "Storsjö", "Vind", "Myr", "Ren", "Lav", "Berg", "Sjö",
    "Dal", "Hed", "Tall", "Gran", "Björk", "Sol", "Snö", "Is", "Ljus", "Kraft", "Nod", "Bro",
)  # fmt: skip
OWNER_FORMS = (
    "utveckling AB", "ekonomisk förening", "ideell förening", "innovation AB", "bygdeförening",
    "energi AB", "turism AB", "kompetens AB", "forum", "nätverk",
)  # fmt: skip
FIRST_NAMES = ("anna", "erik", "maria", "lars", "karin", "johan", "eva", "per", "sara", "anders",
               "lena", "mikael", "emma", "olof", "ida", "nils", "sofia", "jonas", "helena",
               "magnus", "elin", "henrik", "frida", "gustav")  # fmt: skip
LAST_NAMES = ("andersson", "berg", "holm", "lind", "nilsson", "ek", "sundin", "strand", "norberg",
              "olsson", "dahl", "wikström", "persson", "sjöberg", "hansson", "falk", "lund",
              "jonsson", "blom", "engström", "forsberg", "nyström", "hedlund", "åberg")  # fmt: skip
TOPICS = (
    "Hållbar besöksnäring", "Besöksnäring året runt", "Digital kompetens i små företag",
    "Vätgas för tunga transporter", "Smart specialisering", "Lokal livsmedelsproduktion",
    "Kompetenslyft inom vård och omsorg", "Fjällturism i utveckling", "Bredband på landsbygden",
    "Cirkulär ekonomi", "Skogsbaserad bioekonomi", "Innovationsstöd till startups",
    "Kulturella och kreativa näringar", "Samverkan för kompetensförsörjning",
    "Laddinfrastruktur längs stråken", "Attraktiva boendemiljöer", "Landsbygdens service",
    "Ungas företagande", "Exportfrämjande insatser", "Energieffektiva lokaler",
    "Matturism och upplevelser", "Validering av yrkeskunskaper", "Kollektivtrafik i glesbygd",
    "Testbädd för fordon i kallt klimat", "Strategisk planering", "Vindkraftens lokala nytta",
    "Samisk kultur och näring", "Integration genom arbete", "Flygtrafik och tillgänglighet",
    "Regional innovationsmiljö",
)  # fmt: skip
SUFFIXES = ("", "", "", "", " – förstudie", " – etapp 2", " (genomförande)", " 2.0")
PURPOSE_VERBS = ("stärka", "utveckla", "kartlägga", "förankra", "pröva", "sprida")
PURPOSE_GOALS = (
    "samverkan mellan kommunerna och regionen", "företagens förmåga att växa",
    "kompetensen hos små och medelstora företag", "infrastrukturen för hållbara transporter",
    "besöksnäringens konkurrenskraft", "kunskapen om länets förutsättningar",
    "nya arbetsformer för regional utveckling", "möjligheterna till finansiering från EU",
)  # fmt: skip
SEARCH_WORDS = ("besöksnäring", "vätgas", "kompetens", "förstudie", "bredband", "livsmedel",
                "fjäll", "samisk", "vindkraft", "export")  # fmt: skip
FUNDER_WEIGHTS: dict[str, int] = {
    "anslag_1_1": 40, "tillvaxtverket_nationella": 12, "eruf_regionalt": 12, "eruf_nationellt": 6,
    "esf": 8, "interreg_sverige_norge": 6, "interreg_ovriga": 4, "energimyndigheten": 4,
    "statens_kulturrad": 2, "allmanna_arvsfonden": 2, "erasmus": 2, "ovrigt": 2,
}  # fmt: skip
#: Stages by the case's age in years: older cases are mostly finished.
STAGE_BY_AGE: tuple[tuple[int, tuple[tuple[str, int], ...]], ...] = (
    (6, (("closed", 75), ("follow_up", 15), ("bp_genomforande", 10))),
    (3, (("closed", 35), ("follow_up", 20), ("bp_genomforande", 40), ("application_sent", 5))),
    (0, (("idea", 18), ("bp_planering", 22), ("application_sent", 15), ("bp_genomforande", 35),
         ("follow_up", 5), ("closed", 5))),
)  # fmt: skip
PATH = ("idea", "bp_planering", "application_sent", "bp_genomforande", "follow_up")
TRIGGER_INTO = {"bp_planering": "start_planning", "application_sent": "send_application",
                "bp_genomforande": "grant", "follow_up": "start_follow_up"}  # fmt: skip
OPEN_FOLLOWING = ("bp_genomforande", "follow_up")


# --- building the database --------------------------------------------------------------------


def ts(value: datetime) -> str:
    """SQLAlchemy's SQLite DateTime storage format (UTC, no offset)."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


def handlaggare_list() -> list[str]:
    return [f"{f}.{last}@regionjh.se" for f, last in zip(FIRST_NAMES, LAST_NAMES, strict=True)]


def owner_list(rng: random.Random) -> list[tuple[str, int]]:
    owners = [
        ("Region Jämtland Härjedalen", 3500),
        ("Mittuniversitetet", 500),
        ("Ej satt ännu", 300),
    ]
    owners += [(f"{k}s kommun", 300) for k in KOMMUNER]
    names = sorted(
        {
            f"{rng.choice(OWNER_WORDS)}{rng.choice(['', 'a', 'e'])} {rng.choice(OWNER_FORMS)}"
            for _ in range(400)
        }
    )[:240]
    owners += [(n.capitalize(), 13) for n in names]
    return owners


def dnr_of(index: int, per_year: int) -> tuple[int, int]:
    """(serial, year) of case number `index` (0-based): RUN/1/2016 … spread over ten years."""
    return index % per_year + 1, FIRST_YEAR + index // per_year


def stage_for(rng: random.Random, year: int) -> str:
    age = LATEST.year - year
    for min_age, mix in STAGE_BY_AGE:
        if age >= min_age:
            return pick(rng, mix)
    raise AssertionError("unreachable")


@dataclass
class Tables:
    cases: list[tuple[Any, ...]]
    funders: list[tuple[Any, ...]]
    events: list[tuple[Any, ...]]
    reminders: list[tuple[Any, ...]]
    renders: list[tuple[Any, ...]]


CASE_COLUMNS = (
    "id", "dnr_prefix", "dnr_serial", "dnr_year", "other_diarienummer", "title", "purpose",
    "area", "priority", "start_date", "end_date", "owner", "owner_is_region", "total_budget_sek",
    "own_financing", "follow_up_status", "follow_up_comment", "final_report_date", "handlaggare",
    "background", "decision_basis", "anchoring_body", "anchoring_date", "stage", "outcome",
    "workflow", "workflow_version", "row_version", "reminders_stale", "created_at", "updated_at",
)  # fmt: skip
FUNDER_COLUMNS = (
    "case_id", "position", "code", "amount_sek", "status", "decision_date", "funder_case_id",
)  # fmt: skip
EVENT_COLUMNS = (
    "case_id", "at", "actor", "kind", "trigger", "from_stage", "to_stage", "reason", "changes",
    "row_version",
)  # fmt: skip
REMINDER_COLUMNS = ("case_id", "rule", "label", "due_on", "remind_on", "status", "updated_at")
RENDER_COLUMNS = (
    "case_id", "kind", "format", "template_version", "content_hash", "memo_date", "warnings",
    "created_by", "created_at",
)  # fmt: skip
CLOSE_TRIGGER = {"completed": "close", "rejected": "reject", "withdrawn": "withdraw"}


def _insert(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: list[Any]) -> None:
    marks = ", ".join("?" for _ in columns)
    conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


class Generator:
    """Deterministic rows for cases numbered 0, 1, … and everything hanging on them."""

    def __init__(self, cases: int, wf_version: int, officers: list[str]) -> None:
        self.rng = random.Random(SEED)
        self.per_year = -(-cases // (LAST_YEAR - FIRST_YEAR + 1))
        self.wf_version = wf_version
        self.officers = officers
        owners = owner_list(self.rng)
        self.owners = ([o for o, _ in owners], [w for _, w in owners])
        self.areas = ([a for a, _ in AREAS], [w for _, w in AREAS])
        self.funders = (list(FUNDER_WEIGHTS), list(FUNDER_WEIGHTS.values()))

    def block(self, indexes: range) -> Tables:
        out = Tables([], [], [], [], [])
        for index in indexes:
            self.case(index, out)
        return out

    def case(self, index: int, out: Tables) -> None:
        rng = self.rng
        case_id = index + 1
        serial, year = dnr_of(index, self.per_year)
        stage = stage_for(rng, year)
        officer = self.officers[(index * 7 + rng.randrange(3)) % len(self.officers)]
        created = datetime(year, 1, 2, 7, tzinfo=UTC) + timedelta(
            days=rng.randrange(360), minutes=rng.randrange(600)
        )
        start = (created + timedelta(days=rng.randrange(30, 240))).date()
        end = start + timedelta(days=rng.choice((365, 547, 730, 1095)) - 1)
        place = rng.choice(PLACES)
        title = f"{rng.choice(TOPICS)} i {place}{rng.choice(SUFFIXES)}"
        purpose = (
            f"Projektet syftar till att {rng.choice(PURPOSE_VERBS)} "
            f"{rng.choice(PURPOSE_GOALS)} i {place}. Insatserna sker i samverkan med "
            f"{rng.choice(KOMMUNER)}s kommun och näringslivet."
        )
        owner = rng.choices(*self.owners)[0]
        area = rng.choices(*self.areas)[0]
        budget = rng.randrange(4, 240) * 25_000
        outcome = None
        if stage == "closed":
            outcome = rng.choices(("completed", "rejected", "withdrawn"), (75, 15, 10))[0]
            last = {"completed": 5, "rejected": 3, "withdrawn": rng.randrange(1, 5)}[outcome]
            path = list(PATH[:last])
        else:
            path = list(PATH[: PATH.index(stage) + 1])
        granted = "bp_genomforande" in path
        funder_docs = self.funder_rows(case_id, year, path, outcome, start, budget, out)
        follow_up = None
        if stage in ("follow_up", "closed") and granted:
            follow_up = rng.choice(("Pågående enligt plan", "Avslutat", "Försenat"))
        doc = {
            "diarienummer": f"RUN/{serial}/{year}", "other_diarienummer": [], "title": title,
            "purpose": purpose, "area": area, "priority": rng.choice(PRIORITIES),
            "start_date": start.isoformat(), "end_date": end.isoformat(), "owner": owner,
            "owner_is_region": owner.startswith("Region"), "total_budget_sek": budget,
            "funders": funder_docs, "handlaggare": officer, "stage": "idea",
        }  # fmt: skip
        # history: create, the moves to the stage, a few edits
        steps: list[tuple[str, str | None]] = [("transition", s) for s in path[1:]]
        if outcome:
            steps.append(("transition", "closed"))
        for _ in range(rng.choice((0, 0, 1, 1, 2))):
            steps.insert(rng.randrange(len(steps) + 1), ("edit", None))
        at, version, current = created, 1, "idea"
        out.events.append((case_id, ts(at), officer, "create", None, None, "idea", None,
                           json.dumps(doc, ensure_ascii=False), 1))  # fmt: skip
        for kind, after in steps:
            at = min(at + timedelta(days=rng.randrange(5, 120), minutes=rng.randrange(480)), LATEST)
            version += 1
            if kind == "edit" or after is None:
                changes = rng.choice((
                    {"total_budget_sek": [budget - 50_000, budget]},
                    {"end_date": [(end - timedelta(days=90)).isoformat(), end.isoformat()]},
                    {"purpose": [None, purpose]},
                ))  # fmt: skip
                text = json.dumps(changes, ensure_ascii=False)
                out.events.append((case_id, ts(at), officer, "edit", None, current, current,
                                   None, text, version))  # fmt: skip
                continue
            trigger = (
                CLOSE_TRIGGER[outcome] if outcome and after == "closed" else TRIGGER_INTO[after]
            )
            reason = "Projektägaren drog tillbaka ansökan" if trigger == "withdraw" else None
            out.events.append((case_id, ts(at), officer, "transition", trigger, current, after,
                               reason, None, version))  # fmt: skip
            current = after
        out.cases.append((
            case_id, "RUN", serial, year, "[]", title, purpose, area, doc["priority"],
            start.isoformat(), end.isoformat(), owner, int(owner.startswith("Region")), budget,
            None, follow_up, None, None, officer, None, "[]", None, None, stage, outcome,
            WORKFLOW, self.wf_version, version, 0, ts(created), ts(at),
        ))  # fmt: skip
        self.reminder_rows(case_id, stage, end, at, out)
        if granted and rng.random() < 0.08:
            day = start - timedelta(days=20)
            digest = hashlib.sha256(str(case_id).encode()).hexdigest()
            out.renders.append((case_id, "genomforande", "docx", "2025.1", digest,
                                day.isoformat(), "[]", officer,
                                ts(datetime.combine(day, datetime.min.time(), UTC))))  # fmt: skip

    def funder_rows(self, case_id: int, year: int, path: list[str], outcome: str | None,
                    start: date, budget: int, out: Tables) -> list[dict[str, Any]]:  # fmt: skip
        rng = self.rng
        picked = rng.sample(self.funders[0], k=rng.choice((1, 2, 2, 3)), counts=self.funders[1])
        codes = list(dict.fromkeys(picked))
        docs = []
        for position, code in enumerate(codes):
            decided: date | None = None
            if "bp_genomforande" in path or outcome == "rejected":
                decided = start - timedelta(days=rng.randrange(10, 60))
                status = "granted" if "bp_genomforande" in path else "rejected"
            elif "application_sent" in path:
                status = "applied"
            else:
                status = "planned"
            amount = budget // len(codes) if rng.random() < 0.8 else None
            theirs = f"{code[:3].upper()}{year}-{rng.randrange(1, 9999)}" if decided else None
            day = decided.isoformat() if decided else None
            out.funders.append((case_id, position, code, amount, status, day, theirs))
            docs.append({"code": code, "amount_sek": amount, "status": status,
                         "decision_date": day, "case_id": theirs})  # fmt: skip
        return docs

    def reminder_rows(self, case_id: int, stage: str, end: date, updated: datetime,
                      out: Tables) -> None:  # fmt: skip
        today = LATEST.date()
        if stage in OPEN_FOLLOWING:
            results = date(max(today.year + 1, end.year), 2, 21)
            planned = (
                ("ending_soon", "Projektet slutar snart", end - timedelta(days=30), 0),
                ("final_report", "Slutrapporten ska lämnas", end, 14),
                ("results_report", "Resultatredovisningen ska lämnas", results, 28),
            )
            for rule, label, due, notice in planned:
                remind = due - timedelta(days=notice)
                status = "queued" if remind < today else "planned"
                out.reminders.append((case_id, rule, label, due.isoformat(), remind.isoformat(),
                                      status, ts(updated)))  # fmt: skip
        elif stage in ("idea", "bp_planering") and self.rng.random() < 0.3:
            day = (today + timedelta(days=self.rng.randrange(10, 120))).isoformat()
            out.reminders.append((case_id, "memo_ready", "Tjänsteskrivelsen ska vara klar", day,
                                  day, "planned", ts(updated)))  # fmt: skip


def add_meetings(conn: sqlite3.Connection, cases: int, rng: random.Random, officer: str) -> None:
    """28 RUN meetings five weeks apart from January 2024, each with 10–30 agenda items."""
    first = date(2024, 1, 16)
    now = ts(datetime(2024, 1, 2, 8, tzinfo=UTC))
    for i in range(28):
        day = (first + timedelta(weeks=5 * i)).isoformat()
        conn.execute("INSERT INTO meetings (id, body, day, time, created_at) "
                     "VALUES (?, 'RUN', ?, '09:00', ?)", (i + 1, day, now))  # fmt: skip
        chosen = rng.sample(range(1, cases + 1), k=min(cases, rng.randrange(10, 31)))
        _insert(conn, "agenda_items", ("meeting_id", "case_id", "added_by", "added_at"),
                [(i + 1, case_id, officer, now) for case_id in chosen])  # fmt: skip


def alembic_head() -> str:
    head = ScriptDirectory.from_config(alembic_config(Database("sqlite://"))).get_current_head()
    assert head is not None
    return head


def database_ready(path: Path, cases: int) -> bool:
    """The file exists, is at the current migration and holds exactly `cases` cases."""
    if not path.exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            (count,) = conn.execute("SELECT count(*) FROM cases").fetchone()
            (people,) = conn.execute(
                "SELECT count(*) FROM people WHERE email = ? AND password_hash IS NOT NULL",
                (BENCH_USER,),
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return bool(revision == alembic_head() and count == cases and people == 1)


def build_database(path: Path, cases: int) -> None:
    """Build into PATH.building and rename when complete, so a half-built file is never reused."""
    building = path.with_name(path.name + ".building")
    for leftover in (building, Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    started = time.perf_counter()
    db = Database(f"sqlite:///{building}")
    upgrade_database(db)
    workflows = registry()
    wf_version = workflows.get(WORKFLOW).version
    clock = SystemClock()
    officers = handlaggare_list()
    for email in officers:
        first, last = email.split("@")[0].split(".")
        add_person(db=db, email=email, name=f"{first.title()} {last.title()}",
                   roles=["handlaggare"], clock=clock, unit="Regional utveckling")  # fmt: skip
    add_user(db=db, email=BENCH_USER, password=os.urandom(16).hex(), clock=clock,
             roles=["handlaggare", "namndsekreterare"], name="Bench Användare")  # fmt: skip
    db.dispose()

    generator = Generator(cases, wf_version, officers)
    conn = sqlite3.connect(building, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("BEGIN")
    totals = [0, 0, 0, 0, 0]
    for lowest in range(0, cases, 20_000):
        t = generator.block(range(lowest, min(cases, lowest + 20_000)))
        _insert(conn, "cases", CASE_COLUMNS, t.cases)
        _insert(conn, "case_funders", FUNDER_COLUMNS, t.funders)
        _insert(conn, "case_events", EVENT_COLUMNS, t.events)
        _insert(conn, "reminders", REMINDER_COLUMNS, t.reminders)
        _insert(conn, "memo_renders", RENDER_COLUMNS, t.renders)
        for i, rows in enumerate((t.cases, t.funders, t.events, t.reminders, t.renders)):
            totals[i] += len(rows)
    add_meetings(conn, cases, generator.rng, officers[0])
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    os.replace(building, path)
    for leftover in (Path(f"{building}-wal"), Path(f"{building}-shm")):
        leftover.unlink(missing_ok=True)
    print(
        f"  built {path} in {time.perf_counter() - started:.1f} s: {totals[0]:,} cases, "
        f"{totals[1]:,} funders, {totals[2]:,} events, {totals[3]:,} reminders, "
        f"{totals[4]:,} memo renders, 28 meetings; {path.stat().st_size / 1e6:.0f} MB"
    )


# --- scenarios --------------------------------------------------------------------------------


def _list_params(rng: random.Random, matching: int) -> dict[str, str]:
    """Sort and order at random; mostly page 1, sometimes a later page that exists."""
    params: dict[str, str] = {}
    if rng.random() < 0.5:
        params["sort"] = rng.choice(("title", "stage", "handlaggare", "end_date", "updated"))
    if rng.random() < 0.3:
        params["order"] = "desc"
    pages = -(-matching // 50)
    if pages > 1 and rng.random() < 0.2:
        params["page"] = str(rng.randrange(2, min(pages, 5) + 1))
    return params


def scenario_paths(path: Path, count: int = 4000) -> dict[str, list[str]]:
    """Random request paths per scenario. The filters are those of random cases (and funder
    rows), so each matches some cases, and common combinations come up more often."""
    rng = random.Random(SEED + 1)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (cases,) = conn.execute("SELECT count(*) FROM cases").fetchone()
        (funders,) = conn.execute("SELECT count(*) FROM case_funders").fetchone()
        picked = rng.choices(range(1, cases + 1), k=count)
        rows = [conn.execute("SELECT dnr_serial, dnr_year, stage, area, handlaggare FROM cases "
                             "WHERE id = ?", (i,)).fetchone() for i in picked]  # fmt: skip
        funder_rows = [conn.execute(
            "SELECT f.code, c.stage FROM case_funders f JOIN cases c ON c.id = f.case_id "
            "WHERE f.id = ?", (i,)).fetchone() for i in rng.choices(range(1, funders + 1), k=count)
        ]  # fmt: skip

        def counts(sql: str) -> dict[tuple[str, str], int]:
            return {(a, b): n for a, b, n in conn.execute(sql)}

        by_area = counts("SELECT stage, area, count(*) FROM cases GROUP BY 1, 2")
        by_officer = counts("SELECT stage, handlaggare, count(*) FROM cases GROUP BY 1, 2")
        by_funder = counts("SELECT f.code, c.stage, count(DISTINCT c.id) FROM case_funders f "
                           "JOIN cases c ON c.id = f.case_id GROUP BY 1, 2")  # fmt: skip
    finally:
        conn.close()

    def url(params: dict[str, str], matching: int) -> str:
        return "/cases?" + urlencode({**params, **_list_params(rng, matching)})

    paths: dict[str, list[str]] = {
        "case": [f"/cases/RUN/{serial}/{year}" for serial, year, *_ in rows],
        "list": [url({"stage": s, "area": a}, by_area[s, a]) for *_, s, a, _h in rows],
        "list_handlaggare": [
            url({"stage": s, "handlaggare": h}, by_officer[s, h]) for *_, s, _a, h in rows
        ],  # fmt: skip
        "list_funder": [url({"funder": f, "stage": s}, by_funder[f, s]) for f, s in funder_rows],
        "search": ["/cases?" + urlencode({"q": rng.choice(SEARCH_WORDS)}) for _ in range(count)],
    }
    lists = paths["list"] + paths["list_handlaggare"] + paths["list_funder"]
    paths["mixed"] = [rng.choice(paths["case"]) if rng.random() < 0.7 else rng.choice(lists)
                      for _ in range(count)]  # fmt: skip
    return paths


#: Each scenario's kind: which target applies.
KIND = {"case": "case", "list": "list", "list_handlaggare": "list", "list_funder": "list",
        "search": "search", "mixed": "mixed"}  # fmt: skip


# --- the server and wrk -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def get(base: str, path: str, cookie: str) -> tuple[int, str]:
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    try:
        with _opener.open(request, timeout=30) as response:
            return int(response.status), response.read().decode()
    except urllib.error.HTTPError as err:
        return int(err.code), err.read().decode(errors="replace")


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(caseflow: Path, db_path: Path, log: Path, *, ceiling: bool = False) -> Server:
    """`caseflow serve` on the file; with `ceiling`, the one-row ceiling app (ceiling_web.py)."""
    port = free_port()
    command = [str(caseflow), "--db", f"sqlite:///{db_path}", "serve", "--port", str(port)]
    if ceiling:
        command = [sys.executable, str(Path(__file__).with_name("ceiling_web.py")), str(db_path),
                   str(port)]  # fmt: skip
    with log.open("wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, cwd=PROJECT_ROOT)
    server = Server(process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            status, _ = get(server.base, "/login", "")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    server.stop()
    raise SystemExit(f"the server did not answer within 60 s:\n{log.read_text()}")


ROW = re.compile(r'<tr><td><a href="/cases/')


def check(server: Server, cookie: str, name: str, paths: Sequence[str]) -> str:
    """GET a few paths of a scenario; SystemExit unless each answers 200 with content.
    Returns a note on what the pages hold (rows per list page)."""
    rows = []
    for path in paths[:20]:
        status, body = get(server.base, path, cookie)
        if status != 200:
            raise SystemExit(f"{name}: GET {path} answered {status}:\n{body[:2000]}")
        if KIND[name] == "case" and "Historik" not in body:
            raise SystemExit(f"{name}: GET {path}: no case page:\n{body[:2000]}")
        if path.startswith("/cases?"):
            rows.append(len(ROW.findall(body)))
    if not rows:
        return ""
    return (
        f"rows/page in a sample of {len(rows)}: mean {sum(rows) / len(rows):.0f}, min {min(rows)}"
    )


def run_wrk(
    server: Server, cookie: str, paths_file: Path, connections: int, threads: int, seconds: float
) -> dict[str, Any]:
    env = {**os.environ, "BENCH_PATHS": str(paths_file), "BENCH_COOKIE": cookie}
    command = ["wrk", f"-t{min(threads, connections)}", f"-c{connections}", f"-d{seconds:g}s",
               "--timeout", "10s", "-s", str(LUA), server.base + "/"]  # fmt: skip
    cpu_before = server.cpu_seconds()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    cpu = server.cpu_seconds() - cpu_before
    for line in done.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            result: dict[str, Any] = json.loads(line.removeprefix("WRK_RESULT "))
            result["server_cpu_ms"] = 1000 * cpu / max(1, result["requests"])
            return result
    raise SystemExit(f"wrk gave no result ({done.returncode}):\n{done.stdout}\n{done.stderr}")


# --- profiling one request at a time, in this process -----------------------------------------


PACKAGES = ("sqlalchemy", "sqlmodel", "jinja2", "starlette", "fastapi", "pydantic", "anyio",
            "caseflow", "asyncio", "markupsafe", "uvicorn")  # fmt: skip


def _package(filename: str, function: str) -> str:
    if filename == "~":
        if "sqlite3" in function:
            return "sqlite3 (C)"
        return "builtins"
    if "/templates/" in filename or filename.endswith(".html") or "<template>" in filename:
        return "jinja2 templates"
    for name in PACKAGES:
        if f"/{name}/" in filename:
            return name
    return "other"


async def _call(app: Any, path: str, cookie: str) -> int:
    raw, _, query = path.partition("?")
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": raw, "raw_path": raw.encode(), "query_string": query.encode(),
        "root_path": "", "headers": [(b"host", b"bench"), (b"cookie", cookie.encode())],
        "client": ("127.0.0.1", 40000), "server": ("127.0.0.1", 80), "state": {},
    }  # fmt: skip
    status = 0

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    return status


def profile(
    db_path: Path, cookie: str, paths: dict[str, list[str]], count: int, names: Sequence[str]
) -> None:
    """Per scenario: mean in-process time per request, and cProfile's split by package."""
    import fastapi.dependencies.utils
    import fastapi.routing

    async def inline(func: Any, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    # Sync endpoints and dependencies run on this thread, so cProfile sees them.
    setattr(fastapi.routing, "run_in_threadpool", inline)  # noqa: B010
    setattr(fastapi.dependencies.utils, "run_in_threadpool", inline)  # noqa: B010
    from caseflow.settings import load_settings
    from caseflow.web.app import create_app

    app = create_app(load_settings(database_url=f"sqlite:///{db_path}"))
    value = cookie.split("=", 1)[1]
    session_cookie = f"{COOKIE}={value}"

    async def run(sample: Sequence[str]) -> None:
        for path in sample:
            status = await _call(app, path, session_cookie)
            if status != 200:
                raise SystemExit(f"profile: GET {path} answered {status}")

    loop = asyncio.new_event_loop()
    try:
        for name in names:
            sample = paths[name][:count]
            loop.run_until_complete(run(sample[:20]))  # warm-up
            passes = [g["collections"] for g in gc.get_stats()]
            started = time.perf_counter()
            loop.run_until_complete(run(sample))
            plain = 1000 * (time.perf_counter() - started) / len(sample)
            passes = [g["collections"] - n for g, n in zip(gc.get_stats(), passes, strict=True)]
            profiler = cProfile.Profile()
            profiler.enable()
            loop.run_until_complete(run(sample))
            profiler.disable()
            stats = pstats.Stats(profiler)
            raw_stats: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
            total = sum(entry[2] for entry in raw_stats.values())
            shares: dict[str, float] = {}
            ours: list[tuple[float, str]] = []
            for (filename, line, function), entry in raw_stats.items():
                package = _package(filename, function)
                shares[package] = shares.get(package, 0.0) + entry[2]
                if package == "caseflow":
                    ours.append((entry[3], f"{Path(filename).name}:{line}({function})"))
            split = ", ".join(
                f"{p} {100 * s / total:.0f} %"
                for p, s in sorted(shares.items(), key=lambda kv: -kv[1])
                if s / total >= 0.02
            )
            print(
                f"\n  {name}: {plain:.2f} ms per request in-process, no profiler "
                f"({len(sample)} requests); own time by package: {split}"
                f"\n    collector passes in those requests (generation 0, 1, 2): {passes} "
                "(default thresholds, nothing frozen: as a process without web/gcpolicy)"
            )
            for seconds, where in sorted(ours, reverse=True)[:30]:
                print(f"    {1000 * seconds / len(sample):6.2f} ms/req cumulative  {where}")
    finally:
        loop.close()


# --- driver -----------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "MET" if ok else "MISSED"


def connections_arg(text: str) -> list[int]:
    values = [int(v) for v in text.split(",") if v.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("a comma-separated list of connection counts ≥ 1")
    return values


def scenarios_arg(text: str) -> list[str]:
    names = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [n for n in names if n not in KIND]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown scenario(s) {unknown}; known: {list(KIND)}")
    return names


def set_statistics(db_path: Path, analyze: bool) -> str:
    """ANALYZE the file (--analyze), or drop the planner statistics an earlier run left, so
    that by default the server sees what a database built by the migrations alone has."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    try:
        if analyze:
            started = time.perf_counter()
            conn.execute("ANALYZE")
            return f"ANALYZE ran ({time.perf_counter() - started:.1f} s)"
        has = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        ).fetchone()[0]
        if has:
            conn.execute("DROP TABLE sqlite_stat1")
        return "no planner statistics (no ANALYZE, as after the migrations)"
    finally:
        conn.close()


Results = list[tuple[str, int, dict[str, Any]]]  # (scenario, connections, wrk's result)


def run_scenarios(
    args: argparse.Namespace, db_path: Path, cookie: str, paths: dict[str, list[str]]
) -> Results:
    results: Results = []
    with tempfile.TemporaryDirectory(prefix="caseflow-bench-web-") as tmp:
        server = start_server(args.caseflow, db_path, Path(tmp) / "server.log")
        bare = None
        if args.ceiling:
            bare = start_server(args.caseflow, db_path, Path(tmp) / "ceiling.log", ceiling=True)
        try:
            for name in args.scenarios:
                paths_file = Path(tmp) / f"{name}.paths"
                paths_file.write_text("\n".join(paths[name]) + "\n", encoding="utf-8")
                note = check(server, cookie, name, paths[name])
                print(f"  {name}: e.g. {paths[name][0]}" + (f"; {note}" if note else ""))
                if args.warmup > 0:
                    most = max(args.connections)
                    run_wrk(server, cookie, paths_file, most, args.threads, args.warmup)
                for conns in args.connections:
                    r = run_wrk(server, cookie, paths_file, conns, args.threads, args.duration)
                    results.append((name, conns, r))
                    print(f"    -c {conns}: {r['rps']:.0f} req/s, p95 {r['p95_ms']:.1f} ms",
                          flush=True)  # fmt: skip
                    if bare is not None and KIND[name] == "case":  # interleaved with caseflow's
                        c = run_wrk(bare, cookie, paths_file, conns, args.threads, args.duration)
                        results.append(("ceiling", conns, c))
                        print(f"    ceiling -c {conns}: {c['rps']:.0f} req/s, p95 "
                              f"{c['p95_ms']:.1f} ms, {c['server_cpu_ms']:.2f} ms CPU/req; "
                              f"ratio {r['rps'] / c['rps']:.3f}", flush=True)  # fmt: skip
                        record(f"case page, {conns} connection(s)", r["rps"], "req/s",
                               ceiling=c["rps"], ceiling_label="minimal FastAPI + raw sqlite3, "
                               "one row", ratio=r["rps"] / c["rps"], target=">= 0.2x",
                               met=r["rps"] / c["rps"] >= 0.2, p95_ms=r["p95_ms"],
                               server_cpu_ms=r["server_cpu_ms"],
                               ceiling_cpu_ms=c["server_cpu_ms"])  # fmt: skip
        finally:
            server.stop()
            if bare is not None:
                bare.stop()
            log = server.log.read_text(errors="replace").strip()
    if log:
        print("  server log:\n    " + "\n    ".join(log.splitlines()[-20:]))
    return results


def goal_of(name: str, r: dict[str, Any]) -> str:
    kind = KIND.get(name, "ceiling")
    if kind == "ceiling":
        return "(the one-row ceiling)"
    if kind == "case":
        return f"p95 ≤ {TARGET_CASE_P95:.0f} ms: {verdict(r['p95_ms'] <= TARGET_CASE_P95)}"
    if kind == "list":
        return f"p95 ≤ {TARGET_LIST_P95:.0f} ms: {verdict(r['p95_ms'] <= TARGET_LIST_P95)}"
    if kind == "search":
        return f"(no target; p95 ≤ {TARGET_LIST_P95:.0f} ms: {r['p95_ms'] <= TARGET_LIST_P95})"
    return f"req/s ≥ {TARGET_RPS:.0f}: {verdict(r['rps'] >= TARGET_RPS)}"


def report(args: argparse.Namespace, results: Results) -> None:
    print(f"\n  {args.cases:,} cases; wrk -t{args.threads} (at most -c), {args.duration:g} s per "
          f"run after {args.warmup:g} s warm-up; {load_line()}")  # fmt: skip
    print("  errors: non-2xx responses + socket errors (connect/read/write/timeout at 10 s)")
    header = (f"  {'scenario':<17} {'conn':>4} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
              f"{'p99 ms':>7} {'errors':>7} {'srv CPU ms/req':>14}  target")  # fmt: skip
    print(header)
    print("  " + "-" * (len(header) - 2))
    for name, conns, r in results:
        errors = f"{r['non2xx']}+{r['socket_errors']}"
        print(f"  {name:<17} {conns:>4} {r['rps']:>7.0f} {r['p50_ms']:>7.1f} {r['p95_ms']:>7.1f} "
              f"{r['p99_ms']:>7.1f} {errors:>7} {r['server_cpu_ms']:>14.2f}  "
              f"{goal_of(name, r)}")  # fmt: skip

    print("\n  targets (issue 6):")
    checks: list[tuple[str, bool]] = []
    for kind, target, label in (("case", TARGET_CASE_P95, "case page"),
                                ("list", TARGET_LIST_P95, "filtered list")):  # fmt: skip
        runs = [(r["p95_ms"], n, c) for n, c, r in results if KIND.get(n) == kind]
        if runs:
            worst, name, conns = max(runs)
            checks.append((f"{label} p95 ≤ {target:.0f} ms (worst: {worst:.1f} ms, {name} "
                           f"-c {conns})", worst <= target))  # fmt: skip
    most = max(args.connections)
    busiest = [r["rps"] for n, c, r in results if KIND.get(n) == "mixed" and c == most]
    if busiest:
        checks.append((f"≥ {TARGET_RPS:.0f} req/s (mixed, -c {most}: {busiest[0]:.0f} req/s)",
                       busiest[0] >= TARGET_RPS))  # fmt: skip
    errors = sum(r["non2xx"] + r["socket_errors"] for _, _, r in results)
    checks.append((f"no errors ({errors} in all runs)", errors == 0))
    for label, ok in checks:
        print(f"    {verdict(ok):<6}  {label}")
    print(f"  after the run: {load_line()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add = parser.add_argument
    add("--cases", type=int, default=100_000, help="cases in the database")
    add("--duration", type=float, default=15.0, help="seconds per wrk run")
    add("--warmup", type=float, default=3.0, help="warm-up seconds per scenario")
    add("--connections", type=connections_arg, default=[1, 8],
        help="comma-separated wrk connection counts (default 1,8)")  # fmt: skip
    add("--threads", type=int, default=2, help="wrk threads (at most -c)")
    add("--scenarios", type=scenarios_arg, default=list(KIND),
        help=f"comma-separated subset of {','.join(KIND)}")  # fmt: skip
    add("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "caseflow-bench-web",
        help="where the database file is kept between runs")  # fmt: skip
    add("--rebuild", action="store_true", help="build the database anew")
    add("--analyze", action="store_true", help="run ANALYZE on the database before serving")
    add(
        "--ceiling",
        action="store_true",
        help="also serve the one-row ceiling (ceiling_web.py) and run it after each case run",
    )
    add("--caseflow", type=Path, default=CASEFLOW, help="the caseflow executable to serve with")
    add("--profile", type=int, default=0, metavar="N",
        help="also profile N in-process requests per scenario")  # fmt: skip
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    print("bench_web: caseflow serve (one uvicorn worker) on SQLite, load from wrk")
    print(f"  {machine_line()}; sqlite {sqlite3.sqlite_version}")
    print(f"  {git_line()}; {load_line()}")
    print("  wrk and the server share the machine's CPUs; latency is wrk's (send to response), "
          "so with -c 8 it includes waiting behind the other requests")  # fmt: skip
    args.data_dir.mkdir(parents=True, exist_ok=True)
    db_path = args.data_dir / f"cases-{args.cases}-v{GENERATOR_VERSION}.db"
    if args.rebuild or not database_ready(db_path, args.cases):
        build_database(db_path, args.cases)
    else:
        print(f"  reusing {db_path} ({db_path.stat().st_size / 1e6:.0f} MB)")
    print(f"  {set_statistics(db_path, args.analyze)}")
    db = Database(f"sqlite:///{db_path}")
    token = issue_token(db=db, email=BENCH_USER, kind="session", clock=SystemClock(),
                        ttl=SESSION_TTL)  # fmt: skip
    db.dispose()
    cookie = f"{COOKIE}={token}"
    paths = scenario_paths(db_path)

    report(args, run_scenarios(args, db_path, cookie, paths))
    if args.profile:
        print(f"\n--- in-process profile, {args.profile} requests per scenario ---")
        profile(db_path, cookie, paths, args.profile, args.scenarios)


if __name__ == "__main__":
    main()
