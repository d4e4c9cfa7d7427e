from django.urls import path

from . import views

app_name = "sharing"

urlpatterns = [
    path("partners/", views.partners, name="partners"),
    path("partners/card.json", views.card_file, name="card_file"),
    path("partners/<int:partner_id>/<slug:state>/", views.partner_state, name="partner_state"),
    path("desk/<slug:desk_slug>/report/<int:number>/share/", views.share, name="share"),
    path("desk/<slug:desk_slug>/report/<int:number>/back/", views.write_back, name="write_back"),
    path("share/<uuid:share_id>/<slug:decision>/", views.decide, name="decide"),
]
