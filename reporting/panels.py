"""Start-page panels contributed by the reporting app (registered in ``ReportingConfig.ready``):
the way from a leader's start page to the live management dashboard (reporting/dashboard.py).
No query: the figures are on the dashboard itself."""

from django.http import HttpRequest

from familieberedskab.startpage import Panel
from reporting.dashboard import may_see_dashboard

PANEL_ORDER = 19  # before the leader's provider overview and hours (20, 21)


def dashboard_link(request: HttpRequest) -> Panel | None:
    if not may_see_dashboard(request.user):
        return None
    return Panel("reporting/_partials/panel_dashboard.html", {}, order=PANEL_ORDER)
