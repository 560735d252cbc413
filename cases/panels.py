"""Start-page panels contributed by the cases app (registered in ``CasesConfig.ready``)."""

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest

from cases import meeting_services
from cases.models import CourseStatus, Family, TeamAssignment
from cases.services import families_listed
from familieberedskab.disclosure import suppress
from familieberedskab.permissions import Perm, has_permission
from familieberedskab.startpage import Panel
from staffing.models import PRACTITIONER_ROLES, Organisation, Role

MEETING_PANEL_DAYS = 30


def my_families(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_role(Role.RADGIVER):
        return None
    families = list(
        Family.objects.visible_to(user).filter(caseworker=user).order_by("-updated_at")[:8]
    )
    families_listed(by=user, families=families, detail="forside")
    return Panel("cases/_partials/panel_my_families.html", {"families": families}, order=10)


def my_courses(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.roles & PRACTITIONER_ROLES:
        return None
    # The team-mates are the other current assignments on each course: one more query, however
    # many courses and colleagues.
    mates = TeamAssignment.objects.current().exclude(user=user).select_related("user")
    assignments = list(
        TeamAssignment.objects.current()
        .filter(user=user)
        .select_related("course__family")
        .prefetch_related(
            Prefetch("course__team", queryset=mates.order_by("role", "pk"), to_attr="mates")
        )
        .order_by("-course__start_date", "course__pk")
    )
    families_listed(by=user, families=[a.course.family for a in assignments], detail="forside")
    return Panel("cases/_partials/panel_my_courses.html", {"assignments": assignments}, order=10)


def upcoming_meetings(request: HttpRequest) -> Panel | None:
    """Start and follow-up meetings overdue or due within 30 days, on the courses the user
    works on (rådgiver, team, provider's leader): overdue ones first."""
    user = request.user
    if not (user.roles & PRACTITIONER_ROLES or user.has_role(Role.RADGIVER, Role.LEDER)):
        return None
    rows = meeting_services.meetings_upcoming_for(user, horizon_days=MEETING_PANEL_DAYS)
    families = list(
        {row.meeting.course.family_id: row.meeting.course.family for row in rows}.values()
    )
    families_listed(by=user, families=families, detail="forside")
    return Panel(
        "cases/_partials/panel_meetings.html",
        {"rows": rows, "days": MEETING_PANEL_DAYS},
        order=11,
    )


def provider_overview(request: HttpRequest) -> Panel | None:
    user = request.user
    if not user.has_role(Role.LEDER):
        return None
    counts = dict(
        Family.objects.visible_to(user)
        .filter(courses__provider=user.organisation_id)
        .values_list("courses__status")
        .annotate(n=Count("courses"))
    )
    rows = [(label, counts.get(value, 0)) for value, label in CourseStatus.choices]
    return Panel(
        "cases/_partials/panel_provider.html",
        {"organisation": user.organisation, "counts": rows},
        order=20,
    )


def aggregates(request: HttpRequest) -> Panel | None:
    """Counts only, with small numbers suppressed: the projektleder sees no case files."""
    if not has_permission(request.user, Perm.STATS_VIEW):
        return None
    municipalities = Organisation.objects.municipalities().annotate(
        n_families=Count("families", distinct=True),
        n_active=Count(
            "families__courses",
            filter=Q(families__courses__status=CourseStatus.ACTIVE),
            distinct=True,
        ),
    )
    rows = [
        {"name": m.name, "families": suppress(m.n_families), "active": suppress(m.n_active)}
        for m in municipalities
    ]
    return Panel(
        "cases/_partials/panel_aggregates.html",
        {"rows": rows, "threshold": settings.SMALL_NUMBER_THRESHOLD},
        order=30,
    )
