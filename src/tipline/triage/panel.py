"""Triage's part of the case page: detected language, links and related reports."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tipline.accounts.models import StaffUser
from tipline.reports import conversation
from tipline.reports.access import private_key_of
from tipline.reports.models import Report

from . import actions, background, language, selectors
from .actions import LinkKind
from .models import DetectedLanguage, Indexed

REASONS = {
    selectors.Reason.TEXT: _("similar text"),
    selectors.Reason.NEAR_DUPLICATE: _("near-duplicate text"),
    selectors.Reason.ATTACHMENT: _("same attachment"),
}
KINDS = {
    LinkKind.RELATED: _("related"),
    LinkKind.DUPLICATE_OF: _("duplicate of"),
    LinkKind.HAS_DUPLICATE: _("has duplicate"),
}


@dataclass(frozen=True)
class Shown:
    report: Report
    score: float
    reasons: list[str]


def panel(
    request: HttpRequest, opened: conversation.OpenedReport, user: StaffUser
) -> dict[str, Any]:
    """What the case page shows of triage. It analyses nothing itself: while reports of the
    desk sealed to this user wait (this one first), it hands them to the background
    analyser with this session's key, and shows related reports where the index has them."""
    private_key = private_key_of(request, user)
    report = opened.report
    waiting = actions.waiting_count(report.desk_id, user)
    analysed = Indexed.objects.filter(report=report).exists()
    if waiting:
        background.hand_over_from(
            request, user, report.desk_id, first=None if analysed else report.pk
        )
    matches = selectors.related_reports(opened, user, private_key) if analysed else None
    others = {
        r.pk: r
        for r in Report.objects.filter(
            desk_id=report.desk_id,
            pk__in=[m.report_id for m in matches or []]
            + [other for other, _ in actions.links_of(opened)],
        ).select_related("category")
    }
    detected = DetectedLanguage.objects.filter(report=report).first()
    return {
        "detected_language": detected.label if detected else "",
        "page_language": language.page_language(report.language),
        "related": [
            Shown(others[m.report_id], m.score, [str(REASONS[r]) for r in m.reasons])
            for m in matches or []
            if m.report_id in others
        ],
        "analysed": matches is not None,
        "waiting": waiting,
        "links": [
            (others[other], str(KINDS.get(kind, kind)))
            for other, kind in actions.links_of(opened)
            if other in others
        ],
    }
