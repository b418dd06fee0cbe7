"""Reminders of deadlines: planned rows per case, and turning due ones into outbox e-mails."""
