"""The roles a person can hold; workflows name them on each trigger."""

from __future__ import annotations

from caseflow.errors import InputError

ROLES: dict[str, str] = {
    "handlaggare": "Handläggare",
    "beslutsfattare": "Beslutsfattare",
    "namndsekreterare": "Nämndsekreterare",
    "registrator": "Registrator",
    "admin": "Administratör",
    "system": "Systemet (automatiska steg)",
}


def check_role(role: str) -> str:
    """Return `role` if known.

    Raises:
        InputError: unknown role, listing the valid ones.
    """
    if role in ROLES:
        return role
    raise InputError(f"okänd roll {role!r}; giltiga roller: {', '.join(ROLES)}")


def role_phrase(roles: tuple[str, ...] | list[str], *, joiner: str = " eller ") -> str:
    """`beslutsfattare eller administratör`: roles as a sentence names them (never the codes)."""
    return joiner.join(ROLES.get(r, r).lower() for r in roles)


def denied(email: str, what: str, needed: tuple[str, ...] | list[str],
           held: tuple[str, ...] | list[str]) -> str:  # fmt: skip
    """The message of a refused action: who, what, which role it takes, which they hold."""
    has = role_phrase(held, joiner=", ") or "ingen roll"
    return f"{email} får inte {what}: det kräver rollen {role_phrase(needed)} (har {has})"
