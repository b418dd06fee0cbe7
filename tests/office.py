"""LibreOffice for the tests: find `soffice` (skip without it, fail when CI requires it) and
convert a document with a profile of the test's own, so parallel runs do not collide."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SUFFIX = {"pdf": ".pdf", "txt:Text": ".txt"}


def soffice() -> str:
    """The LibreOffice program; skips the test where it is missing, unless CI requires it."""
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program is None:  # CI installs it (.ci/run) and sets CASEFLOW_REQUIRE_LIBREOFFICE=1
        if os.environ.get("CASEFLOW_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("LibreOffice is required (CASEFLOW_REQUIRE_LIBREOFFICE=1) but not found")
        pytest.skip("LibreOffice (soffice) is not installed: cannot convert the document here")
    return program


def convert(source: Path, target: str) -> Path:
    """Convert `source` to `target` ("pdf" or "txt:Text") beside it; the converted file."""
    profile = source.parent / ".libreoffice-profile"
    subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{profile}", "--headless",
         "--convert-to", target, "--outdir", str(source.parent), str(source)],
        check=True, capture_output=True, timeout=180,
    )  # fmt: skip
    return source.with_suffix(SUFFIX[target])


def text_of(source: Path) -> str:
    """The document's text as LibreOffice reads it (list numbers written out)."""
    return convert(source, "txt:Text").read_text(encoding="utf-8-sig")
