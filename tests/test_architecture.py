"""Pure modules import no I/O library; modules stay small."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "caseflow"
PURE = [
    "spec", "registry", "machine", "guards", "casedoc", "dnr", "funders", "roles", "yamlpos",
    "clock", "textformat", "errors", "amounts", "workdays", "calendar_ics", "deadlines", "report",
    "memo", "permissions",
]  # fmt: skip
IO_LIBRARIES = {
    "sqlmodel",
    "sqlalchemy",
    "alembic",
    "aiosmtplib",
    "apscheduler",
    "fastapi",
    "psycopg",
}


def runtime_imports(path: Path) -> set[str]:
    """Top-level packages imported outside `if TYPE_CHECKING:` blocks."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING":
            node.body = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
            if node.module.split(".")[0] == "caseflow":
                found.add(node.module)
    return found


@pytest.mark.parametrize("name", PURE)
def test_pure_module_imports_no_io_library(name: str) -> None:
    imports = runtime_imports(PACKAGE / f"{name}.py")
    assert not imports & IO_LIBRARIES, f"caseflow/{name}.py imports {imports & IO_LIBRARIES}"
    impure = {f"caseflow.{m}" for m in ("models", "db", "repo", "engine", "cli")}
    assert not imports & impure, f"caseflow/{name}.py imports {imports & impure}"


def test_modules_stay_small() -> None:
    for path in PACKAGE.rglob("*.py"):
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 500, f"{path.name} has {lines} lines; split it"
