"""caseflow/resources.py: the checkout's data folders, else the packaged copies."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseflow.resources import DATA_FOLDERS, data_dir
from caseflow.settings import PROJECT_ROOT, Settings


def test_a_checkout_uses_its_top_level_folders() -> None:
    for name in DATA_FOLDERS:
        assert data_dir(name) == PROJECT_ROOT / name
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.workflows_dir == PROJECT_ROOT / "workflows"


def test_an_installed_package_uses_its_packaged_copies(tmp_path: Path) -> None:
    package = tmp_path / "site-packages" / "caseflow"
    package.mkdir(parents=True)
    (tmp_path / "site-packages" / "workflows").mkdir()  # a stray folder is not a checkout
    assert data_dir("workflows", package_dir=package) == package / "_data" / "workflows"


def test_unknown_folders_are_refused() -> None:
    with pytest.raises(ValueError):
        data_dir("secrets")
