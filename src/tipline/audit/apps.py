from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tipline.audit"
    verbose_name = "Audit log"
