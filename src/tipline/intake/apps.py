from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tipline.intake"
    verbose_name = "Reports"
