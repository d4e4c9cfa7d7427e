"""`{% case_outcomes %}`: the outcomes and rewards panel of the case page, one include
so that the case template stays the case desk's own."""

from typing import Any

from django import template
from django.utils.translation import get_language

from ..forms import OutcomeForm, RewardProposalForm
from ..numbers import grouped
from ..selectors import outcome_history, programme_of, rewards_of

register = template.Library()


@register.filter
def figure(value: object) -> str:
    """`{{ n|figure }}`: a number with its digits grouped for the page's language."""
    return grouped(value, get_language() or "en")


@register.inclusion_tag("outcomes/case_panel.html", takes_context=True)
def case_outcomes(context: template.Context, report: Any) -> dict[str, Any]:
    return {
        "report": report,
        "desk": report.desk,
        "history": outcome_history(report),
        "rewards": rewards_of(report),
        "programme": programme_of(report),
        "outcome_form": OutcomeForm(auto_id="outcome-%s"),
        "reward_form": RewardProposalForm(auto_id="reward-%s"),
        "csrf_token": context.get("csrf_token"),
        "user": context.get("user"),
        # The lines the outcome forms left for this section (`web.notices`, kept by the page).
        "shown": (context.get("notices") or {}).get("outcomes", []),
    }
