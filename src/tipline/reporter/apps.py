from django.apps import AppConfig


class ReporterConfig(AppConfig):
    """The reporter's pages: a face over the report room that no staff room imports."""

    name = "tipline.reporter"
    verbose_name = "Reporter's pages"
