"""Input checks shared by every boundary (CLI, web, API, imports): e-mail addresses, dates within
the range the deadline arithmetic handles, and free text without control characters, each
failing with a Swedish `InputError` that names the field."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from caseflow.domain.casefields import FIRST_DAY, LAST_DAY
from caseflow.errors import InputError

_EMAIL = re.compile(r"^[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[^@\s<>,;\"']+$")


def check_email(value: str) -> str:
    """Return the address lower-cased.

    Raises:
        InputError: not a plausible e-mail address.
    """
    value = value.strip().lower()
    if not _EMAIL.match(value) or len(value) > 254:
        raise InputError(f"ogiltig e-postadress {value!r}")
    return value


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")  # and lone surrogates


def unify_newlines(value: Any) -> Any:
    """Text (or a list of texts) with CRLF and CR line breaks turned into LF, as stored: browsers
    send a textarea's lines as CRLF, and an unchanged text must compare equal."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(value, list):
        return [unify_newlines(v) for v in value]
    return value


def check_day(value: date, *, field: str) -> date:
    """Raises InputError unless FIRST_DAY <= value <= LAST_DAY."""
    if not FIRST_DAY <= value <= LAST_DAY:
        raise InputError(f"{field}: datumet måste ligga mellan {FIRST_DAY} och {LAST_DAY}")
    return value


def check_text(value: str, *, field: str, max_length: int | None = None) -> str:
    """Return `value` stripped; refuse control characters (a NUL cannot even be stored in
    PostgreSQL) and text longer than its column.

    Raises:
        InputError: naming `field`, in Swedish.
    """
    value = unify_newlines(value).strip()
    found = CONTROL_CHARS.search(value)
    if found:
        raise InputError(f"{field}: otillåtet kontrolltecken {found.group()!r} i texten")
    if max_length is not None and len(value) > max_length:
        raise InputError(f"{field}: får vara högst {max_length} tecken (fick {len(value)})")
    return value
