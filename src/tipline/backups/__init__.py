"""Backups: the database and the encrypted files in one file, and restoring it."""
