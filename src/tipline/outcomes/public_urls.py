from django.urls import path

from . import public

app_name = "results"

urlpatterns = [path("results/<slug:desk_slug>/", public.results, name="desk")]
