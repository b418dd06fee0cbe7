"""Seconds to render the portfolio report of 10,000 projects in each format (html, md, xlsx, docx).

The projects are generated (fixed random seed): four areas with three to five long-term
priorities each, one to three funders, text lengths like those in seed 000 (a purpose of
200–600 characters, a follow-up comment of 0–700), and a change list of a few hundred lines.
Each format is rendered `--rounds` times; the median is reported with the output size.

Run: .venv/bin/python benchmarks/bench_report.py [--projects 10000] [--rounds 3] [--profile FMT]
Targets: html and md < 1 s, xlsx < 3 s, docx < 5 s.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import statistics
import sys
import time
from datetime import date, timedelta

from _common import git_line, load_line, machine_line

from caseflow.domain.funders import FUNDERS
from caseflow.portfolio.render import render_report
from caseflow.portfolio.report import (
    REPORT_TITLE,
    PortfolioDiff,
    PortfolioReport,
    ProjectChange,
    ReportFunder,
    ReportProject,
    group_projects,
)

TARGETS: dict[str, float] = {"html": 1.0, "md": 1.0, "xlsx": 3.0, "docx": 5.0}
AREAS: dict[str, tuple[str, ...]] = {
    "Regionalt utvecklingsansvar - Utvecklingskraft i hela Jämtland Härjedalen": (
        "Likvärdiga möjligheter till platsutveckling i hela länet",
        "Kompetensförsörjning och kompetensutveckling i hela länet",
        "Innovation och förnyelse samt entreprenörskap och företagande i hela länet",
        "Tillgänglighet genom digital kommunikation och transportinfrastruktur",
        "Internationellt samarbete",
    ),
    "Energikontoret": (
        "Energieffektivisering i näringsliv och offentlig sektor",
        "Förnybar energi och hållbara transporter",
        "Klimatanpassning",
    ),
    "Kultur": ("Kulturella och kreativa näringar", "Kultur i hela länet", "Kulturarv"),
    "Folkhögskolor": ("Folkbildning och livslångt lärande", "Integration och etablering"),
}
STAGES = (
    ("bp_planering", "Planering", "BP – Planering"),
    ("application_sent", "Ansökan inskickad", "BP – Planering"),
    ("bp_genomforande", "Genomförande", "BP – Genomförande"),
    ("follow_up", "Uppföljning", "BP – Genomförande"),
)
OWNERS = ("Kommunförbundet Jämtland Härjedalen", "Mittuniversitetet", "Trøndelag fylke",
          "Östersunds kommun", "Region Västernorrland")  # fmt: skip
STATUSES = ("Planerad", "Pågående enligt plan", "Pågående med avvikelse", "Försenad")
OWN = ("0 tkr", "20%", "60 % i form av egen tid", "ingen egen finansiering", "500 tkr")
WORDS = (
    "projektet syftar till att stärka det gemensamma arbetet med god samhällsplanering i det "
    "regionala utvecklingsarbetet och utveckla nya länsomfattande metoder och arbetssätt samt "
    "genomföra riktade insatser anpassade till våra regionala förutsättningar för att "
    "framgångsrikt kunna attrahera och integrera internationell kompetens i hela länet"
).split()


def text(rng: random.Random, low: int, high: int) -> str:
    """Swedish-looking prose of `low`–`high` characters, ending in a full stop."""
    target = rng.randint(low, high)
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < target:
        words.append(rng.choice(WORDS))
    sentence = " ".join(words)
    return sentence[:1].upper() + sentence[1:] + "."


def make_projects(count: int, seed: int = 2025) -> list[ReportProject]:
    rng = random.Random(seed)
    codes = list(FUNDERS)
    projects = []
    for serial in range(1, count + 1):
        area = rng.choice(list(AREAS))
        stage, label, point = rng.choice(STAGES)
        start = date(2023, 1, 1) + timedelta(days=rng.randint(0, 900))
        running = stage in {"bp_genomforande", "follow_up"}
        funders = tuple(
            ReportFunder(
                code,
                FUNDERS[code],
                rng.choice((None, rng.randint(1, 5000) * 1000, rng.randint(10_000, 9_999_999))),
                "granted" if running else rng.choice(("planned", "applied")),
            )  # fmt: skip
            for code in rng.sample(codes, rng.randint(1, 3))
        )
        other = rng.random() < 0.3
        projects.append(
            ReportProject(
                diarienummer=f"RUN/{serial}/{rng.randint(2022, 2025)}",
                other_diarienummer=(f"RUN/{serial + 1}/2023",) if rng.random() < 0.1 else (),
                title=text(rng, 15, 80).rstrip("."),
                purpose=text(rng, 200, 600),
                start_date=start,
                end_date=start + timedelta(days=rng.randint(180, 1100)),
                owner=rng.choice(OWNERS) if other else "Region Jämtland Härjedalen",
                owner_is_region=not other,
                total_budget_sek=rng.choice((None, rng.randint(500, 20_000) * 1000)),
                funders=funders,
                own_financing=rng.choice((None, *OWN)),
                follow_up_status=rng.choice(STATUSES),
                follow_up_comment=rng.choice((None, text(rng, 40, 700))) if running else None,
                stage=stage,
                stage_label=label,
                decision_point=point,
                area=area,
                priority=rng.choice(AREAS[area]),
            )
        )
    return projects


def make_diff(projects: list[ReportProject]) -> PortfolioDiff:
    def change(p: ReportProject, *lines: str) -> ProjectChange:
        return ProjectChange(p.diarienummer, p.title, lines)

    return PortfolioDiff(
        label_from="RUN 2025-02-12",
        label_to="RUN 2025-09-30",
        new=tuple(change(p) for p in projects[:100]),
        removed=tuple(change(p, "avslutat: genomfört") for p in projects[100:150]),
        changed=tuple(
            change(p, "steg: BP – Planering → BP – Genomförande", "total budget: 3 → 4 mkr")
            for p in projects[150:300]
        ),
        stale_comments=tuple(change(p, "kommentaren är oförändrad") for p in projects[300:400]),
    )  # fmt: skip


def measure(report: PortfolioReport, fmt: str, rounds: int) -> tuple[float, list[float], int]:
    """(median seconds, every round's seconds, output bytes) for one format."""
    times, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        size = len(render_report(report, fmt))
        times.append(time.perf_counter() - start)
    return statistics.median(times), times, size


def read_from_database(count: int, rounds: int) -> float:
    """Seconds to load `count` stored cases and build the report (what the CLI does first)."""
    import tempfile
    from datetime import UTC, datetime

    from _common import case_docs, registry, seed

    from caseflow.cli.db import upgrade_database
    from caseflow.clock import FakeClock
    from caseflow.portfolio.report import build_report
    from caseflow.store.casemap import case_to_dict
    from caseflow.store.db import Database
    from caseflow.store.repo import list_cases

    workflows = registry()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{tmp}/bench.db")
        upgrade_database(db)
        seed(db, workflows, FakeClock(datetime(2025, 1, 6, tzinfo=UTC)), case_docs("RUN", count))
        times = []
        for _ in range(rounds):
            start = time.perf_counter()
            with db.read() as session:
                cases = [
                    case_to_dict(c) for c in list_cases(session=session, registration_order=True)
                ]
            build_report(cases, workflows, as_of=date(2025, 9, 30))
            times.append(time.perf_counter() - start)
        db.dispose()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=10_000, help="projects in the report")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    parser.add_argument("--profile", choices=list(TARGETS), help="cProfile one format (stderr)")
    args = parser.parse_args()

    print(f"bench_report: render the portfolio report of {args.projects:,} projects")
    print(f"  {machine_line()}")
    print(f"  {git_line()}; {load_line()}")
    started = time.perf_counter()
    projects = make_projects(args.projects)
    report = PortfolioReport(
        title=REPORT_TITLE, as_of=date(2025, 9, 30), areas=group_projects(projects),
        diff=make_diff(projects),
    )  # fmt: skip
    groups = sum(len(a.priorities) for a in report.areas)
    print(
        f"  {len(report.areas)} areas, {groups} priority groups, "
        f"{sum(len(p.funders) for p in projects):,} funder lines; "
        f"generated in {time.perf_counter() - started:.1f} s; {args.rounds} rounds, median"
    )
    render_report(report, "html")  # warm up: template compilation, lazy imports
    met = True
    for fmt, target in TARGETS.items():
        seconds, rounds, size = measure(report, fmt, args.rounds)
        ok = seconds < target
        met &= ok
        shown = ", ".join(f"{t:.2f}" for t in rounds)
        print(
            f"  {fmt:<5} {seconds:>6.2f} s  {size:>12,} bytes ({size / 1024:>8,.0f} KiB)  "
            f"target < {target:.0f} s   {'MET' if ok else 'MISSED'}   (rounds: {shown})"
        )
    print(f"  all targets {'MET' if met else 'MISSED'}")
    print(
        f"  reading {args.projects:,} cases from SQLite + building the report model: "
        f"{read_from_database(args.projects, args.rounds):.2f} s (median; not in the targets)"
    )
    print(f"  after the run: {load_line()}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        render_report(report, args.profile)
        profiler.disable()
        print(f"\n--- cProfile of {args.profile} ---", file=sys.stderr)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(20)


if __name__ == "__main__":
    main()
