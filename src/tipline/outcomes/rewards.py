"""Anonymous rewards: proposed by an analyst, decided by a second person, claimed with a
one-time code the reporter reads on their receipt page, paid against that code.

States: proposed -> approved | refused; approved -> claimable (the reporter's page made the
code) -> paid; approved or claimable -> expired when the claim window passes. Every step is
a conditional update (`filter(state=...).update(...)`), so of two requests racing for the
same step exactly one wins; and every step is audited.
"""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tipline import vault
from tipline.accounts.models import Role, StaffUser
from tipline.audit.actions import record
from tipline.desks.models import Desk, Membership
from tipline.reports.conversation import OpenedReport
from tipline.reports.models import Report
from tipline.reports.receipts import Receipt
from tipline.reports.reporter_time import reporter_day

from .currencies import is_currency
from .models import Reward, RewardProgramme, RewardState
from .numbers import grouped

DECIDERS = {Role.SUPERVISOR, Role.ADMINISTRATOR}


class ClaimRefused(Exception):
    """A claim code that pays nothing. One kind of answer whatever the reason, so a guesser
    learns nothing about which codes exist."""


def set_programme(
    desk: Desk,
    *,
    currency: str,
    ceiling: Decimal,
    claim_days: int = 90,
    active: bool = True,
    publish_results: bool = False,
    acting_user: StaffUser,
) -> RewardProgramme:
    currency = currency.strip().upper()
    if not is_currency(currency):
        raise ValidationError(_("The currency must be an ISO 4217 code such as USD or PKR."))
    if not Decimal(0) < ceiling < Decimal("1e12") or not 1 <= claim_days <= 3650:
        raise ValidationError(_("The ceiling must be above zero and the window 1 to 3650 days."))
    with transaction.atomic():
        programme, _created = RewardProgramme.objects.update_or_create(
            desk=desk,
            defaults={
                "currency": currency,
                "ceiling": ceiling,
                "claim_days": claim_days,
                "active": active,
                "publish_results": publish_results,
            },
        )
        record(
            "rewards.programme_set",
            actor=acting_user,
            desk=desk,
            currency=currency,
            ceiling=str(ceiling),
            claim_days=claim_days,
            active=active,
            publish_results=publish_results,
        )
    return programme


def propose(report: Report, amount: object, *, acting_user: StaffUser) -> Reward:
    """An analyst proposes a reward for a report, within the desk's programme."""
    programme = RewardProgramme.objects.filter(desk_id=report.desk_id, active=True).first()
    if programme is None:
        raise ValidationError(_("This desk runs no reward programme."))
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("The amount must be a number.")) from None
    if not value.is_finite() or not Decimal(0) < value <= programme.ceiling:
        raise ValidationError(
            _("The amount must be above zero and at most %(ceiling)s %(currency)s.")
            % {
                "ceiling": grouped(programme.ceiling, get_language() or "en"),
                "currency": programme.currency,
            }
        )
    with transaction.atomic():
        reward = Reward.objects.create(
            report=report,
            desk_id=report.desk_id,
            category_id=report.category_id,
            amount=value,
            currency=programme.currency,
            proposed_by=acting_user,
        )
        _audit("reward.proposed", reward, acting_user, amount=str(value))
    return reward


def decide(reward: Reward, *, approve: bool, acting_user: StaffUser) -> Reward:
    """A supervisor of the desk, never the proposer, approves or refuses a proposal."""
    if acting_user.role not in DECIDERS or not acting_user.is_active:
        raise ValidationError(_("Only a supervisor decides on rewards."))
    if acting_user.pk == reward.proposed_by_id:
        raise ValidationError(_("Someone other than the proposer must decide on a reward."))
    if not Membership.objects.filter(desk_id=reward.desk_id, staff=acting_user).exists():
        raise ValidationError(_("Only a supervisor of this desk decides on its rewards."))
    now = timezone.now()
    programme = RewardProgramme.objects.get(desk_id=reward.desk_id)
    with transaction.atomic():
        changed = Reward.objects.filter(pk=reward.pk, state=RewardState.PROPOSED).update(
            state=RewardState.APPROVED if approve else RewardState.REFUSED,
            decided_by=acting_user,
            decided_at=now,
            expires_at=now + datetime.timedelta(days=programme.claim_days) if approve else None,
        )
        if not changed:
            raise ValidationError(_("This reward was decided already."))
        reward.refresh_from_db()
        _audit("reward.approved" if approve else "reward.refused", reward, acting_user)
    return reward


def claim_code_for_reporter(opened: OpenedReport, receipt: Receipt) -> list[tuple[Reward, str]]:
    """The rewards the reporter may see on their receipt page, each with its claim code
    ("" when there is none to show: paid, expired).

    An approved reward becomes claimable here: its code is made now, the first time the
    reporter opens the page, stored as a digest and sealed for the reporter alone.
    """
    expire_due()
    shown = []
    rewards = Reward.objects.filter(
        report=opened.report,
        state__in=[RewardState.APPROVED, RewardState.CLAIMABLE, RewardState.PAID],
    ).order_by("proposed_at", "id")
    for reward in rewards:
        if reward.state == RewardState.APPROVED:
            _make_claimable(reward, opened, receipt)
            reward.refresh_from_db()
        code = ""
        if reward.state == RewardState.CLAIMABLE and reward.claim_code_for_reporter:
            code = vault.open_claim_code_as_reporter(
                opened.report_key,
                receipt.digits,
                bytes(reward.claim_code_for_reporter),
                context=reward.claim_context(),
            )
        shown.append((reward, code))
    return shown


def pay(desk: Desk, typed_code: str, *, acting_user: StaffUser) -> Reward:
    """Record the payment of the reward a claim code stands for. Once only: of two
    payments of the same code at once, one wins and the other gets `ClaimRefused`."""
    try:
        digest = vault.claim_code_digest(typed_code)
    except vault.MalformedSecret:
        raise ClaimRefused from None
    expire_due()
    reward = Reward.objects.filter(desk=desk, claim_digest=digest).first()
    if reward is None:
        raise ClaimRefused
    with transaction.atomic():
        changed = Reward.objects.filter(
            pk=reward.pk, state=RewardState.CLAIMABLE, expires_at__gt=timezone.now()
        ).update(state=RewardState.PAID, paid_by=acting_user, paid_at=timezone.now())
        if not changed:
            raise ClaimRefused
        reward.refresh_from_db()
        _audit("reward.paid", reward, acting_user, amount=str(reward.amount))
    return reward


def expire_due(now: datetime.datetime | None = None) -> int:
    """Expire approved or claimable rewards whose claim window has passed; audited."""
    now = now or timezone.now()
    due = list(
        Reward.objects.filter(
            state__in=[RewardState.APPROVED, RewardState.CLAIMABLE], expires_at__lte=now
        ).values_list("pk", flat=True)[:500]
    )
    expired = 0
    for pk in due:
        with transaction.atomic():
            if Reward.objects.filter(
                pk=pk, state__in=[RewardState.APPROVED, RewardState.CLAIMABLE]
            ).update(state=RewardState.EXPIRED):
                _audit("reward.expired", Reward.objects.get(pk=pk), None)
                expired += 1
    return expired


def _make_claimable(reward: Reward, opened: OpenedReport, receipt: Receipt) -> None:
    code = vault.new_claim_code()
    with transaction.atomic():
        changed = Reward.objects.filter(pk=reward.pk, state=RewardState.APPROVED).update(
            state=RewardState.CLAIMABLE,
            claimable_at=reporter_day(),  # the day the reporter came, never the moment
            claim_digest=vault.claim_code_digest(code),
            claim_code_for_reporter=vault.seal_claim_code_for_reporter(
                opened.report_key, receipt.digits, code, context=reward.claim_context()
            ),
        )
        if changed:  # else the reporter's other request made it a moment ago
            _audit("reward.claimable", reward, None, at=reporter_day())


def _audit(
    action: str,
    reward: Reward,
    actor: StaffUser | None,
    at: datetime.datetime | None = None,
    **extra: str,
) -> None:
    record(
        action,
        actor=actor,
        desk=reward.desk,
        report_id=reward.report_id,
        at=at,
        reward=reward.pk,
        currency=reward.currency,
        **extra,
    )
