"""Categories and questions are configuration, edited here. Reports are listed by their
readable routing columns only: their content is encrypted and opens only on the desk."""

from django.contrib import admin

from tipline.audit.admin import AuditedAdmin, ReadOnlyAdmin

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
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "category", "language", "status", "received_at"]
    list_filter = ["desk", "status", "language"]
    fields = ["desk", "number", "category", "language", "status", "received_at"]
    readonly_fields = fields
