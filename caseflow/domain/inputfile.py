"""Reading a file the user names, bounded: the one way caseflow reads its input files.

A file is read up to its limit and no further, so a giant file, or a device that never ends
(`/dev/zero`, a pipe), is refused with a clear message instead of filling the memory.
"""

from __future__ import annotations

import errno
from pathlib import Path

from caseflow.errors import InputError

#: The largest input file read (a spreadsheet or a Word file of the portfolio is far smaller).
MAX_INPUT_BYTES = 20 * 1024 * 1024
#: The largest text file read (JSON, YAML, CSV, plain text).
MAX_TEXT_BYTES = 5 * 1024 * 1024


#: What the operating system's usual refusals mean, in Swedish.
OS_ERRORS = {
    errno.ENOSPC: "disken är full",
    errno.EDQUOT: "diskkvoten är slut",
    errno.EROFS: "filsystemet är skrivskyddat",
    errno.EACCES: "åtkomst nekas",
    errno.EPERM: "åtgärden är inte tillåten",
    errno.ENOENT: "filen eller mappen finns inte",
    errno.EISDIR: "är en mapp, inte en fil",
    errno.ENOTDIR: "en del av sökvägen är inte en mapp",
    errno.EIO: "in- eller utmatningsfel på disken",
}


def os_error_sv(err: OSError) -> str:
    """An OSError's reason in Swedish (the system's own words when it is not a usual one)."""
    return OS_ERRORS.get(err.errno or -1) or err.strerror or str(err)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{limit} byte"


def read_input(path: Path, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of `path`, at most `limit`.

    Raises:
        InputError: missing, a folder, unreadable, or larger than `limit` (naming the file).
    """
    if path.is_dir():
        raise InputError(f"{path}: är en mapp, inte en fil")
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except OSError as err:
        raise InputError(f"{path}: kan inte läsa filen ({os_error_sv(err)})") from None
    if len(data) > limit:
        raise InputError(f"{path}: filen är för stor (högst {_size(limit)})")
    return data


def read_input_text(path: Path, *, limit: int = MAX_TEXT_BYTES) -> str:
    """The UTF-8 text of `path` (a byte-order mark is dropped), at most `limit` bytes.

    Raises:
        InputError: as `read_input`, or the file is not UTF-8 (naming the byte).
    """
    data = read_input(path, limit=limit)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: filen är inte UTF-8-text (byte {err.start})") from None
