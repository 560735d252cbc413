"""Services for the shared family plan (samlet familiehandleplan).

Every write names the plan version the user started from (``expected_version``). If someone
else has saved since, the write is refused with :class:`PlanConflict`, which says what changed
in between, and the caller keeps the user's own text so nothing is lost (optimistic locking,
ADR 0005). Every accepted write bumps the version, stores a snapshot of the whole plan
(history that can be viewed) and writes the audit row, in one transaction.
"""

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import (
    Action,
    ActionResponsible,
    Course,
    CourseStatus,
    FamilyPlan,
    Goal,
    GoalOwner,
    GoalReview,
    PlanProfessional,
    PlanVersion,
)
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import User

GOAL_FIELDS = (
    "owner",
    "member",
    "text",
    "life_area",
    "source",
    "source_note",
    "status",
    "family_comment",
)
ACTION_FIELDS = (
    "what",
    "responsible_kind",
    "responsible_user",
    "responsible_member",
    "responsible_name",
    "due_on",
    "done_on",
)
PROFESSIONAL_FIELDS = ("name", "role", "why")


class PlanConflict(ValidationError):
    """Someone saved the plan after the user opened it; ``changes`` are their versions."""

    def __init__(self, changes: list[PlanVersion]) -> None:
        self.changes = changes
        super().__init__(
            _(
                "Planen er blevet ændret, mens du skrev. Dine ændringer er ikke gemt, men står "
                "stadig i formularen: se hvad der er ændret, og gem igen."
            ),
            code="plan_conflict",
        )


# Reads --------------------------------------------------------------------------------------


def plan_queryset() -> Any:
    return FamilyPlan.objects.select_related("course__family", "course__provider").prefetch_related(
        Prefetch(
            "goals",
            queryset=Goal.objects.select_related("member").prefetch_related(
                Prefetch(
                    "actions",
                    queryset=Action.objects.select_related(
                        "responsible_user", "responsible_member"
                    ),
                ),
                Prefetch("reviews", queryset=GoalReview.objects.order_by("reviewed_on", "pk")),
            ),
        ),
        "professionals",
    )


def plan_scope(user: User) -> Q:
    """The plans ``user`` may see: those of the courses in their course scope."""
    return Q(course__in=Course.objects.filter(course_scope(user)).values("pk"))


def get_plan_for_user(user: User, course_pk: int, *, perm: Perm = Perm.PLAN_VIEW) -> FamilyPlan:
    """The course's plan if ``user`` may ``perm`` it: 403 without the function, 404 when the
    course is outside their scope (:func:`plan_scope`). Writes the read to the audit trail."""
    if perm not in permissions_of(user):
        raise PermissionDenied
    try:
        plan = plan_queryset().filter(plan_scope(user)).get(course_id=course_pk)
    except FamilyPlan.DoesNotExist:
        raise Http404 from None
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=plan,
        family_id=plan.course.family_id,
        course_id=plan.course_id,
    )
    return plan


def plan_snapshot(plan: FamilyPlan) -> dict[str, Any]:
    """The plan as plain data: what a version shows when viewed later."""
    return {
        "family_perspective": plan.family_perspective,
        "goals": [
            {
                "id": g.pk,
                "owner": g.owner,
                "member": str(g.member) if g.member_id else "",
                "text": g.text,
                "life_area": g.life_area,
                "source": g.source,
                "source_note": g.source_note,
                "status": g.status,
                "family_comment": g.family_comment,
                "actions": [
                    {
                        "id": a.pk,
                        "what": a.what,
                        "who": a.responsible_label,
                        "due_on": a.due_on.isoformat() if a.due_on else None,
                        "done_on": a.done_on.isoformat() if a.done_on else None,
                    }
                    for a in g.actions.all()
                ],
                "reviews": [
                    {
                        "reviewed_on": r.reviewed_on.isoformat(),
                        "score": r.score,
                        "comment": r.comment,
                    }
                    for r in g.reviews.all()
                ],
            }
            for g in plan.goals.all()
        ],
        "professionals": [
            {"name": p.name, "role": p.role, "why": p.why} for p in plan.professionals.all()
        ],
    }


# Writes -------------------------------------------------------------------------------------


def plan_create(*, by: User, course: Course) -> FamilyPlan:
    """Every course has one plan from its start (called by course_start)."""
    plan, created = FamilyPlan.objects.get_or_create(course=course)
    if created:
        PlanVersion.objects.create(
            plan=plan,
            number=1,
            created_by=by,
            summary=_("Planen er oprettet"),
            snapshot=plan_snapshot(plan),
        )
        audit_log(
            by=by,
            action=AuditAction.CREATE,
            obj=plan,
            family_id=course.family_id,
            course_id=course.pk,
        )
    return plan


def _begin(by: User, plan: FamilyPlan, expected_version: int) -> FamilyPlan:
    """Lock the plan and check nobody saved since ``expected_version``."""
    if Perm.PLAN_EDIT not in permissions_of(by):
        raise PermissionDenied
    if not FamilyPlan.objects.filter(plan_scope(by), pk=plan.pk).exists():
        raise Http404
    locked = FamilyPlan.objects.select_for_update().select_related("course").get(pk=plan.pk)
    if locked.course.status == CourseStatus.CLOSED:
        raise ValidationError(_("Forløbet er afsluttet. Planen kan læses, men ikke ændres."))
    if locked.version != expected_version:
        raise PlanConflict(
            list(
                PlanVersion.objects.filter(plan=locked, number__gt=expected_version)
                .select_related("created_by")
                .order_by("number")
            )
        )
    return locked


def _commit(
    by: User, plan: FamilyPlan, summary: str, *, obj: Any, fields: list[str], action: str
) -> FamilyPlan:
    plan.version += 1
    plan.updated_by = by
    plan.save(update_fields=["version", "updated_by", "updated_at", "family_perspective"])
    fresh = plan_queryset().get(pk=plan.pk)
    PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        created_by=by,
        summary=summary[:300],
        snapshot=plan_snapshot(fresh),
    )
    audit_log(
        by=by,
        action=action,
        obj=obj,
        family_id=plan.course.family_id,
        course_id=plan.course_id,
        fields=fields,
        values={"plan_version": plan.version},
    )
    return fresh


def _apply(instance: Any, data: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    changed = []
    for name in names:
        if name in data and getattr(instance, name) != data[name]:
            setattr(instance, name, data[name])
            changed.append(name)
    return changed


def _check_goal(plan: FamilyPlan, goal: Goal) -> None:
    if goal.owner == GoalOwner.FAMILY:
        goal.member = None
    elif goal.member is None or goal.member.family_id != plan.course.family_id:
        raise ValidationError({"member": [_("Vælg hvem i familien målet er for.")]})
    elif (goal.owner == GoalOwner.CHILD) != (goal.member.kind == "child"):
        raise ValidationError(
            {"member": [_("Vælg et barn til et barns mål og en forælder til en forælders mål.")]}
        )


@transaction.atomic
def goal_save(
    *,
    by: User,
    plan: FamilyPlan,
    expected_version: int,
    data: dict[str, Any],
    goal: Goal | None = None,
) -> FamilyPlan:
    """Add a goal (last in order) or change one; returns the plan as it now stands."""
    plan = _begin(by, plan, expected_version)
    is_new = goal is None
    if goal is None:
        last = plan.goals.order_by("-order").values_list("order", flat=True).first()
        goal = Goal(plan=plan, order=(last or 0) + 1)
    elif goal.plan_id != plan.pk:
        raise Http404
    changed = _apply(goal, data, GOAL_FIELDS)
    _check_goal(plan, goal)
    goal.full_clean(exclude=["plan"])
    goal.save()
    summary = (_("Mål tilføjet: %(text)s") if is_new else _("Mål ændret: %(text)s")) % {
        "text": goal.text[:80]
    }
    return _commit(
        by,
        plan,
        summary,
        obj=goal,
        fields=changed,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
    )


@transaction.atomic
def goal_delete(*, by: User, plan: FamilyPlan, expected_version: int, goal: Goal) -> FamilyPlan:
    plan = _begin(by, plan, expected_version)
    if goal.plan_id != plan.pk:
        raise Http404
    text = goal.text
    goal.delete()
    return _commit(
        by,
        plan,
        _("Mål slettet: %(text)s") % {"text": text[:80]},
        obj=plan,
        fields=["goals"],
        action=AuditAction.DELETE,
    )


def _move(items: list[Any], item: Any, step: int) -> bool:
    """Swap ``item`` with its neighbour; renumber 1..n so orders stay distinct."""
    index = next(i for i, x in enumerate(items) if x.pk == item.pk)
    target = index + step
    if not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for number, x in enumerate(items, start=1):
        if x.order != number:
            x.order = number
            x.save(update_fields=["order"])
    return True


@transaction.atomic
def goal_move(
    *, by: User, plan: FamilyPlan, expected_version: int, goal: Goal, step: int
) -> FamilyPlan:
    """Move a goal one place up (step −1) or down (+1) among the goals of the same person (or
    of the whole family): the plan shows the goals grouped so."""
    plan = _begin(by, plan, expected_version)
    if goal.plan_id != plan.pk or step not in (-1, 1):
        raise Http404
    siblings = plan.goals.filter(owner=goal.owner, member_id=goal.member_id)
    if not _move(list(siblings.order_by("order", "pk")), goal, step):
        raise ValidationError(_("Målet står allerede yderst."))
    return _commit(
        by,
        plan,
        _("Rækkefølgen af mål er ændret"),
        obj=goal,
        fields=["order"],
        action=AuditAction.UPDATE,
    )


def _check_action(plan: FamilyPlan, action: Action) -> None:
    kind = action.responsible_kind
    if kind != ActionResponsible.PROFESSIONAL:
        action.responsible_user = None
    if kind != ActionResponsible.FAMILY:
        action.responsible_member = None
    if kind != ActionResponsible.OTHER:
        action.responsible_name = ""
    if kind == ActionResponsible.PROFESSIONAL and action.responsible_user is None:
        raise ValidationError({"responsible_user": [_("Vælg medarbejderen.")]})
    if kind == ActionResponsible.FAMILY and (
        action.responsible_member is None
        or action.responsible_member.family_id != plan.course.family_id
    ):
        raise ValidationError({"responsible_member": [_("Vælg hvem i familien.")]})
    if kind == ActionResponsible.OTHER and not action.responsible_name.strip():
        raise ValidationError({"responsible_name": [_("Skriv hvem der gør det.")]})


@transaction.atomic
def action_save(
    *,
    by: User,
    plan: FamilyPlan,
    expected_version: int,
    goal: Goal,
    data: dict[str, Any],
    action: Action | None = None,
) -> FamilyPlan:
    """Add an action to a goal (last in order) or change one."""
    plan = _begin(by, plan, expected_version)
    if goal.plan_id != plan.pk or (action is not None and action.goal_id != goal.pk):
        raise Http404
    is_new = action is None
    if action is None:
        last = goal.actions.order_by("-order").values_list("order", flat=True).first()
        action = Action(goal=goal, order=(last or 0) + 1)
    changed = _apply(action, data, ACTION_FIELDS)
    _check_action(plan, action)
    action.full_clean(exclude=["goal"])
    action.save()
    summary = (_("Handling tilføjet: %(what)s") if is_new else _("Handling ændret: %(what)s")) % {
        "what": action.what[:80]
    }
    return _commit(
        by,
        plan,
        summary,
        obj=action,
        fields=changed,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
    )


@transaction.atomic
def action_delete(
    *, by: User, plan: FamilyPlan, expected_version: int, action: Action
) -> FamilyPlan:
    plan = _begin(by, plan, expected_version)
    if action.goal.plan_id != plan.pk:
        raise Http404
    what = action.what
    action.delete()
    return _commit(
        by,
        plan,
        _("Handling slettet: %(what)s") % {"what": what[:80]},
        obj=plan,
        fields=["actions"],
        action=AuditAction.DELETE,
    )


@transaction.atomic
def action_move(
    *, by: User, plan: FamilyPlan, expected_version: int, action: Action, step: int
) -> FamilyPlan:
    plan = _begin(by, plan, expected_version)
    if action.goal.plan_id != plan.pk or step not in (-1, 1):
        raise Http404
    if not _move(list(action.goal.actions.order_by("order", "pk")), action, step):
        raise ValidationError(_("Handlingen står allerede yderst."))
    return _commit(
        by,
        plan,
        _("Rækkefølgen af handlinger er ændret"),
        obj=action,
        fields=["order"],
        action=AuditAction.UPDATE,
    )


@transaction.atomic
def professional_save(
    *,
    by: User,
    plan: FamilyPlan,
    expected_version: int,
    data: dict[str, Any],
    professional: PlanProfessional | None = None,
) -> FamilyPlan:
    """Who comes to the home and why."""
    plan = _begin(by, plan, expected_version)
    is_new = professional is None
    if professional is None:
        last = plan.professionals.order_by("-order").values_list("order", flat=True).first()
        professional = PlanProfessional(plan=plan, order=(last or 0) + 1)
    elif professional.plan_id != plan.pk:
        raise Http404
    changed = _apply(professional, data, PROFESSIONAL_FIELDS)
    professional.full_clean(exclude=["plan"])
    professional.save()
    return _commit(
        by,
        plan,
        _("Fagperson i hjemmet: %(name)s") % {"name": professional.name},
        obj=professional,
        fields=changed,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
    )


@transaction.atomic
def professional_delete(
    *, by: User, plan: FamilyPlan, expected_version: int, professional: PlanProfessional
) -> FamilyPlan:
    plan = _begin(by, plan, expected_version)
    if professional.plan_id != plan.pk:
        raise Http404
    name = professional.name
    professional.delete()
    return _commit(
        by,
        plan,
        _("Fagperson fjernet: %(name)s") % {"name": name},
        obj=plan,
        fields=["professionals"],
        action=AuditAction.DELETE,
    )


REVIEW_COMMENT_MAX = 500


def _check_review(reviewed_on: Any, score: Any, comment: str) -> None:
    errors: dict[str, list[str]] = {}
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 10:
        errors["score"] = [_("Vælg et tal fra 0 til 10.")]
    if reviewed_on is None:
        errors["reviewed_on"] = [_("Skriv datoen for vurderingen.")]
    elif reviewed_on > timezone.localdate():
        errors["reviewed_on"] = [_("Datoen kan ikke ligge i fremtiden.")]
    if len(comment) > REVIEW_COMMENT_MAX:
        errors["comment"] = [_("Højst 500 tegn.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def goal_review_save(
    *,
    by: User,
    plan: FamilyPlan,
    expected_version: int,
    goal: Goal,
    reviewed_on: Any,
    score: int,
    comment: str,
    family_comment: str = "",
) -> FamilyPlan:
    """Scale a goal 0–10 at a review, with a short comment and the family's own words. One
    review per goal and day: a second one the same day changes that day's review rather than
    failing."""
    plan = _begin(by, plan, expected_version)
    if goal.plan_id != plan.pk:
        raise Http404
    comment = (comment or "").strip()
    _check_review(reviewed_on, score, comment)
    review = GoalReview.objects.filter(goal_id=goal.pk, reviewed_on=reviewed_on).first()
    is_new = review is None
    if review is None:
        review = GoalReview(goal_id=goal.pk, reviewed_on=reviewed_on, created_by=by)
    family_comment = (family_comment or "").strip()
    if len(family_comment) > 500:
        raise ValidationError({"family_comment": [_("Familiens ord må højst fylde 500 tegn.")]})
    values = {"score": score, "comment": comment, "family_comment": family_comment}
    changed = _apply(review, values, ("score", "comment", "family_comment"))
    if is_new:
        changed = ["reviewed_on", "score", "comment", "family_comment"]
    review.created_by = by
    review.save()
    summary = _("Mål vurderet til %(score)s af 10: %(text)s") % {
        "score": score,
        "text": goal.text[:80],
    }
    return _commit(
        by,
        plan,
        summary,
        obj=review,
        fields=changed,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
    )


@transaction.atomic
def plan_perspective_save(
    *, by: User, plan: FamilyPlan, expected_version: int, text: str
) -> FamilyPlan:
    """The family's own words about the plan as a whole (entered with them)."""
    plan = _begin(by, plan, expected_version)
    if len(text) > 5000:
        raise ValidationError({"family_perspective": [_("Højst 5000 tegn.")]})
    plan.family_perspective = text.strip()
    return _commit(
        by,
        plan,
        _("Familiens egne ord er ændret"),
        obj=plan,
        fields=["family_perspective"],
        action=AuditAction.UPDATE,
    )


@dataclass(frozen=True)
class VersionView:
    version: PlanVersion
    snapshot: dict[str, Any]


def plan_version_for_user(user: User, course_pk: int, number: int) -> VersionView:
    """An earlier version of the plan, for viewing (scoped and audited like the plan)."""
    plan = get_plan_for_user(user, course_pk)
    try:
        version = plan.versions.select_related("created_by").get(number=number)
    except PlanVersion.DoesNotExist:
        raise Http404 from None
    return VersionView(version=version, snapshot=version.snapshot)
