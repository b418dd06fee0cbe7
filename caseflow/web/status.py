"""The HTTP status of each caseflow error, for pages and API alike."""

from __future__ import annotations

from caseflow.errors import (
    CaseflowError,
    ConflictError,
    DuplicateError,
    NotFoundError,
    PermissionDeniedError,
    TransitionError,
    UnavailableError,
)


def status_of(err: CaseflowError) -> int:
    if isinstance(err, NotFoundError):
        return 404
    if isinstance(err, PermissionDeniedError):
        return 403
    if isinstance(err, ConflictError | DuplicateError):
        return 409
    if isinstance(err, TransitionError):
        return 409
    if isinstance(err, UnavailableError):
        return 503
    return 400
