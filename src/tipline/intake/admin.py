"""Categories and questions are configuration, edited here. Reports are listed by their
readable routing columns only: their content is encrypted and opens only on the desk."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tipline.audit.admin import AuditedAdmin

from .models import Category, Question, Report


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fields = ["position", "key", "kind", "required", "labels", "help_texts", "choices"]


@admin.register(Category)
class CategoryAdmin(AuditedAdmin):
    list_display = ["__str__", "desk", "slug", "position", "is_active"]
    list_filter = ["desk", "is_active"]
    fields = ["desk", "slug", "position", "is_active", "names", "descriptions"]
    inlines = [QuestionInline]


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["__str__", "category", "language", "status", "received_at"]
    list_filter = ["desk", "status", "language"]
    fields = ["desk", "number", "category", "language", "status", "received_at"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
