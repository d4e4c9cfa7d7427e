from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("outcomes/", views.installation_dashboard, name="dashboard"),
    path("outcomes/charts.css", views.chart_stylesheet, name="chart_css"),
    path("outcomes/csv/<slug:section>/", views.dashboard_csv, name="csv"),
    path("outcomes/campaigns/", views.campaigns, name="campaigns"),
    path("outcomes/campaigns/<int:campaign_id>/", views.campaign, name="campaign"),
    path(
        "outcomes/campaigns/<int:campaign_id>/csv/<slug:section>/",
        views.campaign_csv,
        name="campaign_csv",
    ),
    path("outcomes/desk/<slug:desk_slug>/", views.desk_dashboard, name="desk_dashboard"),
    path(
        "outcomes/desk/<slug:desk_slug>/csv/<slug:section>/", views.dashboard_csv, name="desk_csv"
    ),
    path("outcomes/desk/<slug:desk_slug>/rewards/", views.desk_rewards, name="rewards"),
    path(
        "outcomes/desk/<slug:desk_slug>/rewards/programme/",
        views.save_programme,
        name="save_programme",
    ),
    path("outcomes/desk/<slug:desk_slug>/rewards/pay/", views.pay_claim, name="pay_claim"),
    path(
        "outcomes/desk/<slug:desk_slug>/rewards/<int:reward_id>/approve/",
        views.approve_reward,
        name="approve_reward",
    ),
    path(
        "outcomes/desk/<slug:desk_slug>/rewards/<int:reward_id>/refuse/",
        views.refuse_reward,
        name="refuse_reward",
    ),
    path(
        "outcomes/desk/<slug:desk_slug>/report/<int:number>/record/",
        views.record_outcome,
        name="record",
    ),
    path(
        "outcomes/desk/<slug:desk_slug>/report/<int:number>/correct/<int:outcome_id>/",
        views.correct_outcome,
        name="correct",
    ),
    path(
        "outcomes/desk/<slug:desk_slug>/report/<int:number>/withdraw/<int:outcome_id>/",
        views.withdraw_outcome,
        name="withdraw",
    ),
    path(
        "outcomes/desk/<slug:desk_slug>/report/<int:number>/reward/",
        views.propose_reward,
        name="propose_reward",
    ),
]
