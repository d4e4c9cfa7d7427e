"""Only readers write results: a desk member to whom a report was not sealed can neither
record, correct nor withdraw its outcomes, nor propose a reward for it."""

import datetime
from decimal import Decimal

import pytest
from django.test import Client

from tipline.accounts.actions import create_staff
from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.desks.actions import add_member
from tipline.outcomes import actions, rewards
from tipline.outcomes.actions import OutcomeFacts
from tipline.outcomes.models import Outcome, Reward
from tipline.testing.fixtures import STRONG_PASSWORD, DeskWithRecipient, sign_in

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime.now(datetime.UTC).date()


@pytest.fixture
def outsider(desk_with_recipient: DeskWithRecipient, files_dir: object) -> dict:
    """A report, one outcome on it, and an administrator on the desk who is no recipient."""
    setup = desk_with_recipient
    rewards.set_programme(setup.desk, currency="PKR", ceiling=Decimal(1000), acting_user=None)  # type: ignore[arg-type]
    report, _receipt = report_in(setup)
    outcome = actions.record_outcome(
        report, OutcomeFacts("arrests", TODAY, count=1), acting_user=setup.analyst
    )
    admin = create_staff(
        username="admin", password=STRONG_PASSWORD, role="administrator", acting_user=None
    )
    add_member(setup.desk, admin.user, receives_reports=False, acting_user=None)
    client = Client()
    sign_in(client, admin.user, admin.device)
    base = f"/staff/outcomes/desk/narcotics/report/{report.number}"
    return {"client": client, "base": base, "outcome": outcome, "report": report}


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/record/", {"kind": "cleared", "occurred_on": TODAY.isoformat()}),
        ("/correct/{pk}/", {"kind": "arrests", "occurred_on": TODAY.isoformat(), "count": "5"}),
        ("/withdraw/{pk}/", {}),
        ("/reward/", {"amount": "100"}),
    ],
)
def test_a_member_who_is_no_recipient_writes_no_result(
    outsider: dict, path: str, data: dict
) -> None:
    audited = AuditEvent.objects.filter(action__startswith="outcome.")
    before = set(audited.values_list("pk", flat=True))
    url = outsider["base"] + path.format(pk=outsider["outcome"].pk)
    response = outsider["client"].post(url, data)
    assert response.status_code == 403
    assert Outcome.objects.count() == 1 and Outcome.objects.get().current
    assert not Reward.objects.exists()
    assert set(audited.values_list("pk", flat=True)) == before


def test_the_same_member_reads_the_figures(outsider: dict) -> None:
    """Statistics stay open to them: counts, not content."""
    assert outsider["client"].get("/staff/outcomes/desk/narcotics/").status_code == 200
