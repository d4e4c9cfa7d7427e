"""The vault's exceptions.

Every failure to open something is a `DecryptionError`, whatever the cause (wrong password,
wrong receipt, wrong recovery code, tampered, truncated or reordered ciphertext, a blob moved
from another context). Callers cannot tell the causes apart, on purpose: an oracle that says
"right key, tampered data" helps an attacker, and nothing a caller would do differs.
"""


class VaultError(Exception):
    """Base class for everything the vault raises."""


class DecryptionError(VaultError):
    """A ciphertext could not be opened and authenticated; nothing of it was returned."""


class MalformedSecret(VaultError, ValueError):
    """A code typed by a person (receipt code, recovery code) is not of the right form.

    Raised before any costly derivation, so that a typo gets a quick, clear answer.
    """
