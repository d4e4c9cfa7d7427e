"""Signals other apps hook into without accounts depending on them."""

from django.dispatch import Signal

# Sent inside the transaction of a change to how an account is protected (a security key
# added, a second factor set up, a reset, a recovery, a flood on the name), with `account`,
# `event` (the audit action, or `signin.codes_under_attack`) and `key` (a key's name, or "").
# The notifications app tells the holder and the administrators after the commit.
security_changed = Signal()
