"""The rådgiver's start-page panel "Opfølgning efter afslutning" (issue 6, item 6): the checks
3, 6 and 12 months after a closure of whether each child still lives at home — the project's
headline outcome — that are overdue or due within two weeks, overdue first (registered in
``CasesConfig.ready``). Two queries however many checks: the checks with their families and
children, and the audit rows of the families listed."""

from django.http import HttpRequest
from django.utils import timezone

from cases import closure_services as closing
from cases.services import families_listed
from familieberedskab.permissions import Perm, has_permission
from familieberedskab.startpage import Panel
from staffing.models import Role

HORIZON_DAYS = 14


def post_closure_checks(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_role(Role.RADGIVER) or not has_permission(user, Perm.POST_CLOSURE_RECORD):
        return None
    today = timezone.localdate()
    checks = closing.checks_due_for(user, horizon_days=HORIZON_DAYS)
    families = list({c.closure.course.family_id: c.closure.course.family for c in checks}.values())
    families_listed(by=user, families=families, detail="forside")
    rows = [(check, check.due_on < today) for check in checks]
    return Panel(
        "cases/_partials/panel_post_closure.html",
        {"rows": rows, "days": HORIZON_DAYS, "overdue": sum(1 for _c, late in rows if late)},
        order=12,
    )
