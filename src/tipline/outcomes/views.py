"""Outcomes pages: thin views over `actions`, `rewards`, `statistics` and `dashboard`.

Staff pages go through the case desk's checks (`staff_required`, `access_desk`,
`access_readable_report`: whoever writes a report's results can open the report);
dashboards, campaigns and reward decisions are for supervisors and administrators. One
view per action: the rewards page's programme, approval, refusal and payment each have
their own address, as recording, correcting and withdrawing an outcome do.
"""

import csv
from io import StringIO

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from tipline.accounts.decorators import staff_required, supervisor_required
from tipline.accounts.models import StaffUser
from tipline.desks.models import Desk
from tipline.reports.access import access_desk, access_readable_report, desks_of
from tipline.reports.models import Category
from tipline.throttling.gate import allowed_methods
from tipline.web.notices import back_to_section

from . import actions, dashboard, rewards
from .charts import chart_css
from .forms import (
    CampaignForm,
    ClaimForm,
    OutcomeForm,
    PeriodForm,
    ProgrammeForm,
    RewardProposalForm,
)
from .models import Campaign, Outcome, Reward, RewardProgramme, RewardState
from .throttle import WRONG_CLAIMS


@allowed_methods("GET")
def chart_stylesheet(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(chart_css(), content_type="text/css; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@allowed_methods("POST")
@staff_required
def record_outcome(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_readable_report(request, user, desk_slug, number).report
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            actions.record_outcome(
                report, form.facts(), acting_user=user, again=form.cleaned_data["again"]
            )
            return _back_to_outcomes(request, desk_slug, number, _("Outcome recorded."))
        except actions.SameEntryAgain as error:
            form.add_error(None, error)
            return _problem(request, form, report, again=True)
        except ValidationError as error:
            form.add_error(None, error)
    return _problem(request, form, report)


@allowed_methods("POST")
@staff_required
def correct_outcome(
    request: HttpRequest, desk_slug: str, number: int, outcome_id: int
) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_readable_report(request, user, desk_slug, number).report
    outcome = get_object_or_404(Outcome, pk=outcome_id, report=report)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            actions.correct_outcome(outcome, form.facts(), acting_user=user)
            return _back_to_outcomes(request, desk_slug, number, _("Outcome corrected."))
        except ValidationError as error:
            form.add_error(None, error)
    return _problem(request, form, report)


@allowed_methods("POST")
@staff_required
def withdraw_outcome(
    request: HttpRequest, desk_slug: str, number: int, outcome_id: int
) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_readable_report(request, user, desk_slug, number).report
    outcome = get_object_or_404(Outcome, pk=outcome_id, report=report)
    try:
        actions.correct_outcome(outcome, None, acting_user=user)
    except ValidationError as error:
        return render(
            request,
            "outcomes/problem.html",
            {"errors": error.messages, "report": report},
            status=400,
        )
    return _back_to_outcomes(request, desk_slug, number, _("Outcome withdrawn."))


@allowed_methods("POST")
@staff_required
def propose_reward(request: HttpRequest, desk_slug: str, number: int) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    report = access_readable_report(request, user, desk_slug, number).report
    form = RewardProposalForm(request.POST)
    if form.is_valid():
        try:
            rewards.propose(report, form.cleaned_data["amount"], acting_user=user)
            return _back_to_outcomes(request, desk_slug, number, _("Reward proposed."))
        except ValidationError as error:
            form.add_error(None, error)
    return _problem(request, form, report)


def _back_to_outcomes(request: HttpRequest, desk_slug: str, number: int, text: str) -> HttpResponse:
    """The case page at its outcomes section, saying what was done."""
    case = reverse("casework:case", args=[desk_slug, number])
    return back_to_section(request, case, "outcomes", text)


@allowed_methods("GET")
@supervisor_required
def desk_rewards(request: HttpRequest, desk_slug: str) -> HttpResponse:
    """The desk's reward programme, proposals to decide, and the payment of claims."""
    desk = access_desk(request.user, desk_slug)  # type: ignore[arg-type]
    return _rewards_page(request, desk)


@allowed_methods("POST")
@supervisor_required
def save_programme(request: HttpRequest, desk_slug: str) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    desk = access_desk(user, desk_slug)
    form = ProgrammeForm(request.POST)
    if form.is_valid():
        try:
            rewards.set_programme(desk, acting_user=user, **form.cleaned_data)
            return redirect("outcomes:rewards", desk.slug)
        except ValidationError as error:
            form.add_error(None, error)
    return _rewards_page(request, desk, programme_form=form, status=400)


@allowed_methods("POST")
@supervisor_required
def approve_reward(request: HttpRequest, desk_slug: str, reward_id: int) -> HttpResponse:
    return _decide(request, desk_slug, reward_id, approve=True)


@allowed_methods("POST")
@supervisor_required
def refuse_reward(request: HttpRequest, desk_slug: str, reward_id: int) -> HttpResponse:
    return _decide(request, desk_slug, reward_id, approve=False)


@allowed_methods("POST")
@supervisor_required
def pay_claim(request: HttpRequest, desk_slug: str) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    desk = access_desk(user, desk_slug)
    wait = WRONG_CLAIMS.retry_after(request.client_bucket)  # type: ignore[attr-defined]
    if wait:
        return render(request, "outcomes/problem.html", {"throttled": True}, status=429)
    form = ClaimForm(request.POST)
    if form.is_valid():
        try:
            paid = rewards.pay(desk, form.cleaned_data["code"], acting_user=user)
            return _rewards_page(request, desk, paid=paid)
        except rewards.ClaimRefused:
            WRONG_CLAIMS.record_failure(request.client_bucket)  # type: ignore[attr-defined]
            return _rewards_page(request, desk, claim_refused=True, status=400)
    return _rewards_page(request, desk, claim_form=form, status=400)


@supervisor_required
@allowed_methods("GET")
def installation_dashboard(request: HttpRequest) -> HttpResponse:
    desks = real_desks_of(request.user)  # type: ignore[arg-type]
    return _dashboard(request, desks, None)


@supervisor_required
@allowed_methods("GET")
def desk_dashboard(request: HttpRequest, desk_slug: str) -> HttpResponse:
    desk = access_desk(request.user, desk_slug)  # type: ignore[arg-type]
    return _dashboard(request, [desk], desk)


@supervisor_required
@allowed_methods("GET")
def dashboard_csv(request: HttpRequest, section: str, desk_slug: str = "") -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    desks = [access_desk(user, desk_slug)] if desk_slug else real_desks_of(user)
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        raise Http404("bad period")
    for found in dashboard.dashboard_sections(desks, form.period(), get_language()):
        if found.slug == section:
            return _csv(found.table, f"{desk_slug or 'all'}-{section}")
    raise Http404("no such table")


@allowed_methods("GET", "POST")
@supervisor_required
def campaigns(request: HttpRequest) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    desks = real_desks_of(user)
    form = _campaign_form(desks, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = actions.create_campaign(
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                desks=[d for d in desks if d.slug in data["desks"]],
                category_slugs=data["categories"],
                acting_user=user,
            )
            return redirect("outcomes:campaign", campaign.pk)
        except ValidationError as error:
            form.add_error(None, error)
    return render(
        request,
        "outcomes/campaigns.html",
        {"form": form, "campaigns": _campaigns_of(desks)},
        status=400 if form.errors else 200,
    )


@supervisor_required
@allowed_methods("GET")
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    found = _access_campaign(request.user, campaign_id)  # type: ignore[arg-type]
    figures = dashboard.campaign_figures(found, get_language())
    return render(request, "outcomes/campaign.html", {"campaign": found, "figures": figures})


@supervisor_required
@allowed_methods("GET")
def campaign_csv(request: HttpRequest, campaign_id: int, section: str) -> HttpResponse:
    found = _access_campaign(request.user, campaign_id)  # type: ignore[arg-type]
    for part in dashboard.campaign_figures(found).sections:
        if part.slug == section:
            return _csv(part.table, f"campaign-{found.pk}-{section}")
    raise Http404("no such table")


def real_desks_of(user: StaffUser) -> list[Desk]:
    """The viewer's desks whose reports count: a training desk's synthetic reports count in
    no installation-wide figure and no campaign (its own dashboard still shows them)."""
    return [desk for desk in desks_of(user) if not desk.is_training]


def _dashboard(request: HttpRequest, desks: list[Desk], desk: Desk | None) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "outcomes/dashboard.html",
            {"form": form, "desk": desk, "desks": desks_of(request.user), "sections": []},  # type: ignore[arg-type]
            status=400,
        )
    period = form.period()
    if not form.is_bound:
        form = PeriodForm(initial={"start": period.start, "end": period.end})
    return render(
        request,
        "outcomes/dashboard.html",
        {
            "form": form,
            "desk": desk,
            # The links: every desk of the viewer's, a training desk too (its own page
            # shows its figures; it counts in no overall figure).
            "desks": desks_of(request.user),  # type: ignore[arg-type]
            "period": period,
            "query": f"start={period.start.isoformat()}&end={period.end.isoformat()}",
            "sections": dashboard.dashboard_sections(desks, period, get_language()),
        },
    )


def _campaign_form(desks: list[Desk], data: object) -> CampaignForm:
    categories = sorted(
        {
            (slug, str(Category(names=names)))
            for slug, names in Category.objects.filter(desk__in=desks).values_list("slug", "names")
        }
    )
    return CampaignForm([(d.slug, d.name) for d in desks], categories, data)


def _campaigns_of(desks: list[Desk]) -> list[Campaign]:
    """Campaigns whose every desk is one of the viewer's (nobody sees figures of a desk
    they are not on)."""
    mine = {desk.pk for desk in desks}
    return [
        c
        for c in Campaign.objects.prefetch_related("desks")
        if {d.pk for d in c.desks.all()} <= mine
    ]


def _access_campaign(user: StaffUser, campaign_id: int) -> Campaign:
    for found in _campaigns_of(desks_of(user)):
        if found.pk == campaign_id:
            return found
    raise Http404("no such campaign")


def _problem(
    request: HttpRequest, form: object, report: object, *, again: bool = False
) -> HttpResponse:
    """The refusal of a form of the case page; `again` offers to record the same entry a
    second time (its fields carried over as they were posted)."""
    return render(
        request,
        "outcomes/problem.html",
        {"form": form, "report": report, "again": again},
        status=400,
    )


def _decide(request: HttpRequest, desk_slug: str, reward_id: int, *, approve: bool) -> HttpResponse:
    user: StaffUser = request.user  # type: ignore[assignment]
    desk = access_desk(user, desk_slug)
    reward = get_object_or_404(Reward, pk=reward_id, desk=desk)
    try:
        rewards.decide(reward, approve=approve, acting_user=user)
    except ValidationError as error:
        return render(request, "outcomes/problem.html", {"errors": error.messages}, status=400)
    return redirect("outcomes:rewards", desk.slug)


def _rewards_page(
    request: HttpRequest,
    desk: Desk,
    *,
    programme_form: ProgrammeForm | None = None,
    claim_form: ClaimForm | None = None,
    paid: Reward | None = None,
    claim_refused: bool = False,
    status: int = 200,
) -> HttpResponse:
    programme = RewardProgramme.objects.filter(desk=desk).first()
    if programme_form is None:
        programme_form = ProgrammeForm(
            initial={
                "currency": programme.currency if programme else "",
                "ceiling": programme.ceiling if programme else None,
                "claim_days": programme.claim_days if programme else 90,
                "active": programme.active if programme else True,
                "publish_results": programme.publish_results if programme else False,
            }
        )
    return render(
        request,
        "outcomes/rewards.html",
        {
            "desk": desk,
            "programme": programme,
            "programme_form": programme_form,
            "claim_form": claim_form or ClaimForm(),
            "paid": paid,
            "claim_refused": claim_refused,
            "proposed": Reward.objects.filter(desk=desk, state=RewardState.PROPOSED).select_related(
                "report", "proposed_by"
            ),
            "recent": Reward.objects.filter(desk=desk)
            .exclude(state=RewardState.PROPOSED)
            .select_related("report", "decided_by")[:50],
        },
        status=status,
    )


def _csv(table: dashboard.Table, name: str) -> HttpResponse:
    out = StringIO()
    writer = csv.writer(out)
    writer.writerow([_safe_cell(str(column)) for column in ["", *table.columns]])
    for label, values in zip(table.rows, table.values, strict=True):
        writer.writerow([_safe_cell(str(label)), *values])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# What a spreadsheet may read as the start of a formula (OWASP "CSV injection"): a tab or
# a carriage return before "=" is skipped by some, so they are neutralised too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(text: str) -> str:
    """A text cell (labels and headers: category names come from administrators) that no
    spreadsheet runs as a formula. Numbers are written as numbers and need nothing."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text
