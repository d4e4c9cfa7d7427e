"""Tipline: a self-hosted, secure tip line and case desk."""
