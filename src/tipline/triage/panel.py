"""Triage's part of the case page: detected language, links and related reports."""

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tipline.accounts.models import StaffUser
from tipline.casework.access import private_key_of
from tipline.intake import conversation
from tipline.intake.models import Report

from . import actions, selectors
from .actions import LinkKind
from .models import DetectedLanguage

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
    """What the case page shows of triage; analyses waiting reports of the desk first (the
    embedding needs the key this session holds)."""
    private_key = private_key_of(request, user)
    report = opened.report
    actions.analyse([report] if not hasattr(report, "triage_indexed") else [], user, private_key)
    actions.analyse_waiting(report.desk_id, user, private_key)
    matches = selectors.related_reports(report, user, private_key)
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
        "detected_language": detected.language if detected else "",
        "related": [
            Shown(others[m.report_id], m.score, [str(REASONS[r]) for r in m.reasons])
            for m in matches or []
            if m.report_id in others
        ],
        "analysed": matches is not None,
        "waiting": actions.waiting_count(report.desk_id, user),
        "links": [
            (others[other], str(KINDS.get(kind, kind)))
            for other, kind in actions.links_of(opened)
            if other in others
        ],
    }
