"""The benchmark run's record: one JSON file per `make bench` run, and its table in Markdown.

    harness.py start              creates benchmarks/results/<UTC time>-<commit>.json with the
                                  machine, commit and load; prints its path
    harness.py table FILE         prints the file's figures as the Markdown table that
                                  docs/benchmarks.md shows (figure, ceiling, ratio, target)

Each script adds its figures through `_common.record(...)` when CASEFLOW_BENCH_OUT names the
file (`make bench` sets it); run alone, a script only prints.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

from _common import RESULTS_DIR, machine_facts


def start() -> Path:
    facts = machine_facts()
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{stamp}-{facts['commit']}.json"
    path.write_text(json.dumps({"started": stamp, **facts, "rows": []}, indent=2) + "\n")
    return path


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "–"
    shown = f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.2f}"
    return f"{shown} {unit}".strip()


def table(path: Path) -> str:
    data = json.loads(path.read_text())
    lines = [
        f"Run {data['started']}, caseflow at {data['commit']}"
        f"{' (dirty)' if data['dirty'] else ''}, "
        f"{data['machine']}; load average before: {data['load']}.",
        "",
        "| path | caseflow | ceiling (same run) | ratio | target | met |",
        "|---|---:|---|---:|---|---|",
    ]
    for row in data["rows"]:
        ceiling = f"{row['ceiling_label']}: {_number(row['ceiling'], row['unit'])}"
        ratio = "–" if row["ratio"] is None else f"{row['ratio']:.2f}"
        met = {True: "yes", False: "**no**", None: "–"}[row["met"]]
        lines.append(f"| {row['path']} | {_number(row['value'], row['unit'])} | {ceiling} | "
                     f"{ratio} | {row['target']} | {met} |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    if sys.argv[1:2] == ["start"]:
        print(start())
    elif sys.argv[1:2] == ["table"] and len(sys.argv) == 3:
        print(table(Path(sys.argv[2])))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
