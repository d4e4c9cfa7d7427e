from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "tipline.accounts"
    verbose_name = "Staff accounts"
