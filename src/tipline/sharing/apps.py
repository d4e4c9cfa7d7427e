from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SharingConfig(AppConfig):
    name = "tipline.sharing"
    verbose_name = "Sharing"

    def ready(self) -> None:
        post_migrate.connect(_make_identity, sender=self)


def _make_identity(**kwargs: Any) -> None:
    """`tipline migrate` gives the installation its identity (keys made once)."""
    from .identity import ensure_identity

    if kwargs.get("using", "default") == "default":
        ensure_identity()
