"""The audit log: who did what, when, to which desk and report. Append-only."""
