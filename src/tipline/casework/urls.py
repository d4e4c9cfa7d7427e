from django.urls import path

from . import audit_views, export_views, replies, system, views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", audit_views.audit, name="audit"),
    path("audit/audit-log.csv", audit_views.audit_csv, name="audit_csv"),
    path("workload/", views.workload, name="workload"),
    path("system/", system.system, name="system"),
    path("desk/<slug:desk_slug>/", views.inbox, name="inbox"),
    path("desk/<slug:desk_slug>/report/<int:number>/", views.case, name="case"),
    path("desk/<slug:desk_slug>/report/<int:number>/export/", views.export_case, name="export"),
    path(
        "desk/<slug:desk_slug>/report/<int:number>/next-unread/",
        views.next_unread,
        name="next_unread",
    ),
    path(
        "desk/<slug:desk_slug>/report/<int:number>/file/<uuid:attachment_id>/",
        views.download,
        name="download",
    ),
    path(
        "desk/<slug:desk_slug>/report/<int:number>/file/<uuid:attachment_id>/preview/",
        views.preview,
        name="preview",
    ),
    path("desk/<slug:desk_slug>/report/<int:number>/reply/", replies.reply, name="reply"),
    path("desk/<slug:desk_slug>/report/<int:number>/note/", views.add_note, name="note"),
    path("desk/<slug:desk_slug>/report/<int:number>/status/", views.set_status, name="status"),
    path("desk/<slug:desk_slug>/report/<int:number>/labels/", views.set_labels, name="labels"),
    path("desk/<slug:desk_slug>/report/<int:number>/title/", views.set_title, name="title"),
    path("desk/<slug:desk_slug>/report/<int:number>/assign/", views.assign, name="assign"),
]
urlpatterns += [
    path("desk/<slug:desk_slug>/export/", export_views.export_selected, name="export_selected"),
]
