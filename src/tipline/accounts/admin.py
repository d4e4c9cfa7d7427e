"""Staff accounts in the admin. Passwords and keys are not editable here: a password set by
someone else would not open the owner's private key (DESIGN.md, "Keys")."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tipline.audit.admin import AuditedAdmin, ReadOnlyAdmin

from .models import Invitation, Role, StaffUser


@admin.register(StaffUser)
class StaffUserAdmin(AuditedAdmin):
    list_display = ["username", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active"]
    search_fields = ["username", "email"]
    fieldsets = [
        (
            None,
            {
                "fields": ["username", "email", "role", "is_active", "last_login", "date_joined"],
                "description": (
                    "Passwords are not set here. A person's password (or the recovery code "
                    "they were given once) is the only thing that opens the key their reports "
                    "are sealed to: a password set by an administrator would give them back "
                    "nothing. Someone who forgot their password uses their recovery code at "
                    "/staff/recover/. To stop an account, untick Active."
                ),
            },
        )
    ]
    readonly_fields = ["username", "last_login", "date_joined"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # accounts come from invitations or `tipline createstaff`

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # revoke (untick "active"): the audit log keeps its actors

    def save_model(self, request: HttpRequest, obj: StaffUser, form: Any, change: bool) -> None:
        obj.is_staff = obj.is_superuser = obj.role == Role.ADMINISTRATOR
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["username", "role", "created_at", "expires_at", "used_at"]
    fields = ["username", "role", "created_by", "created_at", "expires_at", "used_at"]
    readonly_fields = fields
