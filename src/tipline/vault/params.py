"""Cost parameters and sizes, kept in one place.

Tests lower the Argon2 costs through a fixture that patches this module's attributes (the
vault reads them at call time), never through a switch in production code.
"""

from dataclasses import dataclass

MiB = 1024 * 1024


@dataclass(frozen=True)
class Argon2Cost:
    """libsodium Argon2id limits: passes over memory, and memory in bytes."""

    opslimit: int
    memlimit: int


# Wraps each staff member's private key; paid once per sign-in. libsodium's MODERATE level:
# a seized database leaves the password as the only barrier to every report a staff member
# can read, so this is set well above the receipt cost.
STAFF_PASSWORD_COST = Argon2Cost(opslimit=3, memlimit=256 * MiB)

# Turns a receipt code into the lookup value and the reporter's key; paid once per submission
# and once per return, so it bounds submissions per second (DESIGN.md: at least 64 MiB).
# Receipts are looked up by the derived value, so changing this invalidates every receipt
# already issued unless the old cost is kept as a fallback.
RECEIPT_COST = Argon2Cost(opslimit=2, memlimit=64 * MiB)

# A wrapped key records its own cost. Refuse to honour a cost above this: a tampered row
# must not make a sign-in allocate unbounded memory or spin for minutes.
MAX_ACCEPTED_COST = Argon2Cost(opslimit=16, memlimit=2048 * MiB)

# Plaintext bytes per secretstream chunk. Memory used while streaming a file is a small
# multiple of this, whatever the file's size.
STREAM_CHUNK_SIZE = 64 * 1024

RECEIPT_DIGITS = 20
RECEIPT_GROUP = 4

# 20 random bytes = 160 bits: strong enough that no slow derivation is needed.
RECOVERY_CODE_BYTES = 20
