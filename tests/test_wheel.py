"""The built wheel works without a checkout: migrations, a memo and the web UI from the
packaged data (caseflow/_data/), run from a folder outside the repository."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

from caseflow.resources import DATA_FOLDERS, data_dir
from caseflow.settings import PROJECT_ROOT

pytestmark = pytest.mark.slow

PERSON = ["anna@region.se", "--name", "Anna Andersson", "--role", "handlaggare"]


def _run(*args: str | Path, cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"{args}: {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel, built from this checkout (hatchling from the dev dependencies: offline)."""
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(PROJECT_ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (found,) = out.glob("caseflow-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A fresh venv outside the checkout with only the wheel installed; the dependencies come
    from this venv's site-packages through a .pth line (its editable hook is not run: .pth
    files are processed only in site directories). Returns (bin folder, working folder)."""
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         "--disable-pip-version-check", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )  # fmt: skip
    (site / "caseflow_test_deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    work = root / "work"
    work.mkdir()
    return venv / "bin", work


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEFLOW_")}
    env.pop("PYTHONPATH", None)
    env["CASEFLOW_DATABASE_URL"] = f"sqlite:///{work / 'caseflow.db'}"
    return env


def test_the_wheel_carries_the_data_folders(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in DATA_FOLDERS:
        source = data_dir(folder)
        for path in source.rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                packed = f"caseflow/_data/{folder}/{path.relative_to(source).as_posix()}"
                assert packed in names, packed
    assert not any("__pycache__" in n for n in names)


def test_an_installed_caseflow_runs_without_a_checkout(installed: tuple[Path, Path]) -> None:
    bin_dir, work = installed
    env = _env(work)
    caseflow = bin_dir / "caseflow"
    where = _run(bin_dir / "python", "-c",
                 "import caseflow, caseflow.resources as r; print(caseflow.__file__); "
                 "print(r.data_dir('alembic'))", cwd=work, env=env)  # fmt: skip
    module, alembic_dir = where.splitlines()
    assert Path(module).is_relative_to(bin_dir.parent), module
    assert Path(alembic_dir).is_relative_to(bin_dir.parent), alembic_dir
    assert not Path(module).is_relative_to(PROJECT_ROOT)

    _run(caseflow, "db", "upgrade", cwd=work, env=env)
    _run(caseflow, "person", "add", *PERSON, cwd=work, env=env)
    _run(caseflow, "case", "new", "RUN/1/2025", "--title", "Ett projekt",
         "--handlaggare", "anna@region.se", cwd=work, env=env)  # fmt: skip
    shutil.copy(PROJECT_ROOT / "examples" / "RUN-479-2024.json", work / "case.json")
    _run(caseflow, "cases", "import", "case.json", cwd=work, env=env)
    _run(caseflow, "memo", "render", "RUN/479/2024", "--date", "2024-11-22", "-o", "x.docx",
         cwd=work, env=env)  # fmt: skip
    assert zipfile.is_zipfile(work / "x.docx")
    listed = json.loads(_run(caseflow, "case", "list", "--json", cwd=work, env=env))
    assert {c["diarienummer"] for c in listed} >= {"RUN/1/2025", "RUN/479/2024"}

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [caseflow, "serve", "--port", str(port)], cwd=work, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        status = _wait_for(f"http://127.0.0.1:{port}/login", server)
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert status == 200


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> int:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert server.poll() is None, server.communicate()[1].decode()
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return int(response.status)
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer")
