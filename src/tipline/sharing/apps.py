from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "tipline.sharing"
    verbose_name = "Sharing"
