"""Decision memos end to end, from case data: template (sandboxed Jinja2) → md, → html, → docx.

The case is RUN/479/2024 (examples/RUN-479-2024.json); each render is timed on its own (perf
counter), and a batch of 1,000 different cases (own titles, amounts and dates) is rendered to
docx and md, reporting the total. Storing the render rows is not included (one INSERT each).

A second part (issue 15, item 3) times `memo.service.render_memo(fmt="md")` — configuration,
case and handläggare read from a migrated SQLite file, the render recorded — against the pure
renderer above (its ceiling), interleaved in rounds so machine load hits both alike.

Run: .venv/bin/python benchmarks/bench_memo.py [--renders 1000] [--service-only]
Targets: md/html p95 ≤ 5 ms; docx p95 ≤ 150 ms; service md p50 ≤ 2× the pure renderer's.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from _common import git_line, load_line, machine_line, record

from caseflow.domain.casedoc import CaseDoc
from caseflow.memo.compose import MEMOS_DIR, load_board, officer_from_person, render_markdown
from caseflow.memo.render import markdown_to_docx, markdown_to_html
from caseflow.settings import PROJECT_ROOT

TEMPLATES = MEMOS_DIR / "templates"
DAY = date(2024, 11, 22)


def example() -> tuple[dict[str, Any], dict[str, Any]]:
    data = json.loads((PROJECT_ROOT / "examples" / "RUN-479-2024.json").read_text("utf-8"))
    case = CaseDoc.model_validate(data["cases"][0]).model_dump(mode="json")
    return case, data["people"][0]


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def timed(fn: Callable[[], object], count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def service_vs_pure(renders: int, rounds: int = 5) -> dict[str, float]:
    """p50 of `render_memo` (md, through the service) and of the pure renderer, interleaved."""
    import tempfile
    from pathlib import Path

    from caseflow.cases.engine import add_person, import_cases
    from caseflow.cli.db import upgrade_database
    from caseflow.clock import SystemClock
    from caseflow.memo.service import render_memo
    from caseflow.records.context import Records
    from caseflow.records.storage import FolderStore
    from caseflow.settings import Settings
    from caseflow.store.db import Database
    from caseflow.workflow.registry import load_registry

    data = json.loads((PROJECT_ROOT / "examples" / "RUN-479-2024.json").read_text("utf-8"))
    clock = SystemClock()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'memo.db'}")
        upgrade_database(db)
        for person in data["people"]:
            add_person(db=db, clock=clock, **person)
        docs = [CaseDoc.model_validate(c) for c in data["cases"]]
        import_cases(db=db, workflows=load_registry(PROJECT_ROOT / "workflows"), docs=docs,
                     actor="bench", clock=clock)  # fmt: skip
        case, person = example()
        officer = officer_from_person(person)
        board = load_board(MEMOS_DIR / "board.yaml")

        def service() -> object:
            return render_memo(db=db, memos_dir=MEMOS_DIR, clock=clock, dnr=case["diarienummer"],
                               fmt="md", memo_date=DAY, actor="bench",
                               kind="delegationsbeslut")  # fmt: skip

        def pure() -> object:
            return render_markdown(case, officer, "delegationsbeslut", board, DAY,
                                   templates=TEMPLATES)  # fmt: skip

        records = Records(
            files=FolderStore(Path(tmp) / "files"), folder=Settings().records_dir, max_bytes=10**7
        )

        def registered() -> object:  # as the web page and the CLI run it: records registered
            return render_memo(db=db, memos_dir=MEMOS_DIR, clock=clock, dnr=case["diarienummer"],
                               fmt="md", memo_date=DAY, actor="bench", kind="delegationsbeslut",
                               records=records)  # fmt: skip

        service(), pure(), registered()
        svc: list[float] = []
        ref: list[float] = []
        reg: list[float] = []
        cpu = {"service": 0.0, "pure": 0.0, "records": 0.0}
        per_round = renders // rounds
        for _ in range(rounds):
            for label, fn, into in (("service", service, svc), ("pure", pure, ref),
                                    ("records", registered, reg)):  # fmt: skip
                started = time.process_time()
                into += timed(fn, per_round)
                cpu[label] += time.process_time() - started
        db.dispose()
    count = per_round * rounds
    s50, s95 = percentiles(svc)
    r50, r95 = percentiles(ref)
    g50, g95 = percentiles(reg)
    ratio = s50 / r50
    verdict = "MET" if ratio <= 2.0 else "MISSED"
    cpu_ms = {k: v / count * 1000 for k, v in cpu.items()}
    print(f"  service md (render_memo) p50 {s50:7.2f} ms  p95 {s95:7.2f} ms  "
          f"CPU {cpu_ms['service']:.2f} ms/render")  # fmt: skip
    print(f"  pure md (ceiling)        p50 {r50:7.2f} ms  p95 {r95:7.2f} ms  "
          f"CPU {cpu_ms['pure']:.2f} ms/render")  # fmt: skip
    print(f"  service / pure (p50) {ratio:.2f}x  target <= 2x  {verdict}; "
          f"in CPU {cpu_ms['service'] / cpu_ms['pure']:.2f}x")  # fmt: skip
    print(f"  service md registered in records (web/CLI) p50 {g50:7.2f} ms  p95 {g95:7.2f} ms  "
          f"CPU {cpu_ms['records']:.2f} ms/render: {g50 / r50:.2f}x the pure renderer")  # fmt: skip
    record("memo md through render_memo, p50", s50, "ms", ceiling=r50,
           ceiling_label="its pure renderer (render_markdown)", ratio=ratio,
           target="<= 2x (service / pure)", met=ratio <= 2.0,
           cpu_ms=cpu_ms, records_p50_ms=g50)  # fmt: skip
    return {"service_p50_ms": s50, "service_p95_ms": s95, "pure_p50_ms": r50, "pure_p95_ms": r95,
            "ratio": ratio}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=1000)
    parser.add_argument("--service-only", action="store_true", help="only service vs pure md")
    args = parser.parse_args()
    if args.service_only:
        print("bench_memo: memo md through the service against the pure renderer")
        print(f"  {machine_line()}\n  {git_line()}; {load_line()}")
        service_vs_pure(args.renders)
        return
    board = load_board(MEMOS_DIR / "board.yaml")
    case, person = example()
    officer = officer_from_person(person)

    def md() -> str:
        return render_markdown(case, officer, "delegationsbeslut", board, DAY,
                               templates=TEMPLATES).markdown  # fmt: skip

    def html() -> str:
        return markdown_to_html(md(), title="Delegationsbeslut")

    def docx() -> bytes:
        return markdown_to_docx(md(), template=TEMPLATES / "memo.docx", title="Delegationsbeslut")

    print("bench_memo: decision memos from case data (RUN/479/2024)")
    print(f"  {machine_line()}\n  {git_line()}; {load_line()}")
    docx()  # warm: template parse, imports
    targets = {"md": (md, 5.0), "html": (html, 5.0), "docx": (docx, 150.0)}
    for name, (fn, target) in targets.items():
        p50, p95 = percentiles(timed(fn, args.renders))
        verdict = "MET" if p95 <= target else "MISSED"
        print(f"  {name:<5} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  target p95 <= {target:.0f} ms  "
              f"{verdict}")  # fmt: skip
    start = time.perf_counter()
    size = 0
    for i in range(args.renders):
        other = {**case, "diarienummer": f"RUN/{i + 1}/2025", "title": f"Projekt nummer {i + 1}",
                 "total_budget_sek": 600_000 + i * 1000}  # fmt: skip
        text = render_markdown(other, officer, "delegationsbeslut", board, DAY,
                               templates=TEMPLATES).markdown  # fmt: skip
        size += len(markdown_to_docx(text, template=TEMPLATES / "memo.docx", title=other["title"]))
    total = time.perf_counter() - start
    print(
        f"  batch: {args.renders:,} different memos to md + docx in {total:.1f} s "
        f"({total / args.renders * 1000:.1f} ms each, {size / 1024 / 1024:.1f} MiB of docx)"
    )
    service_vs_pure(args.renders)
    print(f"  after the run: {load_line()}")


if __name__ == "__main__":
    main()
