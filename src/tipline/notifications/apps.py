from typing import Any

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tipline.notifications"

    def ready(self) -> None:
        from tipline.intake.signals import report_submitted, reporter_wrote

        report_submitted.connect(_report_arrived, dispatch_uid="notifications.report_arrived")
        reporter_wrote.connect(_reporter_wrote, dispatch_uid="notifications.reporter_wrote")


def _report_arrived(sender: Any, *, report: Any, **kwargs: Any) -> None:
    """Tell the desk's recipients, after the report commits (never its content)."""
    from tipline import jobs

    from .tasks import notify_report_arrived

    jobs.enqueue(notify_report_arrived, str(report.id))


def _reporter_wrote(sender: Any, *, report: Any, **kwargs: Any) -> None:
    from tipline import jobs

    from .tasks import notify_reporter_wrote

    jobs.enqueue(notify_reporter_wrote, str(report.id))
