"""Diarienummer: parse and format `PREFIX/SERIAL/YEAR`, e.g. `RUN/479/2024`."""

from __future__ import annotations

import re
from dataclasses import dataclass

from caseflow.errors import InvalidDiarienummerError

_PATTERN = re.compile(r"^\s*([A-ZÅÄÖ][A-ZÅÄÖ0-9-]{0,19})\s*/\s*(\d{1,7})\s*/\s*(\d{4})\s*$")


@dataclass(frozen=True, slots=True, order=True)
class Diarienummer:
    prefix: str
    serial: int
    year: int

    def __str__(self) -> str:
        return f"{self.prefix}/{self.serial}/{self.year}"


def parse_dnr(text: str) -> Diarienummer:
    """Parse a diarienummer such as `RUN/479/2024` (case-insensitive prefix).

    Raises:
        InvalidDiarienummerError: the text is not PREFIX/SERIAL/YEAR with a 4-digit year
            between 1900 and 2199 and a serial of at least 1.
    """
    match = _PATTERN.match(text.upper())
    if match is None:
        raise InvalidDiarienummerError(
            f"ogiltigt diarienummer {text!r}: skriv det som PREFIX/LÖPNUMMER/ÅR, t.ex. RUN/479/2024"
        )
    prefix, serial, year = match.group(1), int(match.group(2)), int(match.group(3))
    if serial < 1:
        raise InvalidDiarienummerError(
            f"ogiltigt diarienummer {text!r}: löpnumret måste vara minst 1"
        )
    if not 1900 <= year <= 2199:
        raise InvalidDiarienummerError(f"ogiltigt diarienummer {text!r}: orimligt årtal {year}")
    return Diarienummer(prefix, serial, year)
