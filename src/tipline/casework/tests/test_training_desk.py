"""A training desk says TRAINING on every staff page and in every export; a real one never."""

import io
import zipfile

import pytest
from django.test import Client

from tipline.desks.models import Desk
from tipline.testing.fixtures import DeskWithRecipient, sign_in

from .helpers import report_in

CASE = "/staff/desk/narcotics/report/1/"


def pages_and_export(setup: DeskWithRecipient) -> tuple[list[str], str]:
    report_in(setup)
    client = Client()
    sign_in(client, setup.analyst, setup.device)
    pages = [
        client.get(path).content.decode()
        for path in ("/staff/desk/narcotics/", CASE, "/staff/settings/")
    ]
    response = client.get(CASE + "export/")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return pages, archive.read("summary.txt").decode()


@pytest.mark.django_db
def test_every_page_and_export_of_a_training_desk_says_training() -> None:
    setup = DeskWithRecipient()
    Desk.objects.filter(pk=setup.desk.pk).update(is_training=True)
    pages, summary = pages_and_export(setup)
    for page in pages[:2]:
        assert '<strong class="training-banner" role="note">TRAINING</strong>' in page
    assert summary.startswith("TRAINING")


@pytest.mark.django_db
def test_a_real_desk_never_says_training() -> None:
    pages, summary = pages_and_export(DeskWithRecipient())
    assert not any("TRAINING" in page for page in pages)
    assert "TRAINING" not in summary
