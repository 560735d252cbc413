"""The start-page panel of FIT alerts (issue 5, item 5), for the team and the provider's
leaders: the open alerts on the courses the user works on — as a member of the current team,
or as a leader at the course's provider — one row per family, red first, each linking to the
course's alert list. Practitioners find "Mine FIT-tal" here, leaders the figures per
practitioner. Registered in ``CasesConfig.ready``; kept apart from cases/panels.py because it
belongs to the visits."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.http import HttpRequest

from cases import fit_alert_text
from cases.fit_alert_text import DescribedAlert
from cases.models import AlertLevel, Course, CourseStatus, Family, FitAlert, TeamAssignment
from cases.services import families_listed
from familieberedskab.permissions import Perm, course_scope, permissions_of
from familieberedskab.startpage import Panel
from staffing.models import PRACTITIONER_ROLES, Role, User

PANEL_ORDER = 12


@dataclass
class CourseAlerts:
    """One course's open alerts, for one row of the panel."""

    course: Course
    alerts: list[FitAlert] = field(default_factory=list)
    top: DescribedAlert | None = None

    def count(self, level: str) -> int:
        return sum(1 for a in self.alerts if a.level == level)

    @property
    def red(self) -> int:
        return self.count(AlertLevel.RED)

    @property
    def amber(self) -> int:
        return self.count(AlertLevel.AMBER)

    @property
    def good(self) -> int:
        return self.count(AlertLevel.GOOD)

    @property
    def rank(self) -> int:
        return min((a.level_order for a in self.alerts), default=3)


def open_alerts_for(user: User) -> list[CourseAlerts]:
    """The open alerts on the courses ``user`` works on (not closed ones), grouped per
    course: the courses with a red alert first, then amber, then good news only. Each row
    carries the text of its most serious, newest alert. Two queries, however many alerts."""
    mine = Q(pk__in=[])
    if user.roles & PRACTITIONER_ROLES:
        mine |= Q(course__in=TeamAssignment.objects.current().filter(user=user).values("course"))
    if user.has_role(Role.LEDER) and user.organisation_id:
        mine |= Q(course__provider_id=user.organisation_id)
    alerts = (
        FitAlert.objects.filter(acknowledged_at__isnull=True)
        .exclude(course__status=CourseStatus.CLOSED)  # nothing left to act on
        .filter(course__in=Course.objects.filter(course_scope(user)).values("pk"))
        .filter(mine)
        .select_related("client", "course__family")
        .annotate(level_order=fit_alert_text.LEVEL_ORDER)
        .order_by("level_order", "-created_at", "-pk")
    )
    rows: dict[int, CourseAlerts] = {}
    for alert in alerts:
        rows.setdefault(alert.course_id, CourseAlerts(alert.course)).alerts.append(alert)
    tops = fit_alert_text.describe_alerts([row.alerts[0] for row in rows.values()])
    for row, top in zip(rows.values(), tops, strict=True):
        row.top = top
    return sorted(rows.values(), key=lambda row: row.rank)  # stable: newest first per rank


def fit_alerts(request: HttpRequest) -> Panel | None:
    user = request.user
    is_practitioner = bool(user.roles & PRACTITIONER_ROLES)
    # A leader on the authority side reads courses but runs none: no panel, no query.
    is_leader = user.has_role(Role.LEDER) and bool(
        user.organisation and user.organisation.is_provider
    )
    if not (is_practitioner or is_leader) or Perm.VISIT_VIEW not in permissions_of(user):
        return None
    rows = open_alerts_for(user)
    families: list[Family] = list(
        {row.course.family_id: row.course.family for row in rows}.values()
    )
    families_listed(by=user, families=families, detail="forside")
    return Panel(
        "cases/_partials/panel_fit_alerts.html",
        {
            "rows": rows,
            "is_practitioner": is_practitioner,
            "may_see_staff": Perm.STAFF_FIT_VIEW in permissions_of(user),
        },
        order=PANEL_ORDER,
    )
