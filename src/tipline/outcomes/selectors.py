"""Reads for the case page, the receipt page and the desk page."""

from tipline.desks.models import Desk
from tipline.reports.models import Report

from .models import Outcome, Reward, RewardProgramme


def outcome_history(report: Report) -> list[Outcome]:
    """Every entry of the report, current ones and the ones corrections replaced, oldest
    first (the page shows replaced ones struck through, as history)."""
    return list(
        Outcome.objects.filter(report=report)
        .select_related("recorded_by", "supersedes")
        .order_by("recorded_at", "id")
    )


def rewards_of(report: Report) -> list[Reward]:
    return list(Reward.objects.filter(report=report).select_related("proposed_by", "decided_by"))


def programme_of(report: Report) -> RewardProgramme | None:
    return RewardProgramme.objects.filter(desk_id=report.desk_id, active=True).first()


def publishes_results(desk: Desk | None) -> bool:
    """Whether the desk has a public results page: it chose to publish, and it is not a
    training desk (whose reports are synthetic)."""
    if desk is None or desk.is_training:
        return False
    return RewardProgramme.objects.filter(desk=desk, publish_results=True).exists()
