"""Holding 100,000 cases ready to move: time and memory against one transitions.Machine per case.

Ours: the workflow registry compiled once (one shared `transitions.Machine`), one
`caseflow.workflow.machine.CaseProxy` per case, and `start_planning` fired on every case through
`CompiledWorkflow.run`. Theirs: one `transitions.Machine(model=case, ...)` per case with the same
states and transitions (sources expanded from the spec, guards as condition methods on the
model), and `start_planning` fired on every case.

The case objects themselves exist on both sides and are built before measuring; only the
machinery is measured. Each side runs in its own subprocess, once for wall time (no tracing) and
once for memory (tracemalloc: peak, and retained while every case is still ready to move).

If 100,000 machines would take too long to trace, their memory is measured on 10,000 and
scaled linearly (memory per machine is constant); the output says so.

Run: .venv/bin/python benchmarks/bench_machine_memory.py [--cases 100000] [--full]
Targets: ours ≥ 20x faster and ≥ 50x less memory.
"""

from __future__ import annotations

import argparse
import gc
import json
import subprocess
import sys
import time
import tracemalloc
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from _common import WORKFLOW, WORKFLOWS_DIR, git_line, load_line, machine_line
from transitions import Machine

from caseflow.workflow.guards import GUARDS
from caseflow.workflow.machine import CaseProxy
from caseflow.workflow.registry import load_registry

TRIGGER = "start_planning"
TARGET_SPEED = 20.0
TARGET_MEMORY = 50.0
PROBE_CASES = 2_000
SCALED_CASES = 10_000
BUDGET_SECONDS = 90.0


@dataclass(frozen=True, slots=True)
class Funder:
    code: str
    status: str
    decision_date: date | None


class CaseLike:
    """A case as the guards see it. A plain object (with `__dict__`) so that transitions can
    bind its trigger methods to it; the condition methods are the guards, by name."""

    def __init__(self, serial: int) -> None:
        self.serial = serial
        self.title: str | None = "Strategisk planering"
        self.purpose: str | None = "Kartläggning och förankring"
        self.start_date: date | None = date(2025, 1, 1)
        self.end_date: date | None = date(2025, 12, 31)
        self.total_budget_sek: int | None = 600_000
        self.final_report_date: date | None = None
        self.funders: tuple[Funder, ...] = (
            Funder("tillvaxtverket_nationella", "granted", date(2025, 2, 1)),
        )

    def application_complete(self) -> bool:
        return not GUARDS["application_complete"](self)

    def funding_granted(self) -> bool:
        return not GUARDS["funding_granted"](self)

    def final_report_submitted(self) -> bool:
        return not GUARDS["final_report_submitted"](self)


def _rss_bytes() -> int:
    """Resident set size now (Linux), 0 elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_side(side: str, cases_count: int, trace: bool) -> dict[str, Any]:
    """Build the machinery for `cases_count` cases, fire TRIGGER on each; figures as a dict."""
    spec = load_registry(WORKFLOWS_DIR).get(WORKFLOW).spec  # theirs reads states from here
    states = [s.name for s in spec.states]
    transitions = [
        {
            "trigger": t.trigger,
            "source": spec.expanded_sources(t),
            "dest": t.dest,
            "conditions": list(t.conditions),
        }
        for t in spec.transitions
    ]
    cases = [CaseLike(i) for i in range(cases_count)]
    gc.collect()
    rss_before = _rss_bytes()
    if trace:
        tracemalloc.start()
    started = time.perf_counter()
    held: list[Any]
    if side == "ours":
        wf = load_registry(WORKFLOWS_DIR).get(WORKFLOW)  # counted: compiled once per process
        held = [CaseProxy(case, spec.initial) for case in cases]
        built = time.perf_counter()
        for proxy in held:
            proxy.state = wf.run(proxy.case, proxy.state, TRIGGER)
        stages = {proxy.state for proxy in held}
    else:
        held = [
            Machine(
                model=case, states=states, transitions=transitions, initial=spec.initial,
                auto_transitions=False,
            )
            for case in cases
        ]  # fmt: skip
        built = time.perf_counter()
        for case in cases:
            getattr(case, TRIGGER)()
        stages = {case.state for case in cases}  # type: ignore[attr-defined]
    finished = time.perf_counter()
    current, peak = tracemalloc.get_traced_memory() if trace else (0, 0)
    if trace:
        tracemalloc.stop()
    if stages != {"bp_planering"}:
        raise SystemExit(f"{side}: expected every case in bp_planering, got {stages}")
    return {
        "side": side,
        "cases": cases_count,
        "build_s": built - started,
        "fire_s": finished - built,
        "total_s": finished - started,
        "retained_bytes": current,
        "peak_bytes": peak,
        "rss_growth_bytes": _rss_bytes() - rss_before,
        "held": len(held),
    }


def child(side: str, cases: int, trace: bool) -> dict[str, Any]:
    """Run one side in a fresh interpreter and return its figures."""
    command = [sys.executable, __file__, "--child", side, "--cases", str(cases)]
    if trace:
        command.append("--trace")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"child {side} failed:\n{done.stderr}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _mib(value: float) -> str:
    return f"{value / 2**20:,.1f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument(
        "--full", action="store_true", help="never scale: trace all machines (slow, ~2 min)"
    )
    parser.add_argument("--child", choices=["ours", "theirs"], help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_side(args.child, args.cases, args.trace)))
        return

    n: int = args.cases
    print(f"bench_machine_memory: {n:,} cases ready to move, then {TRIGGER} fired on each")
    print(f"  {machine_line()}")
    print(f"  {git_line()}; {load_line()}")

    # How long would `n` Machines take, untraced and traced?
    probe_time = child("theirs", PROBE_CASES, trace=False)["total_s"] / PROBE_CASES * n
    probe_traced = child("theirs", PROBE_CASES, trace=True)["total_s"] / PROBE_CASES * n
    print(
        f"  probe ({PROBE_CASES:,} Machines): {n:,} would take ~{probe_time:.0f} s untraced, "
        f"~{probe_traced:.0f} s under tracemalloc"
    )
    time_n = n if args.full or probe_time <= BUDGET_SECONDS else min(n, SCALED_CASES)
    spare = BUDGET_SECONDS - (probe_time if time_n == n else 0.0)
    memory_n = n if args.full or probe_traced <= spare else min(n, SCALED_CASES)

    ours_time = child("ours", n, trace=False)
    ours_memory = child("ours", n, trace=True)
    theirs_time = child("theirs", time_n, trace=False)
    theirs_memory = child("theirs", memory_n, trace=True)
    time_scale = n / time_n
    memory_scale = n / memory_n
    for name, used, whole in (("time", time_n, n), ("memory", memory_n, n)):
        if used != whole:
            print(
                f"  NOTE: Machine-per-case {name} measured on {used:,} cases and scaled "
                f"x{whole / used:g} to {whole:,} (linear)"
            )

    rows = [
        ("build (s)", ours_time["build_s"], theirs_time["build_s"] * time_scale),
        ("fire (s)", ours_time["fire_s"], theirs_time["fire_s"] * time_scale),
        ("build + fire (s)", ours_time["total_s"], theirs_time["total_s"] * time_scale),
    ]
    print()
    print(f"  {'':<26} {'ours':>14} {'Machine/case':>14} {'ratio':>9}")
    for label, ours_value, theirs_value in rows:
        ratio = theirs_value / ours_value
        print(f"  {label:<26} {ours_value:>14.3f} {theirs_value:>14.3f} {ratio:>8.1f}x")
    memory_rows = [
        ("tracemalloc peak", ours_memory["peak_bytes"], theirs_memory["peak_bytes"]),
        ("tracemalloc retained", ours_memory["retained_bytes"], theirs_memory["retained_bytes"]),
    ]
    for label, ours_bytes, theirs_bytes in memory_rows:
        scaled = theirs_bytes * memory_scale
        print(
            f"  {label:<26} {_mib(ours_bytes):>14} {_mib(scaled):>14} {scaled / ours_bytes:>8.1f}x"
        )
    per_case = (
        f"  per case: ours {ours_memory['retained_bytes'] / n:,.0f} B and "
        f"{ours_time['total_s'] / n * 1e6:,.2f} us; Machine "
        f"{theirs_memory['retained_bytes'] / memory_n:,.0f} B and "
        f"{theirs_time['total_s'] / time_n * 1e6:,.1f} us"
    )
    print(per_case)
    rss_theirs = theirs_time["rss_growth_bytes"] * time_scale
    print(
        f"  RSS growth (untraced run): ours {_mib(ours_time['rss_growth_bytes'])}, "
        f"Machine/case {_mib(rss_theirs)}"
    )

    speed = theirs_time["total_s"] * time_scale / ours_time["total_s"]
    memory = theirs_memory["peak_bytes"] * memory_scale / ours_memory["peak_bytes"]
    retained = theirs_memory["retained_bytes"] * memory_scale / ours_memory["retained_bytes"]
    print()
    print(f"  faster (build + fire)  {speed:>8.1f}x  target >= {TARGET_SPEED:g}x  "
          f"{'MET' if speed >= TARGET_SPEED else 'MISSED'}")  # fmt: skip
    print(f"  less memory (peak)     {memory:>8.1f}x  target >= {TARGET_MEMORY:g}x  "
          f"{'MET' if memory >= TARGET_MEMORY else 'MISSED'}")  # fmt: skip
    print(f"  less memory (retained) {retained:>8.1f}x  target >= {TARGET_MEMORY:g}x  "
          f"{'MET' if retained >= TARGET_MEMORY else 'MISSED'}")  # fmt: skip
    print(f"  after the run: {load_line()}")


if __name__ == "__main__":
    main()
