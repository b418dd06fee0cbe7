"""What an uploaded file is, by its content: PDF, Word (docx), Excel (xlsx), PNG, JPEG or plain
text (UTF-8). Checks shared by every way in: empty, too large, a path in the name, content that
is not the type its name claims. Pure."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from caseflow.domain.checks import CONTROL_CHARS
from caseflow.errors import InputError

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PNG = "image/png"
JPEG = "image/jpeg"
TEXT = "text/plain"
#: Media type → the file name endings that may claim it, and its Swedish name.
TYPES: dict[str, tuple[tuple[str, ...], str]] = {
    PDF: ((".pdf",), "PDF"),
    DOCX: ((".docx",), "Word-dokument (docx)"),
    XLSX: ((".xlsx",), "Excel-fil (xlsx)"),
    PNG: ((".png",), "PNG-bild"),
    JPEG: ((".jpg", ".jpeg"), "JPEG-bild"),
    TEXT: ((".txt", ".md", ".csv"), "textfil"),
}
MAX_NAME = 255


@dataclass(frozen=True, slots=True)
class CheckedFile:
    filename: str
    media_type: str
    size: int


def detect(data: bytes) -> str | None:
    """The media type of `data` by its first bytes (and, for zip files, the Office part that
    names the document kind), or None for anything else."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_kind(data)
    if b"\x00" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not CONTROL_CHARS.search(text.replace("\t", "").replace("\r", "").replace("\n", "")):
            return TEXT
    return None


def _office_kind(data: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            if "[Content_Types].xml" not in names:
                return None
            types = archive.read("[Content_Types].xml")
    except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
        return None
    if "word/document.xml" in names and b"wordprocessingml.document.main" in types:
        return DOCX
    if "xl/workbook.xml" in names and b"spreadsheetml.sheet.main" in types:
        return XLSX
    return None


def check_filename(name: str) -> str:
    """The bare file name: refuses a path (`/`, `\\`, `..`), control characters, no ending.

    Raises:
        InputError: naming the file.
    """
    cleaned = name.strip()
    if not cleaned:
        raise InputError("filnamn: saknas")
    if "/" in cleaned or "\\" in cleaned or cleaned in (".", "..") or ":" in cleaned:
        raise InputError(f"filnamn {name!r}: får inte innehålla en sökväg (/, \\ eller :)")
    if CONTROL_CHARS.search(cleaned) or "\n" in cleaned or "\r" in cleaned or "\t" in cleaned:
        raise InputError(f"filnamn {name!r}: otillåtna tecken")
    if len(cleaned) > MAX_NAME:
        raise InputError(f"filnamn: får vara högst {MAX_NAME} tecken (fick {len(cleaned)})")
    return cleaned


def check_file(data: bytes, filename: str, *, max_bytes: int) -> CheckedFile:
    """Check an uploaded file before anything is stored.

    Raises:
        InputError: the name has a path; the file is empty or larger than `max_bytes`; its
            content is none of the accepted types, or not the type its name's ending claims.
    """
    name = check_filename(filename)
    if not data:
        raise InputError(f"{name}: filen är tom")
    check_size(name, len(data), max_bytes=max_bytes)
    found = detect(data)
    if found is None:
        accepted = ", ".join(label for _, label in TYPES.values())
        raise InputError(f"{name}: innehållet är ingen filtyp som tas emot ({accepted})")
    endings, label = TYPES[found]
    if not name.lower().endswith(endings):
        claimed = next((lbl for ends, lbl in TYPES.values() if name.lower().endswith(ends)),
                       None)  # fmt: skip
        said = f"namnet säger {claimed}" if claimed else "namnets filändelse passar inte"
        raise InputError(f"{name}: innehållet är {label} men {said}; byt namn eller fil")
    return CheckedFile(filename=name, media_type=found, size=len(data))


def check_size(name: str, size: int, *, max_bytes: int) -> None:
    """Raises InputError if `size` bytes is over the limit."""
    if size > max_bytes:
        raise InputError(f"{name}: filen är {_size(size)}, större än gränsen {_size(max_bytes)}")


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MB".replace(".", ",")
    if n >= 1024:
        return f"{n / 1024:.0f} kB"
    return f"{n} byte"
