"""A bound on the work a memo template or sentence may do (#16.11).

Jinja's sandbox stops unsafe access, not work: two nested loops over `range(100000)` would run
for hours. `render_bounded` renders with a budget: the lines the template's own compiled code
executes (counted by a trace function installed for the render only, on frames of that
environment's templates; any tracer already installed, such as coverage, keeps seeing the
rest) and the characters it produces. Past either, the render stops with TemplateTooCostly.
"""

from __future__ import annotations

import sys
from types import FrameType
from typing import Any

import jinja2

#: Lines of template code one render may execute (a real memo needs a few thousand).
MAX_STEPS = 1_000_000
#: Characters one render may produce.
MAX_OUTPUT = 1_000_000

Tracer = Any  # sys.settrace's callable (typeshed's TraceFunction)


class TemplateTooCostly(Exception):
    """The template did more work, or wrote more text, than a memo may."""


def render_bounded(
    template: jinja2.Template, context: dict[str, Any], *, max_steps: int = MAX_STEPS,
    max_output: int = MAX_OUTPUT,
) -> str:  # fmt: skip
    """`template.render(context)`, stopped with TemplateTooCostly past the budget."""
    env = template.environment
    steps = 0
    before: Tracer = sys.gettrace()

    def in_template(frame: FrameType, event: str, arg: Any) -> Tracer:
        nonlocal steps
        if event == "line":
            steps += 1
            if steps > max_steps:
                raise TemplateTooCostly(f"mallen gör för mycket arbete (mer än {max_steps} steg)")
        return in_template

    def tracer(frame: FrameType, event: str, arg: Any) -> Tracer:
        if frame.f_globals.get("environment") is env:
            return in_template
        return before(frame, event, arg) if before is not None else None

    parts: list[str] = []
    size = 0
    sys.settrace(tracer)
    try:
        for part in template.generate(context):
            size += len(part)
            if size > max_output:
                raise TemplateTooCostly(
                    f"mallen skriver för mycket text (mer än {max_output} tecken)"
                )
            parts.append(part)
    finally:
        sys.settrace(before)
    return "".join(parts)
