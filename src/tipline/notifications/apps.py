from typing import Any

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tipline.notifications"

    def ready(self) -> None:
        from tipline.accounts.signals import security_changed
        from tipline.reports.signals import report_submitted, reporter_wrote

        report_submitted.connect(_report_arrived, dispatch_uid="notifications.report_arrived")
        reporter_wrote.connect(_reporter_wrote, dispatch_uid="notifications.reporter_wrote")
        security_changed.connect(_security_changed, dispatch_uid="notifications.security")


def _report_arrived(
    sender: Any, *, report: Any, shared_by: str = "", marking: str = "", **kwargs: Any
) -> None:
    """Tell the desk's recipients, after the report commits (never its content; for a
    share, who shared it and its marking)."""
    from tipline import jobs

    from .tasks import notify_report_arrived

    jobs.enqueue(notify_report_arrived, str(report.id), shared_by, marking)


def _reporter_wrote(sender: Any, *, report: Any, **kwargs: Any) -> None:
    from tipline import jobs

    from .tasks import notify_reporter_wrote

    jobs.enqueue(notify_reporter_wrote, str(report.id))


def _security_changed(
    sender: Any, *, account: Any, event: str, key: str = "", **kwargs: Any
) -> None:
    """Tell the account's holder and the administrators, after the change commits."""
    from tipline import jobs

    from .tasks import notify_account_security

    jobs.enqueue(notify_account_security, str(account.pk), event, key)
