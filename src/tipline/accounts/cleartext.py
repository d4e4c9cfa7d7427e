"""The accounts app keeps no report data (see `reports/cleartext.py`): staff accounts, their
wrapped keys, invitations, security keys (public keys and counters) and the sign-in policy
are configuration. Declared so that a new model here is a conscious choice."""

READABLE: dict[str, dict[str, str]] = {}
ENCRYPTED: dict[str, set[str]] = {}
CONFIGURATION = {"StaffUser", "Invitation", "SecurityKey", "SignInPolicy"}
