"""Categories and questions are configuration, edited here. Reports are listed by their
readable routing columns only: their content is encrypted and opens only on the desk."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from tipline.audit.admin import AuditedAdmin, ReadOnlyAdmin
from tipline.desks.admin import DeskAdmin
from tipline.desks.models import Desk

from .categories import install_default_categories
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


class DeskWithShippedCategoriesAdmin(DeskAdmin):
    """The desks' admin, where a new desk starts with the shipped categories and questions,
    as one made by `tipline createdesk` does: without any, its public page would offer a
    reporter nothing to choose. Here, since categories are this room's, not the desks'."""

    def save_model(self, request: HttpRequest, obj: Desk, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            install_default_categories(obj, acting_user=request.user)


admin.site.unregister(Desk)
admin.site.register(Desk, DeskWithShippedCategoriesAdmin)
