"""The one place the command line chooses its mail transport from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from caseflow.mail.smtp import SmtpMailer

if TYPE_CHECKING:
    from caseflow.mail.mailer import Mailer
    from caseflow.settings import Settings


def build_mailer(settings: Settings) -> Mailer:
    """The mailer the settings describe: today always SMTP (CASEFLOW_SMTP_*). A second
    transport is chosen here, and nowhere else."""
    return SmtpMailer.from_settings(settings)
