from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.i18n import set_language

from familieberedskab import views

admin.site.site_header = "Familieberedskab – administration"
admin.site.site_title = "Familieberedskab"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("logning/", views.audit_list, name="audit_list"),
    path("konto/", include("staffing.urls")),
    path("familier/", include("cases.urls")),
    path("visitation/", include("visitation.urls")),
    path("rapporter/", include("reporting.urls")),
    path("notifikationer/", include("familieberedskab.views_notifications")),
    path("sprog/", login_not_required(set_language), name="set_language"),
    # Everyone signs in through one door, with the one-time code and the lockout.
    path(
        "admin/login/",
        login_not_required(
            RedirectView.as_view(pattern_name=settings.LOGIN_URL, query_string=True)
        ),
    ),
    path("admin/", admin.site.urls),
]
