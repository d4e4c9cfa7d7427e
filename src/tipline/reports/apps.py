from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The report's own room. Its label stays "intake", the name it had before the
    reporter's pages moved out (to `tipline.reporter`), so that every existing database
    keeps its tables, its migration history and its content types unchanged."""

    name = "tipline.reports"
    label = "intake"
    verbose_name = "Reports"
