"""Goal progress (issue 4): scale a goal 0–10 at a review with a short comment. The plan page
shows each goal's trend (cases/charts.py); the rules live in cases/plan_services.py."""

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases import plan_services as plans
from cases.forms_plan import GoalReviewForm
from cases.views_plan.edit import field_ids, find, form_page, gone, plan_to_edit


@require_http_methods(["GET", "POST"])
def goal_review(request: HttpRequest, course_pk: int, goal_pk: int) -> HttpResponse:
    plan = plan_to_edit(request, course_pk)
    goal = find(plan.goals.all(), goal_pk)
    initial = {"version": plan.version, "reviewed_on": timezone.localdate()}
    ids = field_ids("review", goal_pk)
    form = GoalReviewForm(request.POST or None, initial=initial, auto_id=ids)
    context = {"title": _("Vurdér mål"), "anchor": f"goal-{goal_pk}", "goal": goal}
    if goal is None:
        message = _(
            "Målet er slettet af en anden, mens du skrev, så vurderingen kan ikke gemmes. Det, "
            "du skrev, står herunder."
        )
        return gone(request, plan, form, message=message, context=context, retry_url=None)

    def save(f: GoalReviewForm) -> str:
        plans.goal_review_save(
            by=request.user,
            plan=plan,
            expected_version=f.expected_version(),
            goal=goal,
            **f.service_data(),
        )
        return f"goal-{goal.pk}"

    latest = list(goal.reviews.all())[-1:]
    current = [
        (_("Seneste vurdering"), f"{r.reviewed_on:%d.%m.%Y}: {r.score}/10 {r.comment}")
        for r in latest
    ]
    done = _("Vurderingen er gemt.")
    return form_page(request, plan, form, save, done=done, context=context, current=current)
