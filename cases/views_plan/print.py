"""The plan on paper (issue 4, item 7): the whole plan as a PDF the family can keep — their
goals in their own words with actions and trends, the professionals in the home, the latest
Signs of Safety mapping with the scaling trend, the current safety plan, the network map and
the meetings — in plain Danish, from one template (cases/pdf/plan.html) rendered by
WeasyPrint (familieberedskab/pdf.py). The charts are the pages' own server-drawn SVG.

Access is the plan's (403/404, the read audited); the PDF itself is a disclosure and writes
an EXPORT row. The filename carries ids and a date only: it ends up in download folders.

Unlike reports, this PDF is rendered in the request rather than queued (STYLE.md 7): it is one
family's plan, rendered in about a second, printed at the kitchen table while the family
waits — and rendering it on demand means no file of personal data is kept at rest.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cases import network_services as network
from cases import plan_services as plans
from cases import safety_plan_services as safety_plans
from cases import safety_services as safety
from cases.models import Action, FamilyPlan, Goal, GoalReview, PlanMeeting, ScalingRespondent
from cases.network_map import network_map_svg
from cases.safety_charts import scaling_chart_svg
from cases.views_plan.page import _live_sections  # the page's grouping, so paper and screen agree
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.pdf import pdf_response, render_pdf

AUDIT_DETAIL = "plan_pdf"


@dataclass
class PrintedGoal:
    goal: Goal
    actions: list[Action]
    reviews: list[GoalReview]  # oldest first

    @property
    def latest(self) -> GoalReview | None:
        return self.reviews[-1] if self.reviews else None


@dataclass
class ScalingChart:
    name: str
    respondent: str
    latest: int
    series: str  # the dates and scores in words, for those who do not read charts
    svg: SafeString


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def page_counter() -> SafeString:
    """The footer's "Side x af y" as a CSS ``content`` value, from one translatable text."""
    pieces = re.split(r"(%\((?:page|pages)\)s)", _("Side %(page)s af %(pages)s"))
    counters = {"%(page)s": "counter(page)", "%(pages)s": "counter(pages)"}
    return mark_safe(  # noqa: S308 - our own catalogue text, quoted and escaped as CSS strings
        " ".join(counters.get(piece) or _css_string(piece) for piece in pieces if piece)
    )


def _scaling_chart(trend: safety.Trend) -> ScalingChart:
    series = ", ".join(f"{p.mapped_on:%d.%m.%Y}: {p.score}" for p in trend.points)
    return ScalingChart(
        name=trend.name,
        respondent=str(ScalingRespondent(trend.respondent).label),
        latest=trend.points[-1].score,
        series=series,
        svg=scaling_chart_svg(
            [(p.mapped_on, p.score) for p in trend.points],
            title=_("Skalering over tid for %(name)s") % {"name": trend.name},
            description=series,
            chart_id=f"chart-{trend.key}",
        ),
    )


def _network_map(family_name: str, people: list[dict[str, Any]]) -> SafeString:
    return network_map_svg(
        people,
        title=_("Netværkskort for %(family)s") % {"family": family_name},
        centre_label=_("Familien"),
        labels={
            "private": _("Privat netværk"),
            "professional": _("Fagpersoner"),
            "desc": _(
                "Familien i midten. Jo tættere på midten, jo tættere er personen på familien."
            ),
        },
    )


def print_context(plan: FamilyPlan) -> dict[str, Any]:
    """Everything the printed plan shows. A fixed number of queries, however big the plan."""
    course = plan.course
    sections = _live_sections(plan, list(course.family.members.all()))
    for section in sections:
        for group in section.groups:
            group.goals = [
                PrintedGoal(g, list(g.actions.all()), list(g.reviews.all())) for g in group.goals
            ]
    people = list(network.network_members(course))
    meetings = list(PlanMeeting.objects.filter(course=course).order_by("due_on", "pk"))
    return {
        "plan": plan,
        "course": course,
        "family": course.family,
        "printed_on": timezone.localdate(),
        "page_counter": page_counter(),
        "perspective": plan.family_perspective,
        "sections": sections,
        "professionals": list(plan.professionals.all()),
        "mapping": safety.latest_mapping(course),
        "scaling_charts": [_scaling_chart(t) for t in safety.scaling_trend(course) if t.points],
        "safety_plan": safety_plans.current_safety_plan(course),
        "network_people": people,
        "network_map": _network_map(course.family.name, network.network_data(people)),
        "held_meetings": sorted((m for m in meetings if m.held_on), key=lambda m: m.held_on),
        "next_meeting": next((m for m in meetings if m.held_on is None), None),
    }


@require_GET
def plan_print(request: HttpRequest, course_pk: int) -> HttpResponse:
    plan = plans.get_plan_for_user(request.user, course_pk)
    context = print_context(plan)
    content = render_pdf("cases/pdf/plan.html", context)
    mapping, safety_plan = context["mapping"], context["safety_plan"]
    audit_log(
        by=request.user,
        action=AuditAction.EXPORT,
        obj=plan,
        family_id=plan.course.family_id,
        course_id=plan.course_id,
        detail=AUDIT_DETAIL,
        values={
            "plan_version": plan.version,
            "safety_mapping": mapping.pk if mapping else None,
            "safety_plan": safety_plan.pk if safety_plan else None,
        },
    )
    filename = f"familiehandleplan-{plan.course_id}-{context['printed_on']:%Y-%m-%d}.pdf"
    return pdf_response(content, filename)
