"""Configuration read once: memos/board.yaml and the workflows are validated on first use and
again only when their files change (issue 15, item 3)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from caseflow.errors import InputError, WorkflowSpecError
from caseflow.memo.compose import MEMOS_DIR, cached_board
from caseflow.settings import PROJECT_ROOT
from caseflow.workflow.registry import cached_registry


def _touch_later(path: Path) -> None:
    """Give the file a modification time one second later (file systems with coarse times)."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


def test_board_is_validated_once_and_again_when_the_file_changes(tmp_path: Path) -> None:
    memos = tmp_path / "memos"
    shutil.copytree(MEMOS_DIR, memos)
    board = memos / "board.yaml"
    first = cached_board(board)
    assert cached_board(board) is first  # the same object: not read again
    text = board.read_text("utf-8")
    board.write_text(text.replace(f"board_name: {first.board_name}", "board_name: Nya nämnden"),
                     "utf-8")  # fmt: skip
    _touch_later(board)
    changed = cached_board(board)
    assert changed is not first
    assert changed.board_name == "Nya nämnden"


def test_a_broken_board_file_is_an_error_every_time_until_fixed(tmp_path: Path) -> None:
    memos = tmp_path / "memos"
    shutil.copytree(MEMOS_DIR, memos)
    board = memos / "board.yaml"
    good = board.read_text("utf-8")
    board.write_text(good + "\nokänd_nyckel: 1\n", "utf-8")
    for _ in range(2):
        with pytest.raises(InputError, match=r"board\.yaml:\d+"):
            cached_board(board)
    board.write_text(good, "utf-8")
    _touch_later(board)
    assert cached_board(board).kinds


def test_a_removed_template_is_noticed(tmp_path: Path) -> None:
    memos = tmp_path / "memos"
    shutil.copytree(MEMOS_DIR, memos)
    board = cached_board(memos / "board.yaml")
    template = next(iter(board.kinds.values())).template
    (memos / "templates" / template).unlink()
    folder = memos / "templates"
    _touch_later(folder)
    with pytest.raises(InputError, match="mallen finns inte"):
        cached_board(memos / "board.yaml")


def test_workflows_are_compiled_once_and_again_when_a_file_changes(tmp_path: Path) -> None:
    folder = tmp_path / "workflows"
    shutil.copytree(PROJECT_ROOT / "workflows", folder)
    first = cached_registry(folder)
    assert cached_registry(folder) is first
    yaml = folder / "regional_project.yaml"
    yaml.write_text(yaml.read_text("utf-8") + "\n# en kommentar\n", "utf-8")
    _touch_later(yaml)
    assert cached_registry(folder) is not first
    yaml.write_text(yaml.read_text("utf-8") + "okänd_nyckel: 1\n", "utf-8")
    _touch_later(yaml)
    with pytest.raises(WorkflowSpecError, match="regional_project.yaml"):
        cached_registry(folder)


def test_the_web_app_picks_up_a_changed_workflow_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from caseflow.records.context import build_records
    from caseflow.settings import Settings
    from caseflow.store.db import Database
    from caseflow.web.context import WebContext

    folder = tmp_path / "workflows"
    shutil.copytree(PROJECT_ROOT / "workflows", folder)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", workflows_dir=folder)
    db = Database(settings.database_url)
    context = WebContext(settings=settings, db=db, fixed_workflows=None,
                         records=build_records(settings))  # fmt: skip
    clock = [1000.0]
    monkeypatch.setattr("caseflow.clock.time.monotonic", lambda: clock[0])
    first = context.workflows
    assert context.workflows is first
    yaml = folder / "regional_project.yaml"
    yaml.write_text(yaml.read_text("utf-8") + "\n# ändrad\n", "utf-8")
    _touch_later(yaml)
    assert context.workflows is first  # the folder is looked at most once a second
    clock[0] += 1.5
    assert context.workflows is not first
    db.dispose()


def test_records_configuration_follows_its_files(tmp_path: Path) -> None:
    """Each process reads `records/*.yaml` again when a file changes: nothing to restart."""
    from caseflow.records.config import RecordsConfigError
    from caseflow.records.context import build_records
    from caseflow.settings import Settings

    folder = tmp_path / "records"
    shutil.copytree(PROJECT_ROOT / "records", folder)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", records_dir=folder)
    records = build_records(settings)
    first = records.types
    assert records.types is first and "utredning" not in first.codes
    yaml = folder / "document_types.yaml"
    original = yaml.read_text("utf-8")
    yaml.write_text(original.replace("types:\n", "types:\n  - code: utredning\n"
                                     "    label: Utredning\n", 1), "utf-8")  # fmt: skip
    _touch_later(yaml)
    assert "utredning" in records.types.codes
    yaml.write_text(original.replace("version: 1", "version: noll"), "utf-8")
    _touch_later(yaml)
    with pytest.raises(RecordsConfigError, match="document_types.yaml"):
        _ = records.types
    yaml.write_text(original, "utf-8")
    _touch_later(yaml)
    assert records.types.codes == first.codes


def test_the_web_app_looks_at_board_and_records_files_at_most_once_a_second(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page asks for the board configuration and the secrecy rules several times; the web app
    looks at their files at most once a second and then follows an edit."""
    from caseflow.records.context import build_records
    from caseflow.settings import Settings
    from caseflow.store.db import Database
    from caseflow.web.context import WebContext

    memos = tmp_path / "memos"
    shutil.copytree(MEMOS_DIR, memos)
    records_dir = tmp_path / "records"
    shutil.copytree(PROJECT_ROOT / "records", records_dir)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'x.db'}", memos_dir=memos,
                        records_dir=records_dir)  # fmt: skip
    db = Database(settings.database_url)
    context = WebContext(settings=settings, db=db, fixed_workflows=None,
                         records=build_records(settings, recheck_every=1.0))  # fmt: skip
    clock = [1000.0]
    monkeypatch.setattr("caseflow.clock.time.monotonic", lambda: clock[0])
    board, types = context.board(), context.records.types
    assert "utredning" not in types.codes
    board_file = memos / "board.yaml"
    board_file.write_text(board_file.read_text("utf-8") + "\n# ändrad\n", "utf-8")
    _touch_later(board_file)
    types_file = records_dir / "document_types.yaml"
    types_file.write_text(types_file.read_text("utf-8").replace(
        "types:\n", "types:\n  - code: utredning\n    label: Utredning\n", 1), "utf-8")  # fmt: skip
    _touch_later(types_file)
    assert context.board() is board  # within the second: not looked at
    assert context.records.types is types
    clock[0] += 1.5
    assert context.board() is not board
    assert "utredning" in context.records.types.codes
    db.dispose()
