from django.urls import path

from . import views

app_name = "triage"

urlpatterns = [
    path("desk/<slug:desk_slug>/report/<int:number>/triage/link/", views.link, name="link"),
]
