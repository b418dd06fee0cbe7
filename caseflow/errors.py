"""The caseflow exception tree.

CaseflowError                    user-facing; the CLI prints str(err) on one line and exits 1
├── WorkflowSpecError            a workflow file is invalid (names file and line)
├── InputError                   bad input: a field, a file, a value (names what is wrong)
│   └── InvalidDiarienummerError
├── NotFoundError
│   ├── UnknownCaseError
│   ├── UnknownPersonError
│   └── UnknownTriggerError
├── DuplicateError               a diarienummer or e-mail that already exists
├── TransitionError
│   ├── TriggerNotAllowedError   the trigger exists but not from the case's stage
│   ├── PermissionDeniedError    the actor lacks every role the trigger allows
│   └── GuardFailedError         guards block the move; .problems lists every reason
└── ConflictError                the case changed since it was read (row version)
    └── ConcurrentWriteError     a concurrent transaction won a race (PostgreSQL); retry is safe
"""

from __future__ import annotations


class CaseflowError(Exception):
    """Base of every error caseflow reports to a user."""


class WorkflowSpecError(CaseflowError):
    """A workflow definition is invalid."""


class InputError(CaseflowError):
    """Input that cannot be accepted; the message names the field, file or line."""


class InvalidDiarienummerError(InputError):
    """A diarienummer that is not of the form PREFIX/SERIAL/YEAR."""


class NotFoundError(CaseflowError):
    """Something named by the user does not exist."""


class UnknownCaseError(NotFoundError):
    """No case has the given diarienummer."""


class UnknownPersonError(NotFoundError):
    """No person has the given e-mail address."""


class UnknownTriggerError(NotFoundError):
    """The workflow has no trigger of that name."""


class DuplicateError(CaseflowError):
    """A unique value (diarienummer, e-mail) is already taken."""


class TransitionError(CaseflowError):
    """A move that cannot be made."""


class TriggerNotAllowedError(TransitionError):
    """The trigger is not possible from the case's current stage."""


class PermissionDeniedError(TransitionError):
    """The actor has none of the roles the trigger requires."""


class GuardFailedError(TransitionError):
    """One or more guards block the move.

    Attributes:
        problems: every reason, in Swedish, for the officer.
    """

    def __init__(self, message: str, problems: list[str]) -> None:
        super().__init__(message)
        self.problems = problems


class ConflictError(CaseflowError):
    """The case was changed by someone else since it was read."""


class ConcurrentWriteError(ConflictError):
    """A concurrent transaction won a race for the same rows; nothing was changed."""


class UnavailableError(CaseflowError):
    """An outside program the work needs (LibreOffice for PDF) is missing or failed; HTTP 503."""
