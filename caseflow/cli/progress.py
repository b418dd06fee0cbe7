"""A progress bar (rich) for the long imports, drawn only on a terminal.

Nothing is drawn when standard error or standard output is not a terminal (a pipe, a file, a
test), nor in `--json` mode: the output then holds exactly the results.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def on_terminal() -> bool:
    return sys.stderr.isatty() and sys.stdout.isatty()


@contextmanager
def progress_bar(
    label: str, *, total: float | None, shown: bool = True
) -> Iterator[Callable[[float, int], None]]:
    """Yield `advance(completed, cases)`: the bar's position (of `total`) and the cases done.

    `shown=False` (`--json`) or no terminal: the callback does nothing.
    """
    if not shown or not on_terminal():
        yield lambda completed, cases: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
        TextColumn("{task.fields[cases]} ärenden"), TimeElapsedColumn(),
    )  # fmt: skip
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total, cases=0)

        def advance(completed: float, cases: int) -> None:
            bar.update(task, completed=completed, cases=f"{cases:,}".replace(",", "\u00a0"))

        yield advance
