"""Guarantee 1 holds by construction: every column of report data, in every app, is declared
readable (with a reason) or encrypted, and encrypted ones are binary ciphertext.

Each app that keeps anything about a report has a `cleartext` module with `READABLE` (column
-> why it must be readable), `ENCRYPTED` (columns of ciphertext) and `CONFIGURATION` (its
models that hold no report data at all). A new model or column fails these tests until it is
declared there.
"""

from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.db import models


def cleartext_modules() -> dict[str, ModuleType]:
    found = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("tipline."):
            continue
        try:
            found[config.label] = import_module(f"{config.name}.cleartext")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.cleartext":
                raise
    return found


def test_the_apps_that_keep_report_data_declare_their_columns() -> None:
    assert "intake" in cleartext_modules()


def test_every_report_column_is_declared_readable_or_encrypted() -> None:
    for module in cleartext_modules().values():
        for label in set(module.READABLE) | set(module.ENCRYPTED):
            model = apps.get_model(label)
            columns = {field.name for field in model._meta.concrete_fields}
            declared = set(module.READABLE.get(label, {})) | module.ENCRYPTED.get(label, set())
            assert columns == declared, f"{label}: undeclared {columns - declared}"


def test_encrypted_columns_are_binary() -> None:
    for module in cleartext_modules().values():
        for label, names in module.ENCRYPTED.items():
            model = apps.get_model(label)
            for name in names:
                field = model._meta.get_field(name)
                assert isinstance(field, models.BinaryField), (label, name)


def test_every_model_of_an_app_keeping_report_data_is_declared() -> None:
    for app_label, module in cleartext_modules().items():
        declared = {
            label.split(".")[1]
            for label in set(module.READABLE) | set(module.ENCRYPTED)
            if label.startswith(f"{app_label}.")
        }
        configuration = set(getattr(module, "CONFIGURATION", set()))
        models_of_app = {m.__name__ for m in apps.get_app_config(app_label).get_models()}
        assert models_of_app - configuration == declared, app_label
