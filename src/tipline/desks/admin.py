from django.contrib import admin

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
