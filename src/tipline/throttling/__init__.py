"""Throttles and the admission gate, low in the house: `reports`, `reporter`, `accounts` and
`web` use them; nothing here imports those apps (templates are named, not imported)."""
