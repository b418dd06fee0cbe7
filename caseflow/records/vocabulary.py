"""The words of the records side: directions and final states in Swedish, and the handling
number `RUN/479/2024-3` (the case's diarienummer, a dash, the running number). Pure."""

from __future__ import annotations

import re

from caseflow.domain.dnr import Diarienummer, parse_dnr
from caseflow.errors import InputError

INCOMING, DRAWN_UP, OUTGOING = "inkommande", "upprattad", "utgaende"
DIRECTION_LABELS = {INCOMING: "Inkommande", DRAWN_UP: "Upprättad", OUTGOING: "Utgående"}
#: What the command line's `--direction` accepts (the issue's in|out|internal, and the codes).
DIRECTION_ALIASES = {
    "in": INCOMING, "out": OUTGOING, "internal": DRAWN_UP,
    INCOMING: INCOMING, OUTGOING: OUTGOING, DRAWN_UP: DRAWN_UP,
    "upprättad": DRAWN_UP, "utgående": OUTGOING,
}  # fmt: skip
DISPATCHED, ADOPTED = "expedierad", "faststalld"
FINAL_STATE_LABELS = {DISPATCHED: "Expedierad", ADOPTED: "Fastställd"}
FINAL_ALIASES = {DISPATCHED: DISPATCHED, ADOPTED: ADOPTED, "fastställd": ADOPTED}
#: Outcomes of a request for a document.
OUTCOME_LABELS = {"lamnas_ut": "Lämnas ut", "maskerad": "Lämnas ut med maskering",
                  "avslag": "Avslag"}  # fmt: skip
MASK = "[sekretess]"

_NUMBER = re.compile(r"^\s*(.+?)\s*-\s*(\d{1,6})\s*$")


def check_direction(value: str) -> str:
    """The stored code for a direction given as in|out|internal or a Swedish word.

    Raises:
        InputError: naming the accepted values.
    """
    found = DIRECTION_ALIASES.get(value.strip().lower())
    if found is None:
        raise InputError(
            f"riktning: okänt värde {value!r}; välj in (inkommande), out (utgående) "
            "eller internal (upprättad)"
        )
    return found


def check_final_state(value: str) -> str:
    found = FINAL_ALIASES.get(value.strip().lower())
    if found is None:
        raise InputError(f"status: okänt värde {value!r}; välj expedierad eller fastställd")
    return found


def format_number(dnr: Diarienummer | str, number: int) -> str:
    """`RUN/479/2024` and 3 → `RUN/479/2024-3`."""
    return f"{dnr}-{number}"


def parse_number(text: str) -> tuple[Diarienummer, int]:
    """`RUN/479/2024-3` → (the diarienummer, 3).

    Raises:
        InputError: not DIARIENUMMER-N.
    """
    match = _NUMBER.match(text)
    if match is None or int(match.group(2)) < 1:
        raise InputError(
            f"ogiltigt handlingsnummer {text!r}: skriv diarienumret, bindestreck och "
            "handlingens löpnummer, t.ex. RUN/479/2024-3"
        )
    return parse_dnr(match.group(1)), int(match.group(2))
