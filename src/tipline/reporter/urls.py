from django.urls import path

from . import downloads, views

app_name = "reporter"

urlpatterns = [
    path("report/<slug:desk_slug>/", views.desk_page, name="desk"),
    path("report/<slug:desk_slug>/<slug:category_slug>/", views.report_form, name="report"),
    path("receipt/", views.come_back, name="come_back"),
    path("receipt/message/", views.add_message, name="add_message"),
    path("receipt/file/", downloads.download, name="download"),
]
