from django.urls import path

from . import partner_pages, views

app_name = "sharing"

urlpatterns = [
    path("partners/", partner_pages.partners, name="partners"),
    path("partners/add/", partner_pages.add_partner, name="add_partner"),
    path("partners/add-system/", partner_pages.add_system_partner, name="add_system_partner"),
    path("partners/card.json", partner_pages.card_file, name="card_file"),
    path(
        "partners/<int:partner_id>/<slug:state>/",
        partner_pages.partner_state,
        name="partner_state",
    ),
    path("desk/<slug:desk_slug>/report/<int:number>/share/", views.share, name="share"),
    path("desk/<slug:desk_slug>/report/<int:number>/back/", views.write_back, name="write_back"),
    path("share/<uuid:share_id>/approve/", views.approve_share, name="approve"),
    path("share/<uuid:share_id>/decline/", views.decline_share, name="decline"),
    path("share/<uuid:share_id>/cancel/", views.cancel_share, name="cancel"),
    path("share/<uuid:share_id>/withdraw/", views.withdraw_share, name="withdraw"),
]
