"""The start-page panel "Målinger" (issue 6) for the team: planned measurements that are
overdue or due within 14 days on the courses the user works on now, one row per course,
overdue first, each linking to the course's measurement plan. Registered in
``CasesConfig.ready``; kept apart from cases/panels.py because it belongs to the outcomes.

Two queries however many courses and measurements: the planned measurements (with course,
family, instrument and person) and the audit rows of the families shown."""

import datetime as dt
from dataclasses import dataclass, field

from django.http import HttpRequest
from django.utils import timezone

from cases import outcome_services as outcomes
from cases.models import Course, MeasurementDue, TeamAssignment
from cases.services import families_listed
from familieberedskab.permissions import Perm, permissions_of
from familieberedskab.startpage import Panel
from staffing.models import PRACTITIONER_ROLES, User

PANEL_ORDER = 13
HORIZON_DAYS = 14


@dataclass
class CourseDue:
    """One course's open planned measurements, for one row of the panel."""

    course: Course
    dues: list[MeasurementDue] = field(default_factory=list)
    today: dt.date = field(default_factory=timezone.localdate)

    @property
    def overdue(self) -> int:
        return sum(1 for d in self.dues if d.due_on < self.today)

    @property
    def soon(self) -> int:
        return len(self.dues) - self.overdue

    @property
    def first_due(self) -> dt.date:
        return min(d.due_on for d in self.dues)


def measurements_due_for(user: User, *, today: dt.date | None = None) -> list[CourseDue]:
    """Overdue and soon-due measurements on the courses ``user`` is on the team of now."""
    today = today or timezone.localdate()
    mine = TeamAssignment.objects.current().filter(user=user).values("course")
    rows: dict[int, CourseDue] = {}
    for due in outcomes.measurements_due_open(user=user, horizon_days=HORIZON_DAYS).filter(
        course__in=mine
    ):
        rows.setdefault(due.course_id, CourseDue(due.course, today=today)).dues.append(due)
    # Overdue courses first, then by the earliest date (the queryset is already by date).
    return sorted(rows.values(), key=lambda r: (r.overdue == 0, r.first_due, r.course.pk))


def measurements_due(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.roles & PRACTITIONER_ROLES or Perm.OUTCOME_RECORD not in permissions_of(user):
        return None
    rows = measurements_due_for(user)
    families = list({row.course.family_id: row.course.family for row in rows}.values())
    families_listed(by=user, families=families, detail="forside")
    return Panel(
        "cases/_partials/panel_measurements.html",
        {"rows": rows, "days": HORIZON_DAYS},
        order=PANEL_ORDER,
    )
