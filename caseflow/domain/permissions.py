"""Who may do what, beyond the workflow's own roles per move (which `engine.fire` checks).

One table for the web pages and the API. Reading is open to every account.
"""

from __future__ import annotations

from caseflow.domain.roles import denied
from caseflow.errors import PermissionDeniedError

RULES: dict[str, tuple[str, tuple[str, ...]]] = {
    "create_case": ("skapa ärenden", ("handlaggare", "admin")),
    "edit_case": ("ändra ärenden", ("handlaggare", "admin")),
    "render_memo": ("skriva memon", ("handlaggare", "beslutsfattare", "admin")),
    "finalize_memo": ("signera beslut", ("beslutsfattare",)),
    "annul_decision": ("upphäva beslut", ("beslutsfattare", "admin")),
    "report_decisions": ("anmäla delegationsbeslut till nämnden", ("namndsekreterare", "admin")),
    "schedule_case": (
        "sätta ärenden på dagordningen",
        ("handlaggare", "namndsekreterare", "admin"),
    ),
    "register_handling": ("registrera handlingar", ("handlaggare", "registrator", "admin")),
    "decide_disclosure": (
        "pröva begäran om utlämnande",
        ("registrator", "handlaggare", "admin"),
    ),
    "view_outbox": ("se utkorgen", ("namndsekreterare", "admin")),
    "hold_retention": (
        "spärra handlingar mot gallring eller häva spärrar",
        ("registrator", "admin"),
    ),
    "confirm_disposal": ("besluta om gallring", ("registrator", "admin")),
    "add_note": (
        "skriva anteckningar i ärenden",
        ("handlaggare", "beslutsfattare", "namndsekreterare", "admin"),
    ),
    "change_meeting": (
        "ändra, flytta eller ställa in sammanträden",
        ("namndsekreterare", "admin"),
    ),
}


def allowed(action: str, roles: tuple[str, ...] | list[str]) -> bool:
    return bool(set(roles) & set(RULES[action][1]))


def require(action: str, email: str, roles: tuple[str, ...] | list[str]) -> None:
    """Raises PermissionDeniedError naming the roles that `action` needs."""
    if not allowed(action, roles):
        what, needed = RULES[action]
        raise PermissionDeniedError(denied(email, what, needed, roles))
