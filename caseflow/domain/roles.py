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
