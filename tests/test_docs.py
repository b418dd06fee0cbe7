"""The README documents every CLI command and every setting (datasette's test_docs idea)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer.main

from caseflow.cli.app import app, register_commands
from caseflow.settings import PROJECT_ROOT, Settings

register_commands()
README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def command_paths(group: Any, prefix: str = "caseflow") -> Iterator[str]:
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        if hasattr(command, "commands"):
            yield from command_paths(command, path)
        else:
            yield path


def test_every_cli_command_is_in_the_readme() -> None:
    paths = list(command_paths(typer.main.get_command(app)))
    assert "caseflow case fire" in paths
    missing = [p for p in paths if f"`{p}" not in README]
    assert not missing, f"README lacks: {missing}"


def test_every_setting_is_in_the_readme() -> None:
    for name in Settings.model_fields:
        assert f"CASEFLOW_{name.upper()}" in README, name


def test_readme_opens_with_the_two_commands() -> None:
    head = README[:1500]
    assert "make demo" in head and "make test" in head


def test_workflow_diagram_in_docs_is_current() -> None:
    from caseflow.workflow.registry import load_registry

    diagram = load_registry(PROJECT_ROOT / "workflows").get("regional_project").diagram()
    assert diagram in (PROJECT_ROOT / "docs" / "workflow.md").read_text(encoding="utf-8")
