"""The funder catalogue (DOMAIN.md): stable codes and the names documents use."""

from __future__ import annotations

import difflib
import re

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


#: Names documents use for each funder, beside its catalogue name (DOMAIN.md).
ALIASES: dict[str, tuple[str, ...]] = {
    "anslag_1_1": ("Anslag 1:1 Regionala tillväxtåtgärder", "1:1 Regionala utvecklingsåtgärder",
                   "1:1 Regionala tillväxtåtgärder", "Anslag 1:1", "1:1-anslaget"),
    "eruf_nationellt": ("ERUF Europeiska Regionala Utvecklingsfonden nationellt program",),
    "eruf_regionalt": ("ERUF Europeiska Regionala Utvecklingsfonden regionalt program",),
    "esf": ("ESF Europeiska Socialfonden", "ESF+", "ESF"),
    "interreg_sverige_norge": ("Interreg Sverige Norge",),
    "interreg_ovriga": ("Interreg övriga", "Interreg NPA", "Interreg Aurora", "Interreg Europe"),
    "tillvaxtverket_nationella": ("Tillväxtverket nationella medel",),
}  # fmt: skip


def _key(text: str) -> str:
    """Compare names loosely: case, punctuation and spacing do not matter."""
    return " ".join(re.sub(r"[,;.()–\-…+]", " ", text).lower().split())


def _names() -> list[tuple[str, str]]:
    pairs = [(_key(name), code) for code, name in FUNDERS.items()]
    pairs += [(_key(alias), code) for code, aliases in ALIASES.items() for alias in aliases]
    pairs += [(_key(code), code) for code in FUNDERS]
    # ESF+ and ESF share a key; longest first so a full name wins over its own prefix.
    return sorted(set(pairs), key=lambda p: -len(p[0]))


_NAMES = _names()


def funder_code(name: str) -> str:
    """The catalogue code for one funder written as a code, a catalogue name or a known alias.

    Raises:
        InputError: unknown; the message suggests the closest catalogue entry.
    """
    key = _key(name)
    for known, code in _NAMES:
        if key == known:
            return code
    raise InputError(unknown_funder_message(name))


def unknown_funder_message(name: str) -> str:
    key = _key(name)
    close = difflib.get_close_matches(key, [k for k, _ in _NAMES], n=1, cutoff=0.4)
    hint = ""
    if close:
        code = dict(_NAMES)[close[0]]
        hint = f" (menade du {FUNDERS[code]!r}, kod {code}?)"
    return f"okänd finansiär {name.strip()!r}{hint}"


def read_funder_list(text: str) -> list[str]:
    """Catalogue codes for funder names run together as a report cell wraps them, in order:
    "Anslag 1:1 Regionala tillväxtåtgärder ERUF Europeiska ... nationellt program". Commas
    between names are fine.

    Raises:
        InputError: some part matches no catalogue name (closest entry suggested).
    """
    codes, rest = match_funders(text)
    if rest:
        raise InputError(unknown_funder_message(rest))
    return codes


def match_funders(text: str) -> tuple[list[str], str]:
    """(codes matched from the start, the loosely-compared words left over, "" if none)."""
    rest = _key(text)
    codes: list[str] = []
    while rest:
        for known, code in _NAMES:
            if rest == known or rest.startswith(known + " "):
                if code not in codes:
                    codes.append(code)
                rest = rest[len(known) :].strip()
                break
        else:
            return codes, rest
    return codes, ""


def words(text: str) -> int:
    """How many words `text` has as funder names are compared (for locating a leftover)."""
    return len(_key(text).split())
