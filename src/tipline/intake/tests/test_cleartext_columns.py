"""Guarantee 1 holds by construction: every column of report data is declared readable
(with a reason) or encrypted, and encrypted ones are binary ciphertext."""

from django.apps import apps
from django.db import models

from tipline.intake.cleartext import ENCRYPTED, READABLE


def test_every_report_column_is_declared_readable_or_encrypted() -> None:
    for label in set(READABLE) | set(ENCRYPTED):
        model = apps.get_model(label)
        columns = {field.name for field in model._meta.concrete_fields}
        declared = set(READABLE.get(label, {})) | ENCRYPTED.get(label, set())
        assert columns == declared, f"{label}: undeclared {columns - declared}"


def test_encrypted_columns_are_binary() -> None:
    for label, names in ENCRYPTED.items():
        model = apps.get_model(label)
        for name in names:
            assert isinstance(model._meta.get_field(name), models.BinaryField), (label, name)


def test_every_intake_model_holding_report_data_is_listed() -> None:
    config = apps.get_app_config("intake")
    configuration = {"Category", "Question", "ReceiptSalt"}
    listed = {label.split(".")[1] for label in READABLE if label.startswith("intake.")}
    assert {m.__name__ for m in config.get_models()} - configuration == listed
