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
- triage: a random key per desk and recipient set ("epoch"), sealed to those recipients,
  encrypting the index of embedding vectors, text sketches and keyed attachment
  fingerprints, so that comparing reports needs a recipient's key -> `triage`
  (scheme and limits in that module's docstring)
- the installation's identity, packages to partners and their signed answers -> `installation`
- the installation secret wrapped under a passphrase, inside a backup: a seized backup
  alone opens nothing of the identity                            -> `passphrase`

Argon2id costs live in `params`.
"""

from .claims import (
    claim_code_digest,
    format_claim_code,
    new_claim_code,
    open_claim_code_as_reporter,
    seal_claim_code_for_reporter,
)
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
    package_digest,
    seal_package,
    seal_to_share,
    sign_answer,
    unlock_installation_identity,
    verify_answer,
)
from .passphrase import (
    check_backup_passphrase,
    unwrap_installation_secret,
    wrap_installation_secret,
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
from .triage import (
    TriageKey,
    attachment_fingerprint,
    decrypt_triage_index,
    encrypt_triage_index,
    keyed_shingle_values,
    new_triage_key,
    open_sealed_triage_key,
    seal_triage_key,
)

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
    "TriageKey",
    "VaultError",
    "attachment_fingerprint",
    "change_password",
    "check_backup_passphrase",
    "check_public_key",
    "claim_code_digest",
    "create_installation_identity",
    "decrypt_stream",
    "decrypt_text",
    "decrypt_triage_index",
    "derive_receipt_secrets",
    "encode_key",
    "encrypt_stream",
    "encrypt_text",
    "encrypt_triage_index",
    "encrypted_size",
    "enrol_staff",
    "format_claim_code",
    "format_receipt_code",
    "key_fingerprint",
    "keyed_shingle_values",
    "new_claim_code",
    "new_installation_secret",
    "new_receipt_code",
    "new_receipt_salt",
    "new_report_key",
    "new_share_key_pair",
    "new_token",
    "new_triage_key",
    "normalise_receipt_code",
    "normalise_recovery_code",
    "open_claim_code_as_reporter",
    "open_from_session",
    "open_package",
    "open_report_key_as_reporter",
    "open_sealed_report_key",
    "open_sealed_triage_key",
    "open_share_text",
    "package_digest",
    "recover_with_code",
    "seal_claim_code_for_reporter",
    "seal_for_session",
    "seal_package",
    "seal_report_key",
    "seal_to_share",
    "seal_triage_key",
    "sign_answer",
    "token_digest",
    "unlock_installation_identity",
    "unlock_with_password",
    "unlock_with_recovery_code",
    "unwrap_installation_secret",
    "verify_answer",
    "wrap_installation_secret",
    "wrap_report_key_for_reporter",
    "wrap_with_password",
]
