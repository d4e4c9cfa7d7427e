from django.urls import path

from . import invitation_pages, key_views, views

app_name = "accounts"

urlpatterns = [
    path("signin/", views.sign_in, name="signin"),
    path("signin/code/", views.sign_in_code, name="signin_code"),
    path("signin/key/begin/", key_views.signin_begin, name="signin_key_begin"),
    path("signin/key/finish/", key_views.signin_finish, name="signin_key_finish"),
    path("security-keys/", key_views.security_keys_page, name="security_keys"),
    path("security-keys/begin/", key_views.register_begin, name="security_key_begin"),
    path("security-keys/finish/", key_views.register_finish, name="security_key_finish"),
    path("signout/", views.sign_out, name="signout"),
    path("settings/", views.staff_settings, name="settings"),
    path("password/", views.change_password, name="change_password"),
    path("recover/", views.recover, name="recover"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("invitations/", invitation_pages.invitations, name="invitations"),
    path("invitations/new/", invitation_pages.new_invitation, name="new_invitation"),
    path(
        "invitations/<int:invitation_id>/revoke/",
        invitation_pages.revoke_invitation,
        name="revoke_invitation",
    ),
]
