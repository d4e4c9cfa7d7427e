from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "tipline.outcomes"
    verbose_name = "Outcomes"
