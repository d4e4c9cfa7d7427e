"""Every text cell of every CSV, the header row included, that a spreadsheet could run as
a formula is neutralised: category names are set by administrators."""

import csv
import io
import re

import pytest

from tipline.casework.tests.helpers import report_in
from tipline.outcomes.views import _safe_cell
from tipline.reports.models import Category
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import staff_on

pytestmark = pytest.mark.django_db
NAMES = {
    "drug-trafficking": '=HYPERLINK("http://x","y")',
    "arms-trafficking": "\t=1+1",
}
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def test_no_csv_cell_starts_a_formula(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    setup = desk_with_recipient
    for slug, name in NAMES.items():
        Category.objects.filter(desk=setup.desk, slug=slug).update(names={"en": name})
        report_in(setup, category=slug)
    client, _user = staff_on(setup, "sup", "supervisor")
    page = client.get("/staff/outcomes/desk/narcotics/").content.decode()
    sections = re.findall(r'href="(/staff/outcomes/desk/narcotics/csv/[^"]+)"', page)
    assert len(sections) >= 10
    headers = []
    for url in sections:
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200
        for row in csv.reader(io.StringIO(response.content.decode(), newline="")):
            for cell in row:
                assert not cell.startswith(DANGEROUS), (url, cell)
        headers += next(csv.reader(io.StringIO(response.content.decode(), newline="")))
    assert '\'=HYPERLINK("http://x","y")' in headers and "'\t=1+1" in headers


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@A1", "\t=1", "\r=1", "\r@SUM(1)"])
def test_every_formula_start_is_neutralised(text: str) -> None:
    assert _safe_cell(text) == "'" + text


def test_plain_text_is_left_alone() -> None:
    assert _safe_cell("Drug trafficking") == "Drug trafficking"
    assert _safe_cell("منشیات") == "منشیات"
