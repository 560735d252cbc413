"""A practitioner's own FIT figures (issue 5, item 6), for supervision: seen by the
practitioner themself and by a leader of their organisation, never by other practitioners
(404 for everyone else). The figures and the access rule live in cases/fit_practitioner.py.
Routed through ``cases.views_fit_alerts.urlpatterns``."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from cases import fit_practitioner as figures
from familieberedskab.permissions import Perm, has_permission


@require_GET
def fit_practitioner(request: HttpRequest, user_pk: int) -> HttpResponse:
    practitioner = figures.get_practitioner_for_user(request.user, user_pk)
    try:
        months = int(request.GET.get("maaneder", figures.DEFAULT_PERIOD))
    except ValueError:
        months = figures.DEFAULT_PERIOD
    if months not in figures.PERIODS:
        months = figures.DEFAULT_PERIOD
    context = {
        "practitioner": practitioner,
        "is_self": practitioner.pk == request.user.pk,
        "figures": figures.practitioner_figures(practitioner, months=months),
        "periods": figures.PERIODS,
        "months": months,
    }
    return render(request, "cases/fit_practitioner.html", context)


@require_GET
def fit_practitioner_list(request: HttpRequest) -> HttpResponse:
    """A leader picks whose figures to see: the practitioners of their organisation."""
    if not has_permission(request.user, Perm.STAFF_FIT_VIEW):
        raise PermissionDenied
    practitioners = list(figures.practitioners_for_leader(request.user))
    return render(request, "cases/fit_practitioner_list.html", {"practitioners": practitioners})


urlpatterns: list[URLPattern] = [
    path("fit/medarbejdere/", fit_practitioner_list, name="fit_practitioner_list"),
    path("fit/medarbejder/<int:user_pk>/", fit_practitioner, name="fit_practitioner"),
]
