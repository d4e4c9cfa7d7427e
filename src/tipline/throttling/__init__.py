"""Throttles and the admission gate, low in the house: `intake`, `accounts` and `web` use
them; nothing here imports those apps (templates are named, not imported)."""
