"""Alerts: detect regressions and recoveries between complete runs and queue digest e-mails in the outbox."""
