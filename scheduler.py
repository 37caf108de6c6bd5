"""Nightly scheduler entry point (APScheduler); implemented with the scheduling issue."""
