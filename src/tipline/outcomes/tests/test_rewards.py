"""The reward flow end to end: proposed by an analyst, decided by another person, the claim
code read on the reporter's receipt page, paid once against the code."""

import re
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.test import Client
from django.utils import formats, timezone, translation

from tipline.audit.models import AuditEvent
from tipline.casework.tests.helpers import report_in
from tipline.outcomes import rewards
from tipline.outcomes.models import Reward, RewardState
from tipline.outcomes.throttle import WRONG_CLAIMS
from tipline.testing.fixtures import DeskWithRecipient

from .helpers import analyst_client, staff_on

pytestmark = pytest.mark.django_db
CLAIM_ON_PAGE = re.compile(r'id="claim-code-\d+" dir="ltr" lang="en">([\d ]+)</p>')


@pytest.fixture(autouse=True)
def fresh_claim_throttle() -> None:
    WRONG_CLAIMS.reset()


@pytest.fixture
def setup(desk_with_recipient: DeskWithRecipient, files_dir: object) -> DeskWithRecipient:
    rewards.set_programme(
        desk_with_recipient.desk, currency="PKR", ceiling=Decimal("50000"), acting_user=None
    )  # type: ignore[arg-type]
    return desk_with_recipient


def reporter_page(receipt: str) -> str:
    response = Client().post("/en/receipt/", {"receipt": receipt})
    assert response.status_code == 200
    return response.content.decode()


def test_reward_flow_from_proposal_to_payment(setup: DeskWithRecipient) -> None:
    report, receipt = report_in(setup)
    analyst = analyst_client(setup)
    response = analyst.post(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/reward/", {"amount": "20000"}
    )
    assert response.status_code == 302
    reward = Reward.objects.get(report=report)
    assert reward.state == RewardState.PROPOSED and reward.currency == "PKR"
    assert "claim-code" not in reporter_page(receipt)  # nothing before approval

    supervisor, _user = staff_on(setup, "sup", "supervisor", step_offset=1)
    response = supervisor.post(f"/staff/outcomes/desk/narcotics/rewards/{reward.pk}/approve/")
    assert response.status_code == 302
    reward.refresh_from_db()
    assert reward.state == RewardState.APPROVED

    page = reporter_page(receipt)
    assert "20,000 PKR" in page and "20000.00" not in page
    code = CLAIM_ON_PAGE.search(page).group(1)  # type: ignore[union-attr]
    reward.refresh_from_db()
    assert reward.state == RewardState.CLAIMABLE
    # Only a digest is stored; the sealed copy is not the code in any form.
    digits = code.replace(" ", "")
    assert digits not in (reward.claim_digest or "")
    assert digits.encode() not in bytes(reward.claim_code_for_reporter or b"")
    # The reporter sees the same code on a later visit.
    assert code in reporter_page(receipt)

    response = supervisor.post("/staff/outcomes/desk/narcotics/rewards/pay/", {"code": code})
    assert response.status_code == 200 and "Paid: 20,000 PKR" in response.content.decode()
    reward.refresh_from_db()
    assert reward.state == RewardState.PAID and reward.paid_at is not None
    assert "was paid" in reporter_page(receipt)
    # Paid once: the same code again pays nothing.
    again = supervisor.post("/staff/outcomes/desk/narcotics/rewards/pay/", {"code": code})
    assert again.status_code == 400
    assert "pays nothing" in again.content.decode()
    actions = list(
        AuditEvent.objects.filter(action__startswith="reward.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "reward.proposed",
        "reward.approved",
        "reward.claimable",
        "reward.paid",
    ]


def test_the_proposer_cannot_approve_their_own_reward(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    supervisor, user = staff_on(setup, "sup", "supervisor")
    reward = rewards.propose(report, "100", acting_user=user)  # type: ignore[arg-type]
    response = supervisor.post(f"/staff/outcomes/desk/narcotics/rewards/{reward.pk}/approve/")
    assert response.status_code == 400
    reward.refresh_from_db()
    assert reward.state == RewardState.PROPOSED
    # And the database refuses it even if the check were bypassed.
    with pytest.raises(IntegrityError), transaction.atomic():
        Reward.objects.filter(pk=reward.pk).update(decided_by=user, state=RewardState.APPROVED)


def test_an_analyst_cannot_decide_a_reward(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    _client, other = staff_on(setup, "other-analyst", "analyst")
    reward = rewards.propose(report, "100", acting_user=other)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        rewards.decide(reward, approve=True, acting_user=setup.analyst)
    reward.refresh_from_db()
    assert reward.state == RewardState.PROPOSED


def test_a_refused_reward_shows_nothing_to_the_reporter(setup: DeskWithRecipient) -> None:
    report, receipt = report_in(setup)
    _client, supervisor = staff_on(setup, "sup", "supervisor")
    reward = rewards.propose(report, "100", acting_user=setup.analyst)
    rewards.decide(reward, approve=False, acting_user=supervisor)  # type: ignore[arg-type]
    assert "Reward" not in reporter_page(receipt)
    assert Reward.objects.get().state == RewardState.REFUSED


@pytest.mark.parametrize("amount", ["0", "-5", "50000.01", "1e30", "NaN", "abc"])
def test_an_amount_outside_the_programme_is_refused(setup: DeskWithRecipient, amount: str) -> None:
    report, _receipt = report_in(setup)
    client = analyst_client(setup)
    response = client.post(
        f"/staff/outcomes/desk/narcotics/report/{report.number}/reward/", {"amount": amount}
    )
    assert response.status_code == 400
    assert not Reward.objects.exists()


def test_reward_figures_read_in_the_page_language(setup: DeskWithRecipient) -> None:
    """The reporter's Urdu page groups the amount as staff pages do and writes the claim
    deadline in the same date format as the rest of that page; the staff form and its
    refusal group the ceiling."""
    report, receipt = report_in(setup)
    _client, supervisor = staff_on(setup, "sup", "supervisor")
    reward = rewards.propose(report, "5000", acting_user=setup.analyst)
    rewards.decide(reward, approve=True, acting_user=supervisor)  # type: ignore[arg-type]
    response = Client().post("/ur/receipt/", {"receipt": receipt})
    page = response.content.decode()
    assert response.status_code == 200 and CLAIM_ON_PAGE.search(page)
    assert "5,000 PKR" in page and "5000.00" not in page
    reward.refresh_from_db()
    expires = timezone.localtime(reward.expires_at)
    with translation.override("ur"):
        deadline = formats.date_format(expires, "SHORT_DATE_FORMAT")
    assert deadline != expires.strftime("%Y-%m-%d") and deadline in page
    assert expires.strftime("%Y-%m-%d") not in page

    client = analyst_client(setup)
    case = client.get(f"/staff/desk/narcotics/report/{report.number}/").content.decode()
    assert "50,000" in case and "50000.00" not in case
    with pytest.raises(ValidationError) as refused:
        rewards.propose(report, "60000", acting_user=setup.analyst)
    assert "50,000 PKR" in str(refused.value)


def approved_and_claimable(setup: DeskWithRecipient) -> tuple[Reward, str, object]:
    report, receipt = report_in(setup)
    _client, supervisor = staff_on(setup, "sup", "supervisor")
    reward = rewards.propose(report, "500", acting_user=setup.analyst)
    rewards.decide(reward, approve=True, acting_user=supervisor)  # type: ignore[arg-type]
    code = CLAIM_ON_PAGE.search(reporter_page(receipt)).group(1)  # type: ignore[union-attr]
    return reward, code, supervisor


@pytest.mark.parametrize(
    "typed", ["", "1234", "0000 0000 0000 0000 0000", "٠١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧٨٩", "x" * 64, "\u202e12"]
)
def test_a_wrong_claim_code_gets_one_answer_and_pays_nothing(
    setup: DeskWithRecipient, typed: str
) -> None:
    reward, _code, supervisor = approved_and_claimable(setup)
    with pytest.raises(rewards.ClaimRefused):
        rewards.pay(setup.desk, typed, acting_user=supervisor)  # type: ignore[arg-type]
    reward.refresh_from_db()
    assert reward.state == RewardState.CLAIMABLE


def test_wrong_claim_codes_are_throttled(setup: DeskWithRecipient) -> None:
    _reward, code, _supervisor = approved_and_claimable(setup)
    client, _user = staff_on(setup, "sup2", "supervisor", step_offset=1)
    url = "/staff/outcomes/desk/narcotics/rewards/pay/"
    for _ in range(10):
        assert client.post(url, {"code": "1" * 20}).status_code == 400
    assert client.post(url, {"code": code}).status_code == 429
    assert Reward.objects.get().state == RewardState.CLAIMABLE


@pytest.mark.django_db(transaction=True)
def test_two_payments_of_one_code_at_once_pay_once(
    desk_with_recipient: DeskWithRecipient, files_dir: object
) -> None:
    setup = desk_with_recipient
    rewards.set_programme(setup.desk, currency="PKR", ceiling=Decimal("900"), acting_user=None)  # type: ignore[arg-type]
    reward, code, supervisor = approved_and_claimable(setup)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def pay() -> None:
        try:
            barrier.wait()
            rewards.pay(setup.desk, code, acting_user=supervisor)  # type: ignore[arg-type]
            results.append("paid")
        except rewards.ClaimRefused:
            results.append("refused")
        finally:
            close_old_connections()

    if connection.vendor == "sqlite" and connection.settings_dict["NAME"] == ":memory:":
        pytest.skip("threads need a database file")  # pragma: no cover
    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["paid", "refused"]
    assert AuditEvent.objects.filter(action="reward.paid").count() == 1
    reward.refresh_from_db()
    assert reward.state == RewardState.PAID


def test_an_expired_reward_cannot_be_paid(setup: DeskWithRecipient) -> None:
    import datetime

    from django.utils import timezone

    reward, code, supervisor = approved_and_claimable(setup)
    assert rewards.expire_due(timezone.now() + datetime.timedelta(days=91)) == 1
    with pytest.raises(rewards.ClaimRefused):
        rewards.pay(setup.desk, code, acting_user=supervisor)  # type: ignore[arg-type]
    reward.refresh_from_db()
    assert reward.state == RewardState.EXPIRED


def test_each_reward_action_has_its_own_address(setup: DeskWithRecipient) -> None:
    report, _receipt = report_in(setup)
    reward = rewards.propose(report, "100", acting_user=setup.analyst)
    supervisor, _user = staff_on(setup, "sup", "supervisor", step_offset=1)
    base = "/staff/outcomes/desk/narcotics/rewards/"
    page = supervisor.get(base).content.decode()
    assert f'action="{base}{reward.pk}/refuse/"' in page
    assert f'formaction="{base}{reward.pk}/approve/"' in page
    assert f'action="{base}pay/"' in page and f'action="{base}programme/"' in page
    assert supervisor.post(base, {"what": "refuse", "reward": reward.pk}).status_code == 405
    assert supervisor.post(f"{base}{reward.pk}/refuse/").status_code == 302
    reward.refresh_from_db()
    assert reward.state == RewardState.REFUSED
    response = supervisor.post(
        f"{base}programme/", {"currency": "usd", "ceiling": "10", "claim_days": "30"}
    )
    assert response.status_code == 302
    bad = supervisor.post(f"{base}programme/", {"currency": "usd", "ceiling": "-1"})
    assert bad.status_code == 400 and "Save programme" in bad.content.decode()
