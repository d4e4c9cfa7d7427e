from typing import Any

from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tipline.triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        from tipline.intake.signals import report_submitted

        report_submitted.connect(_detect_language, dispatch_uid="triage.detect_language")


def _detect_language(sender: Any, *, report: Any, text: str, **kwargs: Any) -> None:
    from .actions import record_detected_language

    record_detected_language(report, text)
