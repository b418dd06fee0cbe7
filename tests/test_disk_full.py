"""A full disk and a read-only filesystem (#16.9): one Swedish `fel:` line, nothing changed, no
traceback; `serve`'s start-up statistics do not stop it. A real tmpfs of 2 MB is mounted (root,
as CI runs; elsewhere the tests skip saying why)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from caseflow.store.db import Database
from tests.conftest import Run, cli_runner


def _mount(path: Path, *options: str) -> bool:
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", ",".join(("size=2m", *options)),
                           "tmpfs", str(path)], capture_output=True, check=False)  # fmt: skip
    return done.returncode == 0


@pytest.fixture
def small_disk(tmp_path: Path, sqlite_template: Path) -> Iterator[Path]:
    """A 2 MB filesystem holding a migrated caseflow.db."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None or not _mount(mount):
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    try:
        shutil.copy(sqlite_template, mount / "caseflow.db")
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(mount: Path) -> None:
    with (mount / "filler").open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass


def _clean(code: int, err: str) -> None:
    assert code == 1 and err.startswith("fel: ") and err.count("\n") == 1, err
    assert "Traceback" not in err and "error" not in err.lower(), err


def test_a_full_disk_is_one_swedish_line(
    small_disk: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli: Run = cli_runner(f"sqlite:///{small_disk / 'caseflow.db'}", capsys)
    assert cli("case", "new", "RUN/1/2025", "--title", "Före")[0] == 0
    _fill(small_disk)
    code, _, err = cli("case", "new", "RUN/2/2025", "--title", "Efter")
    _clean(code, err)
    assert "disken är full" in err
    code, _, err = cli("cases", "export", "--format", "json", "-o", str(small_disk / "x.json"))
    _clean(code, err)
    assert "disken är full" in err
    # statistics are skipped, not fatal: `serve` still starts on a full disk
    Database(f"sqlite:///{small_disk / 'caseflow.db'}").optimize()
    (small_disk / "filler").unlink()
    code, out, _ = cli("case", "list")
    assert code == 0 and "RUN/1/2025" in out and "RUN/2/2025" not in out


def test_a_read_only_filesystem_is_one_swedish_line(
    small_disk: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    cli: Run = cli_runner(f"sqlite:///{small_disk / 'caseflow.db'}", capsys)
    assert cli("case", "new", "RUN/1/2025", "--title", "Före")[0] == 0
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    for args in (("case", "new", "RUN/2/2025", "--title", "Efter"), ("case", "list"),
                 ("db", "backup", str(tmp_path / "kopia.db"))):  # fmt: skip
        code, _, err = cli(*args)
        _clean(code, err)
        assert "skrivskydd" in err or "är filsystemet skrivbart" in err, err
