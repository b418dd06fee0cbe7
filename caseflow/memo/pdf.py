"""Word → PDF with LibreOffice (`soffice --headless --convert-to pdf`): the one conversion the
documents share (the results report's form from the CLI, the API and the web; any .docx the
memos and meetings write converts the same way). An adapter: it runs an outside program and
imports only pure modules."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from caseflow.errors import UnavailableError

TIMEOUT = 180  # seconds; a first start of LibreOffice with a fresh profile takes a few
NOT_INSTALLED = "PDF kräver LibreOffice (soffice), som inte finns på den här datorn"


def office_program() -> str | None:
    """The LibreOffice program on PATH (`soffice`, else `libreoffice`), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, name: str = "dokument") -> bytes:
    """Convert a Word document to PDF, in a temporary folder with a LibreOffice profile of its
    own (so conversions at the same time do not collide).

    Raises:
        UnavailableError: LibreOffice is missing or the conversion fails.
    """
    program = office_program()
    if program is None:
        raise UnavailableError(NOT_INSTALLED)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / f"{name}.docx"
        source.write_bytes(data)
        try:
            subprocess.run(
                [program, f"-env:UserInstallation=file://{Path(tmp) / 'profil'}", "--headless",
                 "--convert-to", "pdf", "--outdir", tmp, str(source)],
                check=True, capture_output=True, timeout=TIMEOUT,
            )  # fmt: skip
            return source.with_suffix(".pdf").read_bytes()
        except (subprocess.SubprocessError, OSError) as err:
            raise UnavailableError(f"LibreOffice kunde inte göra PDF: {err}") from None
