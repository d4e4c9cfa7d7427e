from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "tipline.server"
    verbose_name = "Server"
