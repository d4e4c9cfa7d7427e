"""Triage: the language a report is really written in, and related reports across
languages, computed only where a recipient's key is present (guarantees 1 and 3)."""
