"""The cyclic garbage collector's settings for a server process, applied once after the app is
built (`caseflow serve` with one process; `app.app_from_environment` in each of several).

A built server holds ~200,000 container objects that live as long as the process (modules,
SQLAlchemy's tables and compiled statements, FastAPI's routes and pydantic models, templates).
Every object is tracked by the collector, and a full (generation 2) pass walks them all: ~100 ms
on the 2-vCPU test machine, twenty times a list page's median, taken by whichever request
happens to allocate when it comes due. Requests themselves make few cycles: their objects are
freed by reference counting.

- `gc.freeze()` moves everything alive at start-up to the permanent generation, which no pass
  walks: a full pass then costs what the objects made since start-up cost (well under 1 ms).
- A young-generation threshold of 10,000 instead of 700: a page allocates and frees a few
  thousand containers, so at 700 a pass ran every other list page (and each tenth pass was a
  generation-1 pass, each tenth of those a full one); at 10,000 a pass comes when that many
  objects were allocated and not freed, i.e. when there may be cyclic garbage to find.

Tests build many apps in one process and do not apply this (frozen objects are never
collected). See docs/architecture.md and docs/benchmarks.md.
"""

from __future__ import annotations

import gc

#: Allocations (net of deallocations) of container objects between young-generation passes.
YOUNG_THRESHOLD = 10_000


def apply_server_policy() -> None:
    """Collect once, freeze what is alive, and raise the young generation's threshold."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
