"""Where the data folders are: a checkout's top-level folders, else the copies in the wheel.

`workflows/`, `memos/`, `notifications/`, `alembic/` and `records/` live at the top. The
wheel carries copies under `caseflow/_data/` (see `[tool.hatch.build.targets.wheel.force-include]`
in pyproject.toml), so an installed caseflow runs `db upgrade` and renders memos without a
checkout. Pure: only paths, no I/O beyond checking that a file exists.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
#: The folders the wheel carries (pyproject.toml's force-include lists the same).
DATA_FOLDERS = ("workflows", "memos", "notifications", "alembic", "records")


def data_dir(name: str, *, package_dir: Path = PACKAGE_DIR) -> Path:
    """The folder `name`: `<checkout>/name` when the package sits in a checkout (next to
    pyproject.toml), else the packaged copy `caseflow/_data/name`."""
    if name not in DATA_FOLDERS:
        raise ValueError(f"unknown data folder {name!r}")
    root = package_dir.parent
    if (root / "pyproject.toml").is_file() and (root / name).is_dir():
        return root / name
    return package_dir / "_data" / name
