"""Swedish amounts: read `6 000 tkr`, `12 mkr`, `3 583 530`, `0 kr`; write `16 602 tkr`.

Formatting uses babel's Swedish locale (a non-breaking space as thousands separator).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel import Locale
from babel.numbers import format_decimal

from caseflow.errors import InputError

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
#: A number with optional thousands groups and decimal comma, then an optional unit.
_AMOUNT = re.compile(
    r"(?P<number>\d{1,3}(?:[ ]\d{3})+|\d+)(?:,(?P<decimals>\d+))?"
    r"\s*(?P<unit>tkr|mkr|mnkr|msek|kr|kronor|sek)?\b",
    re.IGNORECASE,
)
#: A minus sign written before the number (hyphen, Unicode minus, en dash): amounts are never
#: negative, and silently reading `-5 kr` as 5 kr would turn a correction into a grant.
_MINUS = ("-", "\u2212", "\u2013")
_MULTIPLIER = {None: 1, "kr": 1, "kronor": 1, "sek": 1, "tkr": 1_000, "mkr": 1_000_000,
               "mnkr": 1_000_000, "msek": 1_000_000}  # fmt: skip


def normalise_spaces(text: str) -> str:
    """Collapse every run of whitespace (incl. non-breaking spaces) into one plain space."""
    return _SPACES.sub(" ", text).strip()


def parse_amount(text: str) -> int:
    """The amount in kronor written in `text`, e.g. `6 000 tkr`, `12 mkr`, `3 583 530`, `2791 tkr`.

    A leading phrase is allowed ("förväntas vara 6 000 tkr."); exactly one amount must be present.

    Raises:
        InputError: no amount, more than one, a negative amount (`-5 kr`, `ca −2 mkr`), or
            something after the unit that is not an amount.
    """
    flat = normalise_spaces(text).rstrip(".")
    matches = list(_AMOUNT.finditer(flat))
    if len(matches) != 1:
        raise InputError(f"kan inte läsa beloppet {text.strip()!r} (skriv t.ex. 6 000 tkr)")
    found = matches[0]
    if flat[: found.start()].rstrip().endswith(_MINUS):
        raise InputError(f"beloppet {text.strip()!r} får inte vara negativt")
    rest = flat[found.end() :].strip()
    if rest or (found.start() > 0 and flat[found.start() - 1].isalnum()):
        raise InputError(f"kan inte läsa beloppet {text.strip()!r} (skriv t.ex. 6 000 tkr)")
    unit = (found.group("unit") or "").lower() or None
    try:
        value = Decimal(
            found.group("number").replace(" ", "") + "." + (found.group("decimals") or "0")
        )
    except InvalidOperation:  # pragma: no cover - the regex admits digits only
        raise InputError(f"kan inte läsa beloppet {text.strip()!r}") from None
    kronor = value * _MULTIPLIER[unit]
    if kronor != kronor.to_integral_value():
        raise InputError(f"beloppet {text.strip()!r} är inte ett helt antal kronor")
    return int(kronor)


_SWEDISH = Locale.parse("sv_SE")


def format_number(value: int) -> str:
    """`16602` → `16 602` (non-breaking space), as Babel's Swedish decimal format; a whole
    number without Babel (a page shows a dozen amounts; Babel's formatter costs ~15 µs each)."""
    if type(value) is int:
        return f"{value:,}".replace(",", "\u00a0")
    return format_decimal(value, locale=_SWEDISH)


def format_report_amount(amount: int) -> str:
    """Report style: whole thousands as `16 602 tkr`, anything else as `3 583 530 kr`."""
    if amount % 1000 == 0:
        return f"{format_number(amount // 1000)}\u00a0tkr"
    return f"{format_number(amount)}\u00a0kr"


def format_kronor(amount: int) -> str:
    """Memo style: `600 000 kronor`."""
    return f"{format_number(amount)}\u00a0kronor"
