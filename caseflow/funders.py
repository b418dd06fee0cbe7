"""The funder catalogue (DOMAIN.md): stable codes and the names documents use."""

from __future__ import annotations

import difflib

from caseflow.errors import InputError

FUNDERS: dict[str, str] = {
    "anslag_1_1": "Anslag 1:1 Regionala utvecklingsåtgärder",
    "eruf_nationellt": "ERUF Europeiska Regionala Utvecklingsfonden, nationellt program",
    "eruf_regionalt": "ERUF, Europeiska Regionala Utvecklingsfonden, regionalt program",
    "esf": "ESF Europeiska Socialfonden (ESF+)",
    "interreg_sverige_norge": "Interreg Sverige-Norge",
    "interreg_ovriga": "Interreg övriga (NPA, Aurora, Europe, …)",
    "tillvaxtverket_nationella": "Tillväxtverkets nationella medel",
    "energimyndigheten": "Energimyndigheten",
    "statens_kulturrad": "Statens kulturråd",
    "allmanna_arvsfonden": "Allmänna arvsfonden",
    "erasmus": "Erasmus",
    "ovrigt": "Övrigt",
}

FUNDER_STATUSES: tuple[str, ...] = ("planned", "applied", "granted", "rejected")

FUNDER_STATUS_LABELS: dict[str, str] = {
    "planned": "planerad",
    "applied": "sökt",
    "granted": "beviljad",
    "rejected": "avslag",
}


def check_funder_code(code: str) -> str:
    """Return `code` if it is in the catalogue.

    Raises:
        InputError: unknown code; the message suggests the closest catalogue code.
    """
    if code in FUNDERS:
        return code
    close = difflib.get_close_matches(code, FUNDERS, n=1)
    hint = f" (menade du {close[0]}?)" if close else ""
    raise InputError(f"okänd finansiärskod {code!r}{hint}; giltiga koder: {', '.join(FUNDERS)}")


def check_funder_status(status: str) -> str:
    """Return `status` if it is one of planned/applied/granted/rejected.

    Raises:
        InputError: any other value.
    """
    if status in FUNDER_STATUSES:
        return status
    raise InputError(f"okänd finansieringsstatus {status!r}; giltiga: {', '.join(FUNDER_STATUSES)}")
