"""caseflow: case management for Swedish regions' externally funded development projects.

The public API is the names in `__all__` (pinned by `tests/test_architecture.py`). They are
loaded on first use, so `import caseflow` (and `caseflow --help`) stays cheap and a pure module
importing `caseflow.errors` does not pull in the database layer through this file.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS = {
    # settings, clock, errors
    "Settings": "caseflow.settings",
    "load_settings": "caseflow.settings",
    "Clock": "caseflow.clock",
    "SystemClock": "caseflow.clock",
    "CaseflowError": "caseflow.errors",
    "InputError": "caseflow.errors",
    "NotFoundError": "caseflow.errors",
    "DuplicateError": "caseflow.errors",
    "ConflictError": "caseflow.errors",
    "TransitionError": "caseflow.errors",
    "PermissionDeniedError": "caseflow.errors",
    "GuardFailedError": "caseflow.errors",
    "WorkflowSpecError": "caseflow.errors",
    # workflows
    "WorkflowRegistry": "caseflow.workflow.registry",
    "load_registry": "caseflow.workflow.registry",
    # storage
    "Database": "caseflow.store.db",
    # the engine
    "create_case": "caseflow.cases.engine",
    "edit_case": "caseflow.cases.engine",
    "set_funder": "caseflow.cases.engine",
    "import_cases": "caseflow.cases.engine",
    "fire": "caseflow.cases.engine",
    "possible_moves": "caseflow.cases.engine",
    "TransitionResult": "caseflow.cases.engine",
    # the web application
    "create_app": "caseflow.web.app",
}

__all__ = [
    "__version__", "CaseflowError", "Clock", "ConflictError", "Database", "DuplicateError",
    "GuardFailedError", "InputError", "NotFoundError", "PermissionDeniedError", "Settings",
    "SystemClock", "TransitionError", "TransitionResult", "WorkflowRegistry",
    "WorkflowSpecError", "create_app", "create_case", "edit_case", "fire", "import_cases",
    "load_registry", "load_settings", "possible_moves", "set_funder",
]  # fmt: skip

if TYPE_CHECKING:
    from caseflow.cases.engine import (
        TransitionResult,
        create_case,
        edit_case,
        fire,
        import_cases,
        possible_moves,
        set_funder,
    )
    from caseflow.clock import Clock, SystemClock
    from caseflow.errors import (
        CaseflowError,
        ConflictError,
        DuplicateError,
        GuardFailedError,
        InputError,
        NotFoundError,
        PermissionDeniedError,
        TransitionError,
        WorkflowSpecError,
    )
    from caseflow.settings import Settings, load_settings
    from caseflow.store.db import Database
    from caseflow.web.app import create_app
    from caseflow.workflow.registry import WorkflowRegistry, load_registry


def __getattr__(name: str) -> Any:
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'caseflow' has no attribute {name!r}") from None
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value
