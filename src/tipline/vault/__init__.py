"""The vault: all of Tipline's cryptography, behind a small API named for intent.

Nothing outside this package imports PyNaCl. Callers hold opaque key objects
(`StaffPrivateKey`, `ReportKey`, `ReporterKey`) whose repr never shows a secret, and get
`DecryptionError` for every failure to open anything (see `errors`).

The keys (DESIGN.md, "Keys"):

- staff key pairs, wrapped by password and by recovery code  -> `staff`
- a random key per report, sealed to recipients and wrapped for the reporter -> `reports`
- receipt codes and the secrets derived from them             -> `receipts`
- files of any size, in chunks                                -> `streams`
- an unwrapped private key kept for one session               -> `sessions`
- one-time tokens for invitations                              -> `tokens`
- the installation's identity and packages to partners         -> `installation`

Argon2id costs live in `params`.
"""

from .errors import DecryptionError, MalformedSecret, VaultError
from .installation import (
    InstallationIdentity,
    InstallationKeyRecord,
    OpenedPackage,
    ShareKeyPair,
    check_public_key,
    create_installation_identity,
    encode_key,
    key_fingerprint,
    new_installation_secret,
    new_share_key_pair,
    open_package,
    open_share_text,
    seal_package,
    seal_to_share,
    unlock_installation_identity,
)
from .receipts import (
    ReceiptSecrets,
    ReporterKey,
    derive_receipt_secrets,
    format_receipt_code,
    new_receipt_code,
    new_receipt_salt,
    normalise_receipt_code,
)
from .reports import (
    ReportKey,
    decrypt_text,
    encrypt_text,
    new_report_key,
    open_report_key_as_reporter,
    open_sealed_report_key,
    seal_report_key,
    wrap_report_key_for_reporter,
)
from .sessions import SessionSeal, open_from_session, seal_for_session
from .staff import (
    StaffEnrolment,
    StaffKeyRecord,
    StaffPrivateKey,
    change_password,
    enrol_staff,
    normalise_recovery_code,
    recover_with_code,
    unlock_with_password,
    unlock_with_recovery_code,
    wrap_with_password,
)
from .streams import (
    StreamEncryptor,
    StreamSizes,
    decrypt_stream,
    encrypt_stream,
    encrypted_size,
)
from .tokens import new_token, token_digest

__all__ = [
    "DecryptionError",
    "InstallationIdentity",
    "InstallationKeyRecord",
    "MalformedSecret",
    "OpenedPackage",
    "ReceiptSecrets",
    "ReportKey",
    "ReporterKey",
    "SessionSeal",
    "ShareKeyPair",
    "StaffEnrolment",
    "StaffKeyRecord",
    "StaffPrivateKey",
    "StreamEncryptor",
    "StreamSizes",
    "VaultError",
    "change_password",
    "check_public_key",
    "create_installation_identity",
    "decrypt_stream",
    "decrypt_text",
    "derive_receipt_secrets",
    "encode_key",
    "encrypt_stream",
    "encrypt_text",
    "encrypted_size",
    "enrol_staff",
    "format_receipt_code",
    "key_fingerprint",
    "new_installation_secret",
    "new_receipt_code",
    "new_receipt_salt",
    "new_report_key",
    "new_share_key_pair",
    "new_token",
    "normalise_receipt_code",
    "normalise_recovery_code",
    "open_from_session",
    "open_package",
    "open_report_key_as_reporter",
    "open_sealed_report_key",
    "open_share_text",
    "recover_with_code",
    "seal_for_session",
    "seal_package",
    "seal_report_key",
    "seal_to_share",
    "token_digest",
    "unlock_installation_identity",
    "unlock_with_password",
    "unlock_with_recovery_code",
    "wrap_report_key_for_reporter",
    "wrap_with_password",
]
