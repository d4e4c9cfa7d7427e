from django.contrib import admin

from tipline.audit.admin import AuditedAdmin

from .models import Label


@admin.register(Label)
class LabelAdmin(AuditedAdmin):
    list_display = ["name", "desk"]
    list_filter = ["desk"]
