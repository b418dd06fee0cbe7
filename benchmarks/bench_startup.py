"""Seconds from start to exit of the command line: `caseflow --help`, `caseflow case --help`
and `python -c "import caseflow"`, each run `--runs` times in a fresh process; the median is
reported (the minimum too, as the machine's load shifts the median).

Run: .venv/bin/python benchmarks/bench_startup.py [--runs 15]
Target: `caseflow --help` < 0.5 s.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _common import git_line, load_line, machine_line

BIN = Path(sys.executable).parent
COMMANDS = {
    "caseflow --help": [str(BIN / "caseflow"), "--help"],
    "caseflow case --help": [str(BIN / "caseflow"), "case", "--help"],
    'python -c "import caseflow"': [sys.executable, "-c", "import caseflow"],
    'python -c "pass" (the interpreter alone)': [sys.executable, "-c", "pass"],
}


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(machine_line())
    print(load_line())
    print(git_line())
    for label, argv in COMMANDS.items():
        timed(argv)  # warm the file cache and the bytecode
        times = [timed(argv) for _ in range(args.runs)]
        print(
            f"{label:<45} median {statistics.median(times):.3f} s  "
            f"min {min(times):.3f} s  ({args.runs} runs)"
        )


if __name__ == "__main__":
    main()
