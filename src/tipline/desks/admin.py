from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tipline.audit.admin import AuditedAdmin

from .models import Desk, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["staff", "receives_reports", "added_at"]
    readonly_fields = ["added_at"]


@admin.register(Desk)
class DeskAdmin(AuditedAdmin):
    list_display = ["name", "slug", "retention_days", "created_at"]
    prepopulated_fields = {"slug": ["name"]}
    fields = [
        "name",
        "slug",
        "languages",
        "retention_days",
        "max_attachments",
        "max_attachment_megabytes",
        "uncleanable_files",
        "acknowledge_within_days",
        "feedback_within_days",
        "notifications_name_category",
        "staff_need_security_key",
    ]
    inlines = [MembershipInline]

    def save_model(self, request: HttpRequest, obj: Desk, form: Any, change: bool) -> None:
        """A desk made here starts with the shipped categories, as `tipline createdesk`'s
        does: without any, its public page would offer a reporter nothing to choose."""
        from tipline.intake.categories import install_default_categories  # intake uses desks

        super().save_model(request, obj, form, change)
        if not change:
            install_default_categories(obj, acting_user=request.user)
