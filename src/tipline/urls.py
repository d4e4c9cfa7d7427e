from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite

from tipline.reporter import views as reporter_views
from tipline.sharing.api import packages_endpoint

# The admin asks for the second factor as well as the password (django-otp); it is
# reached through Tipline's own sign-in, which also unwraps the private key.
admin.site.__class__ = OTPAdminSite
admin.site.site_header = gettext_lazy("Tipline administration")
admin.site.site_title = gettext_lazy("Tipline")

urlpatterns = [
    path("", reporter_views.landing, name="landing"),
    path(
        "staff/admin/login/",
        RedirectView.as_view(pattern_name="accounts:signin", query_string=True),
    ),
    path("staff/admin/", admin.site.urls),
    path("staff/", include("tipline.accounts.urls")),
    path("staff/", include("tipline.casework.urls")),
    path("staff/", include("tipline.outcomes.urls")),
    path("staff/", include("tipline.triage.urls")),
    path("staff/sharing/", include("tipline.sharing.urls")),
    path("sharing/v1/packages", packages_endpoint, name="sharing_packages"),
]
# Reporter pages carry their language in the address (/ur/report/...), so that switching
# language is a plain link: no JavaScript, no cookie.
urlpatterns += i18n_patterns(
    path("", include("tipline.reporter.urls")), path("", include("tipline.outcomes.public_urls"))
)
