from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "tipline.casework"
    verbose_name = "Case desk"
