from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from tipline import vault


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    SUPERVISOR = "supervisor", _("Supervisor")
    ANALYST = "analyst", _("Analyst")


class StaffUserManager(UserManager["StaffUser"]):
    """Accounts are made only by `accounts.actions` (keys, second factor, audit)."""

    def create_superuser(self, *args: Any, **kwargs: Any) -> "StaffUser":
        raise NotImplementedError("use `tipline createstaff --role administrator`")


class StaffUser(AbstractUser):
    """A member of an agency's staff.

    The private key exists here only wrapped (by password and by recovery code); the public
    key is what report keys are sealed to. Administrators configure Tipline but read no
    report unless they are also a desk's recipient.
    """

    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ANALYST)
    public_key = models.BinaryField(max_length=32)
    private_key_by_password = models.BinaryField()
    private_key_by_recovery = models.BinaryField()
    keys_changed_at = models.DateTimeField(default=timezone.now)
    # The language of the staff pages for this person (a code from settings.LANGUAGES);
    # empty until they choose one, so the browser's Accept-Language decides.
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        default="",
        choices=settings.STAFF_LANGUAGES,
        help_text=_("The language of the staff pages for this person."),
    )

    objects = StaffUserManager()

    @property
    def key_record(self) -> vault.StaffKeyRecord:
        return vault.StaffKeyRecord(
            public_key=bytes(self.public_key),
            private_key_by_password=bytes(self.private_key_by_password),
            private_key_by_recovery=bytes(self.private_key_by_recovery),
        )

    def store_key_record(self, record: vault.StaffKeyRecord) -> None:
        """Set the key fields from a record (the caller saves, inside its transaction)."""
        self.public_key = record.public_key
        self.private_key_by_password = record.private_key_by_password
        self.private_key_by_recovery = record.private_key_by_recovery
        self.keys_changed_at = timezone.now()


class Invitation(models.Model):
    """A one-time way in for a new staff member: set a password, enrol the second factor.

    Only a digest of the token is stored, so a copy of the database redeems nothing. No TOTP
    secret is stored with it: each browser that opens the link gets its own, kept in that
    browser's session until the code from it is typed back, so whoever opened the link
    before (the inviting administrator too) knows nothing of the second factor that the
    person enrols. The desks (and whether the
    person receives their reports) are what the inviting administrator chose: the account
    is put on them when the invitation is accepted, never before.
    """

    token_digest = models.CharField(max_length=64, unique=True)
    username = models.CharField(max_length=150)
    role = models.CharField(max_length=16, choices=Role.choices)
    created_by = models.ForeignKey(
        StaffUser, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveIntegerField(default=0)
    desks = models.ManyToManyField("desks.Desk", blank=True, related_name="+")
    receives_reports = models.BooleanField(default=True)
    # Set when an administrator withdrew the link before it was used.
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set for a reset: the account gets a new password, key pair and second factor. Reports
    # sealed to its old key stay closed to it.
    resets = models.ForeignKey(
        StaffUser, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"invitation for {self.username}"


class SecurityKey(Device):
    """A WebAuthn credential (security key or passkey): a second factor beside TOTP.

    A django-otp device, so that signing in with it marks the session verified like a TOTP
    code does (`otp_login`). It verifies no typed token: `security_keys` checks assertions.
    Nothing here is secret: the public key, the credential id and the signature counter,
    which must grow with every use (a smaller one means a cloned key)."""

    credential_id = models.CharField(max_length=1400, unique=True)  # base64url
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def verify_token(self, token: Any) -> bool:
        return False  # never accepts a typed code


class SignInPolicy(models.Model):
    """The installation's sign-in rules (one row, chosen by an administrator)."""

    administrators_need_security_key = models.BooleanField(
        default=False,
        help_text="Administrators must sign in with a security key (TOTP is not enough).",
    )

    class Meta:
        verbose_name_plural = "sign-in policy"

    def __str__(self) -> str:
        return "sign-in policy"

    @classmethod
    def current(cls) -> "SignInPolicy":
        return cls.objects.order_by("pk").first() or cls()
