"""The audit log in the admin: readable and filterable, never writable."""

from typing import Any

from django.contrib import admin
from django.contrib.admin.options import ModelAdmin
from django.http import HttpRequest

from .actions import record
from .models import AuditEvent


class AuditedAdmin(ModelAdmin):
    """A ModelAdmin whose every change also lands in Tipline's audit log.

    Django's admin calls these hooks inside the transaction that saves the change.
    """

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, "created")
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        self._audit(request, obj, "changed")
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        for obj in queryset:
            self._audit(request, obj, "deleted")
        return super().log_deletions(request, queryset)

    def _audit(self, request: HttpRequest, obj: Any, verb: str) -> None:
        record(
            f"admin.{obj._meta.model_name}.{verb}",
            actor=request.user,
            object_id=str(obj.pk),
            object=str(obj)[:200],
        )


class ReadOnlyAdmin(ModelAdmin):
    """Listed and readable in the admin; never added, changed or deleted there."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "action", "actor", "desk", "report_id"]
    list_filter = ["action", "desk"]
    search_fields = ["action", "actor__username"]
    date_hierarchy = "at"
    list_select_related = ["actor", "desk"]
