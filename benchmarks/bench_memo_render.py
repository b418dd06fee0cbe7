"""Milliseconds per memo for the Markdown → html and Markdown → docx converters alone.

The memo is tests/fixtures/memo_example.md (seed 003, RUN/479/2024, with one officer warning
as an HTML comment); the docx is built on memos/templates/memo.docx. Each converter runs
`--renders` times after one warm-up call (imports, the cached template bytes); every call is
timed on its own with the perf counter. Filling the Jinja2 template is not included (see
bench_memo.py for the whole chain from case data).

Run: .venv/bin/python benchmarks/bench_memo_render.py [--renders 1000]
Targets: html p95 ≤ 5 ms, docx p95 ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from _common import git_line, load_line, machine_line

from caseflow.memo_render import DEFAULT_TEMPLATE, markdown_to_docx, markdown_to_html
from caseflow.settings import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / "tests" / "fixtures" / "memo_example.md"
TITLE = "Delegationsbeslut RUN/479/2024"
TARGETS_MS: dict[str, float] = {"html": 5.0, "docx": 150.0}


def timed(render: Callable[[], object], count: int) -> list[float]:
    """Seconds taken by each of `count` calls."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        render()
        times.append(time.perf_counter() - start)
    return times


def p50_p95_ms(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered) * 1000, ordered[int(0.95 * (len(ordered) - 1))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=1000, help="renders per format")
    args = parser.parse_args()
    markdown = EXAMPLE.read_text(encoding="utf-8")
    renders: dict[str, Callable[[], str | bytes]] = {
        "html": lambda: markdown_to_html(markdown, title=TITLE),
        "docx": lambda: markdown_to_docx(markdown, template=DEFAULT_TEMPLATE, title=TITLE),
    }

    print("bench_memo_render: memo Markdown to html and docx (converters only)")
    print(f"  {machine_line()}")
    print(f"  {git_line()}; {load_line()}")
    print(f"  memo {EXAMPLE.name}: {len(markdown):,} characters; {args.renders:,} renders each")
    for name, render in renders.items():
        size = len(render())  # also the warm-up call
        times = timed(render, args.renders)
        p50, p95 = p50_p95_ms(times)
        target = TARGETS_MS[name]
        print(f"  {name:<5} p50 {p50:7.2f} ms   p95 {p95:7.2f} ms   total {sum(times):6.2f} s   "
              f"{size / 1024:6.1f} KiB   target p95 <= {target:.0f} ms   "
              f"{'MET' if p95 <= target else 'MISSED'}")  # fmt: skip
    print(f"  after the run: {load_line()}")


if __name__ == "__main__":
    main()
