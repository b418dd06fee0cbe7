"""The README documents every CLI command and every setting (datasette's test_docs idea)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import typer.main

from caseflow.cli.app import app
from caseflow.cli.main import register_commands
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


def _section(title: str) -> str:
    start = README.index(f"\n## {title}\n")
    return README[start : README.index("\n## ", start + 1)]


def test_readme_lists_the_case_json_keys_in_order() -> None:
    from caseflow.domain.casedoc import FunderDoc
    from caseflow.domain.casefields import CASE_KEYS

    text = _section("The case JSON")
    keys_text = text[text.index("Keys, in this order:") : text.index("Funder codes:")]
    # The key names are the backticked words outside parentheses; inside are their values.
    keys = re.findall(r"`([a-z_]+)`", re.sub(r"\([^()]*\)", "", keys_text))
    missing, extra = set(CASE_KEYS) - set(keys), set(keys) - set(CASE_KEYS)
    assert not missing and not extra, f"README lacks {missing}, has unknown {extra}"
    assert keys == list(CASE_KEYS), f"README's order: {keys}"
    funder_keys = re.search(r"`\{([a-z_, ]+)\}`", keys_text)
    assert funder_keys and funder_keys.group(1).split(", ") == list(FunderDoc.model_fields)


def test_readme_lists_the_funder_codes() -> None:
    from caseflow.domain.funders import FUNDERS

    text = _section("The case JSON")
    codes = re.findall(r"`([a-z0-9_]+)`", text[text.index("Funder codes:") :])
    assert codes == list(FUNDERS)


def _documented_operations() -> dict[tuple[str, str], set[str]]:
    """(METHOD, path) → documented query parameters, from the README's API table."""
    case = "{prefix}/{serial}/{year}"
    found: dict[tuple[str, str], set[str]] = {}
    for line in _section("The JSON API").splitlines():
        if not line.startswith("| `"):
            continue
        methods: list[str] = []
        for chunk in re.findall(r"`([^`]+)`", line.split(" | ")[0]):
            method, _, path = chunk.partition(" ")
            methods.append(method)
            if not path:  # `GET`, `PATCH /cases/…`: the methods share the next path
                continue
            path, _, query = path.partition("?")
            path = re.sub(r"/cases/…", "/cases/" + case, path)
            params = {p.split("=")[0] for p in query.split("&") if p}
            for m in methods:
                found[(m, "/api/v1" + path)] = params
            methods = []
    return found


def test_readme_api_table_matches_the_routes() -> None:
    from fastapi import FastAPI

    from caseflow.web.api.router import router

    app = FastAPI()
    app.include_router(router)
    actual: dict[tuple[str, str], set[str]] = {}
    for path, item in app.openapi()["paths"].items():
        for method, op in item.items():
            params = {p["name"] for p in op.get("parameters", []) if p["in"] == "query"}
            actual[(method.upper(), path)] = params
    documented = _documented_operations()
    assert not set(actual) - set(documented), f"README lacks {set(actual) - set(documented)}"
    assert not set(documented) - set(actual), f"no such route: {set(documented) - set(actual)}"
    for operation, params in documented.items():
        if params:  # only the table's `?…` lists are checked; the others name no parameters
            assert params == actual[operation], operation
