"""The leader's live management dashboard (issue 7, item 5); the figures come from
reporting/dashboard.py. Kept apart from reporting/views.py (the report runs)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from cases import hours_services
from reporting.dashboard import get_dashboard_for_user


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    board = get_dashboard_for_user(request.user)
    context = {"board": board, "tolerance": hours_services.tolerance()}
    return render(request, "reporting/dashboard.html", context)


urlpatterns: list[URLPattern] = [path("overblik/", dashboard, name="dashboard")]
