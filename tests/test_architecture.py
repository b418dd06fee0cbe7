"""The package's shape: layers by import (followed transitively), a pinned API, small modules.

Layers, innermost first; a module may import its own layer and those before it, never after:

    pure      caseflow (root), errors, clock, settings, domain/, workflow/, the pure parts of
              memo/ and portfolio/, meetings/ics, mail/mailer — no database, mail, web or
              scheduler library, ever, not even through another module
    store     store/ — the database adapter (SQLModel tables, Database, repository queries),
              and records/models (the records tables)
    service   cases/, meetings/, reminders/, memo/service|store, portfolio/service|files|snapshots,
              mail/outbox|delivery — use cases over the store, returning data
    adapter   mail/smtp, memo/pdf — talks to the outside world and imports only pure modules: it
              implements mail/mailer's protocol, and entry points pass it to mail/delivery
    entry     cli/, web/, worker — parse, call services, present; web never imports cli
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "caseflow"

IO_LIBRARIES = {
    "sqlmodel", "sqlalchemy", "alembic", "aiosmtplib", "apscheduler", "fastapi", "starlette",
    "uvicorn", "psycopg", "typer", "argon2",
}  # fmt: skip

PURE_PREFIXES = (
    "caseflow.errors", "caseflow.clock", "caseflow.settings", "caseflow.resources",
    "caseflow.domain", "caseflow.workflow", "caseflow.memo.compose", "caseflow.memo.render",
    "caseflow.memo.docx", "caseflow.memo.beslut",
    "caseflow.portfolio.report", "caseflow.portfolio.sheet", "caseflow.portfolio.text",
    "caseflow.portfolio.render", "caseflow.meetings.ics", "caseflow.mail.mailer",
    "caseflow.results.form", "caseflow.results.count", "caseflow.results.ocr_repair",
    "caseflow.results.defaults",
    "caseflow.results.ocr_import", "caseflow.results.national", "caseflow.results.national_export",
    "caseflow.records.config", "caseflow.records.vocabulary", "caseflow.records.filetype",
    "caseflow.archive.model", "caseflow.archive.xmlutil", "caseflow.archive.erms",
    "caseflow.archive.premis", "caseflow.archive.mets", "caseflow.archive.package",
    "caseflow.archive.reader", "caseflow.retention.plan",
)  # fmt: skip
STORE_PREFIXES = (
    "caseflow.store", "caseflow.records.models", "caseflow.retention.models",
    "caseflow.results.national_models",
)  # fmt: skip
ENTRY_PREFIXES = ("caseflow.cli", "caseflow.web", "caseflow.worker", "caseflow.__main__")
ADAPTER_PREFIXES = ("caseflow.mail.smtp", "caseflow.memo.pdf")


def _under(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def layer(module: str) -> str:
    if module == "caseflow" or _under(module, PURE_PREFIXES) or _empty_package(module):
        return "pure"
    if _under(module, STORE_PREFIXES):
        return "store"
    if _under(module, ENTRY_PREFIXES):
        return "entry"
    if _under(module, ADAPTER_PREFIXES):
        return "adapter"
    return "service"


def all_modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


MODULES = all_modules()


def _empty_package(module: str) -> bool:
    """A package's `__init__.py` that imports nothing of caseflow's belongs to no layer."""
    path = MODULES[module]
    return path.name == "__init__.py" and not any(
        n.startswith("caseflow") for n in direct_imports(module)
    )


@cache
def direct_imports(module: str) -> frozenset[str]:
    """Modules (caseflow's, or third-party top-level names) that `module` imports at run time.

    Imports inside functions count (they run sooner or later); imports under `if TYPE_CHECKING:`
    do not. Importing `a.b.c` also runs `a/__init__.py` and `a/b/__init__.py`.
    """
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                names.add(sub if sub in MODULES else node.module)
    found: set[str] = set()
    for name in names:
        if not name.startswith("caseflow"):
            found.add(name.split(".")[0])
            continue
        parts = name.split(".")
        found |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    found.discard(module)
    if module == "caseflow":  # the root's lazy exports are loaded on attribute access only
        found = {n for n in found if not n.startswith("caseflow.")}
    return frozenset(found)


@cache
def reachable(module: str) -> frozenset[str]:
    seen: set[str] = set()
    todo = [module]
    while todo:
        for name in direct_imports(todo.pop()):
            if name not in seen:
                seen.add(name)
                if name in MODULES:
                    todo.append(name)
    seen.discard(module)
    return frozenset(seen)


def _path(start: str, goal: str) -> str:
    """One import chain from start to goal, for the failure message."""
    previous: dict[str, str] = {}
    todo = [start]
    while todo:
        here = todo.pop(0)
        for name in sorted(direct_imports(here)):
            if name not in previous and name != start:
                previous[name] = here
                if name == goal:
                    chain = [goal]
                    while chain[-1] != start:
                        chain.append(previous[chain[-1]])
                    return " → ".join(reversed(chain))
                if name in MODULES:
                    todo.append(name)
    return goal


ALLOWED = {
    "pure": {"pure"},
    "store": {"pure", "store"},
    "service": {"pure", "store", "service"},
    "adapter": {"pure", "adapter"},
    "entry": {"pure", "store", "service", "adapter", "entry"},
}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_module_respects_the_layers(module: str) -> None:
    here = layer(module)
    for name in sorted(reachable(module)):
        if name in MODULES:
            assert layer(name) in ALLOWED[here], (
                f"{module} ({here}) reaches {name} ({layer(name)}): {_path(module, name)}"
            )
        elif here == "pure":
            assert name not in IO_LIBRARIES, (
                f"{module} (pure) reaches {name}: {_path(module, name)}"
            )


@pytest.mark.parametrize("module", sorted(m for m in MODULES if layer(m) != "entry"))
def test_nothing_below_the_entry_points_imports_them(module: str) -> None:
    assert not any(layer(n) == "entry" for n in reachable(module) if n in MODULES)


def test_no_import_cycles() -> None:
    """No two modules reach each other (the edge from a module to its own parent packages, which
    Python runs first anyway, is left out: a package may load its submodules lazily)."""
    graph = {
        m: {n for n in direct_imports(m) if n in MODULES and not m.startswith(n + ".")}
        for m in MODULES
    }

    def reach(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for n in graph[todo.pop()] - seen:
                seen.add(n)
                todo.append(n)
        return seen

    cycles = sorted({tuple(sorted((m, n))) for m in graph for n in graph[m] if m in reach(n)})
    assert not cycles, f"import cycles: {cycles}"


def test_web_never_imports_the_cli() -> None:
    for module in MODULES:
        if module.startswith("caseflow.web"):
            bad = {n for n in reachable(module) if n.startswith("caseflow.cli")}
            assert not bad, f"{module} reaches {bad}"


def test_the_layer_test_sees_indirect_imports() -> None:
    """A pure module that reaches the database only through another module is caught."""
    assert "sqlalchemy" not in direct_imports("caseflow.domain.permissions")
    assert "caseflow.store.db" in reachable("caseflow.cases.engine")
    assert "sqlalchemy" in reachable("caseflow.cases.people")
    assert "sqlalchemy" not in direct_imports("caseflow.cases.people")


def test_public_api_is_pinned() -> None:
    import caseflow

    assert set(caseflow.__all__) == {*caseflow._EXPORTS, "__version__"}
    assert caseflow.__all__ == [
        "__version__", "CaseflowError", "Clock", "ConflictError", "Database", "DuplicateError",
        "GuardFailedError", "InputError", "NotFoundError", "PermissionDeniedError", "Settings",
        "SystemClock", "TransitionError", "TransitionResult", "WorkflowRegistry",
        "WorkflowSpecError", "create_app", "create_case", "edit_case", "fire", "import_cases",
        "load_registry", "load_settings", "possible_moves", "set_funder",
    ]  # fmt: skip
    for name in caseflow.__all__:
        assert getattr(caseflow, name) is not None, name
    with pytest.raises(AttributeError):
        caseflow.no_such_name  # noqa: B018


def test_modules_stay_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 500, f"{path.name} has {lines} lines; split it"
