"""Staff accounts in the admin. Passwords and keys are not editable here: a password set by
someone else would not open the owner's private key (DESIGN.md, "Keys")."""

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from tipline.audit.admin import AuditedAdmin, ReadOnlyAdmin

from .actions import reset_staff
from .models import Invitation, Role, SignInPolicy, StaffUser

# django-otp's admin shows each device's TOTP secret: a secret is shown once, at enrolment,
# to its owner, and never again to anyone. A lost authenticator is replaced by a reset.
if admin.site.is_registered(TOTPDevice):
    admin.site.unregister(TOTPDevice)


@admin.register(StaffUser)
class StaffUserAdmin(AuditedAdmin):
    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "email"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "username",
                    "email",
                    "role",
                    "language",
                    "is_active",
                    "last_login",
                    "date_joined",
                ],
                "description": _(
                    "Passwords are not set here. A person's password (or the recovery code "
                    "they were given once) is the only thing that opens the key their reports "
                    "are sealed to: a password set by an administrator would give them back "
                    "nothing. Someone who forgot their password uses their recovery code at "
                    "/staff/recover/. To stop an account, untick Active. New colleagues are "
                    "invited at /staff/invitations/."
                ),
            },
        )
    ]
    readonly_fields = ["username", "last_login", "date_joined"]

    actions = ["reset_with_a_new_key"]

    @admin.action(
        description=_("Reset: new password, key and second factor (old reports stay closed)")
    )
    def reset_with_a_new_key(self, request: HttpRequest, queryset: Any) -> None:
        for user in queryset:
            token = reset_staff(user, acting_user=request.user)  # type: ignore[arg-type]
            link = request.build_absolute_uri(f"/staff/invitation/{token}/")
            self.message_user(
                request,
                gettext(
                    "Give %(name)s this one-time link (24 hours): %(link)s . It sets a new "
                    "password, key and second factor. Reports sealed to their old key stay closed "
                    "to them: only their old password or recovery code could open those, and "
                    "nobody can give that back."
                )
                % {"name": user.username, "link": link},
                messages.WARNING,
            )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts come from invitations or `tipline createstaff`

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke (untick "active"): the audit log keeps its actors

    def save_model(self, request: HttpRequest, obj: StaffUser, form: Any, change: bool) -> None:
        obj.is_staff = obj.is_superuser = obj.role == Role.ADMINISTRATOR
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    """Read-only here; made, listed and revoked on the invitations page (/staff/invitations/).
    An invitation holds no secret: only its token's digest."""

    list_display = ["username", "role", "created_at", "expires_at", "used_at", "revoked_at"]
    fields = [
        "username",
        "role",
        "desks",
        "receives_reports",
        "created_by",
        "created_at",
        "expires_at",
        "used_at",
        "revoked_at",
    ]
    readonly_fields = fields


@admin.register(SignInPolicy)
class SignInPolicyAdmin(AuditedAdmin):
    """One row: whether administrators must use a security key. A desk's staff are required
    to in the desk's own settings."""

    fields = ["administrators_need_security_key"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not SignInPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
