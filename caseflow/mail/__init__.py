"""E-mail: the outbox (written in the deciding transaction) and the SMTP delivery."""
