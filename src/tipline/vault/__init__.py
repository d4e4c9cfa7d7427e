"""The vault: all of Tipline's cryptography, behind a small API named for intent.

Nothing outside this package imports PyNaCl. Callers hold opaque key objects
(`StaffPrivateKey`, `ReportKey`, `ReporterKey`) whose repr never shows a secret, and get
`DecryptionError` for every failure to open anything (see `errors`).

The keys (DESIGN.md, "Keys"):

- staff key pairs, wrapped by password and by recovery code  -> `staff`
- a random key per report, sealed to recipients and wrapped for the reporter -> `reports`
- receipt codes and the secrets derived from them             -> `receipts`
  (the Argon2id call runs in a host-wide pool of single-threaded processes when
  `tipline serve` started one: `derivations`)
- files of any size, in chunks                                -> `streams`
- an unwrapped private key kept for one session               -> `sessions`
  (and text being written when an idle session ended, until the next sign-in)
- one-time tokens for invitations                              -> `tokens`
- triage: comparing reports without leaving anything comparable at rest -> `triage`
  * A random *triage key* per desk and recipient set (an "epoch"), sealed to each of those
    recipients' public keys and to nobody else, like a report key. A report is indexed
    under the epoch of its own report-key recipients: whoever can open its entry could
    already read it.
  * It encrypts the index (XChaCha20-Poly1305, bound to epoch and shard): per report an
    int8 embedding vector, a bottom-k MinHash sketch of its text and fingerprints of its
    cleaned files; sketch values and fingerprints are BLAKE2b keyed with subkeys of the
    triage key, never plain hashes, so even a decrypted shard cannot be tested against a
    guessed text or a known file without the key. Links between reports are encrypted with
    each report's own key.
  * Only a recipient's private key opens a triage key: in their signed-in request, or in
    the background analyser of the same web process, to which their session hands the
    key for a bounded time (`tipline.triage.background`). Never through Celery: the broker
    (Redis) would hold the key at rest, and sealing it for the workers would need a key
    they hold on their own, i.e. a server that opens every report unattended. Several
    processes or hosts share the analysis through claims and versioned shard writes in
    the database; no key or plaintext passes between them.
  * A staff member added to a desk later starts a new epoch and holds no earlier triage
    key: no similarity over reports from before (guarantee 3).
  * Limits: the readable rows say which reports are analysed or being analysed, in which
    shard, how many links a report has, and each epoch's members (the same facts as the
    report-key seals). Anyone holding an epoch's key with the database can compare all its
    reports, exactly as they can read them. While analysis runs, the web process holds the
    recipient's private key in memory, until two minutes after their last page (checked
    between passes of 8 reports); Python cannot wipe memory (no swap, no core dumps:
    docs/deploy.md).
  * Keyed hashes differ between epochs. A recipient holding several epochs' keys finds the
    same file or a near-duplicate across them by hashing the report they are reading under
    each other key they hold, in memory, for that request; a newcomer holds no earlier key
    and computes nothing there. Files over 64 MiB are compared within their epoch only.
  * Search: words of a report, its messages and notes, folded (`tipline.triage.words`),
    become 64-bit BLAKE2b tokens keyed with a subkey of the epoch's triage key
    (`search_tokens`), stored beside the report; a search computes the tokens of the words
    typed under each epoch key the analyst holds. Equal tokens within an epoch say that
    two reports share a word, never which; each report's count of distinct words shows.
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
from .derivations import (
    DerivationBusy,
    DerivationService,
    DerivationUnavailable,
    RunningService,
    start_service,
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
    unwrap_partner_credential,
    verify_answer,
    wrap_partner_credential,
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
    reply_digest,
    seal_report_key,
    wrap_report_key_for_reporter,
)
from .sessions import (
    SessionSeal,
    UnsentTextSeal,
    open_from_session,
    open_unsent_text,
    seal_for_session,
    seal_unsent_text,
)
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
    attachment_fingerprints,
    decrypt_triage_index,
    encrypt_triage_index,
    keyed_shingle_values,
    new_triage_key,
    open_sealed_triage_key,
    seal_triage_key,
    search_tokens,
)

__all__ = [
    "DecryptionError",
    "DerivationBusy",
    "DerivationService",
    "DerivationUnavailable",
    "InstallationIdentity",
    "InstallationKeyRecord",
    "MalformedSecret",
    "OpenedPackage",
    "ReceiptSecrets",
    "ReportKey",
    "ReporterKey",
    "RunningService",
    "SessionSeal",
    "ShareKeyPair",
    "StaffEnrolment",
    "StaffKeyRecord",
    "StaffPrivateKey",
    "StreamEncryptor",
    "StreamSizes",
    "TriageKey",
    "UnsentTextSeal",
    "VaultError",
    "attachment_fingerprint",
    "attachment_fingerprints",
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
    "open_unsent_text",
    "package_digest",
    "recover_with_code",
    "reply_digest",
    "seal_claim_code_for_reporter",
    "seal_for_session",
    "seal_package",
    "seal_report_key",
    "seal_to_share",
    "seal_triage_key",
    "seal_unsent_text",
    "search_tokens",
    "sign_answer",
    "start_service",
    "token_digest",
    "unlock_installation_identity",
    "unlock_with_password",
    "unlock_with_recovery_code",
    "unwrap_installation_secret",
    "unwrap_partner_credential",
    "verify_answer",
    "wrap_installation_secret",
    "wrap_partner_credential",
    "wrap_report_key_for_reporter",
    "wrap_with_password",
]
