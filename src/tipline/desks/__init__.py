"""Desks: an agency's inbox, its languages and retention, and who receives its reports."""
