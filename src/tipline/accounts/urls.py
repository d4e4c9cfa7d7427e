from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("signin/", views.sign_in, name="signin"),
    path("signin/code/", views.sign_in_code, name="signin_code"),
    path("signout/", views.sign_out, name="signout"),
    path("settings/", views.staff_settings, name="settings"),
    path("password/", views.change_password, name="change_password"),
    path("recover/", views.recover, name="recover"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
