from typing import Any

from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tipline.triage"
    verbose_name = "Triage"

    def ready(self) -> None:
        from tipline.reports.signals import report_submitted, reporter_wrote

        report_submitted.connect(_detect_language, dispatch_uid="triage.detect_language")
        report_submitted.connect(_words_changed, dispatch_uid="triage.search_new_report")
        reporter_wrote.connect(_words_changed, dispatch_uid="triage.search_new_message")


def _detect_language(sender: Any, *, report: Any, text: str, **kwargs: Any) -> None:
    from .actions import record_detected_language

    record_detected_language(report, text)


def _words_changed(sender: Any, *, report: Any, **kwargs: Any) -> None:
    """A report arrived or its reporter wrote: in the same transaction, its search tokens
    wait for a recipient's key."""
    from .search import mark_waiting

    mark_waiting(report)
