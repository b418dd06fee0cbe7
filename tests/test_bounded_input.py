"""Bounded input (#16.8, #16.9): YAML alias bombs, deep nesting in YAML and JSON, impossible
unquoted dates, and endless or giant files end in one `fel:` line naming the file, quickly and
in little memory, for every YAML the product reads (workflows, memos/board.yaml, meeting plans,
results forms) and the JSON and text files it imports."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from caseflow.errors import CaseflowError
from caseflow.memo.compose.config import load_board
from caseflow.results.form import parse_form
from caseflow.settings import PROJECT_ROOT
from caseflow.workflow.spec import parse_spec
from caseflow.workflow.yamlpos import MAX_DEPTH, MAX_NODES, YamlSyntaxError, load_located
from tests.conftest import Run

#: A "billion laughs": 9 levels of 10 aliases each, 10**9 values once expanded, 700 bytes.
BOMB = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(8)
)
DEEP_YAML = "[" * 5000 + "]" * 5000
DEEP_JSON = "[" * 200_000 + "]" * 200_000


def quickly(call: object) -> float:
    start = time.monotonic()
    assert callable(call)
    call()
    return time.monotonic() - start


def test_the_loader_refuses_bombs_and_depth_with_a_line() -> None:
    assert len(BOMB) < 1024
    with pytest.raises(YamlSyntaxError, match=f"högst {MAX_NODES}") as err:
        load_located(BOMB)
    assert err.value.line is not None
    with pytest.raises(YamlSyntaxError, match=f"högst {MAX_DEPTH} nivåer"):
        load_located(DEEP_YAML)
    with pytest.raises(YamlSyntaxError, match="pekar på sig självt"):
        load_located("a: &a [1, *a]")
    with pytest.raises(YamlSyntaxError, match="ogiltigt datum '2027-02-30'") as err:
        load_located("meetings:\n  - 2027-01-13\n  - 2027-02-30\n")
    assert err.value.line == 3
    # aliases within the bounds still work, as YAML says
    assert load_located("a: &a [1, 2]\nb: *a\n").data == {"a": [1, 2], "b": [1, 2]}


def test_the_loader_refuses_a_text_too_long() -> None:
    with pytest.raises(YamlSyntaxError, match="för stor"):
        load_located("a: " + "x" * 1_000_001)


@pytest.mark.parametrize("text", [BOMB, DEEP_YAML], ids=["bomb", "deep"])
def test_workflow_board_and_form_files_name_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    for load in (
        lambda: parse_spec(text, source=path, known_guards=()),
        lambda: load_board(path),
        lambda: parse_form(text, source=path),
    ):
        with pytest.raises(CaseflowError, match=f"^{path}:[0-9]+: ") as err:
            assert quickly(load) < 5
        assert len(str(err.value)) < 300


@pytest.mark.parametrize(
    ("text", "message"),
    [(BOMB, f"högst {MAX_NODES}"), (DEEP_YAML, "för djup nästling"),
     ("- 2027-01-13\n- 2027-02-30\n", ":2: ogiltig YAML: ogiltigt datum '2027-02-30'")],
    ids=["bomb", "deep", "impossible-date"],
)  # fmt: skip
def test_meetings_import_refuses_in_one_line(
    cli: Run, tmp_path: Path, text: str, message: str
) -> None:
    plan = tmp_path / "plan.yaml"
    plan.write_text(text, encoding="utf-8")
    code, _, err = cli("meetings", "import", str(plan))
    assert code == 1 and err.startswith(f"fel: {plan}") and message in err, err
    assert len(err) < 300
    assert cli("meetings", "list")[1].strip() in ("", "inga sammanträden")


def test_workflow_check_refuses_a_bomb(cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bomb.yaml"
    bad.write_text(BOMB, encoding="utf-8")
    code, _, err = cli("workflow", "check", str(bad))
    assert code == 1 and str(bad) in err and f"högst {MAX_NODES}" in err, err
    assert "Traceback" not in err


def test_deeply_nested_json_is_refused(cli: Run, tmp_path: Path) -> None:
    path = tmp_path / "cases.json"
    path.write_text(DEEP_JSON, encoding="utf-8")
    code, _, err = cli("cases", "import", str(path))
    assert code == 1 and err == f"fel: {path}: ogiltig JSON: för djup nästling\n", err


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero on this system")
@pytest.mark.parametrize(
    "args",
    [("memo", "background", "RUN/1/2025", "/dev/zero"), ("cases", "import", "/dev/zero"),
     ("meetings", "import", "/dev/zero.yaml"), ("portfolio", "import", "/dev/zero.txt")],
)  # fmt: skip
def test_an_endless_input_file_is_refused(cli: Run, tmp_path: Path, args: tuple[str, ...]) -> None:
    name = args[-1]
    if name != "/dev/zero":  # the importers choose by suffix: a link with one to the device
        link = tmp_path / Path(name).name
        link.symlink_to("/dev/zero")
        args = (*args[:-1], str(link))
    start = time.monotonic()
    code, _, err = cli(*args)
    assert code == 1 and "filen är för stor" in err and err.startswith("fel: "), err
    assert time.monotonic() - start < 20


def test_the_packaged_yaml_files_are_within_the_bounds() -> None:
    for path in [*PROJECT_ROOT.glob("workflows/*.yaml"), PROJECT_ROOT / "memos" / "board.yaml",
                 *PROJECT_ROOT.glob("caseflow/results/forms/*.yaml")]:  # fmt: skip
        load_located(path.read_text(encoding="utf-8"))
