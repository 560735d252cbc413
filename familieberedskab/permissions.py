"""The access policy, in one place.

Two questions, answered here and nowhere else:

* *May this user do this kind of thing?* — :func:`has_permission`, from the role map.
* *Which families may this user see or change?* — :func:`family_scope`, a ``Q`` filter used
  by ``Family.objects.visible_to(user)`` / ``changeable_by(user)`` in every view, export and
  task.

The default is nothing: a role sees only what a rule below grants. Projektleder sees
aggregates only, administrators manage users but never read case files.
"""

from enum import StrEnum
from typing import TYPE_CHECKING

from django.apps import apps
from django.db.models import Q

from staffing.models import PRACTITIONER_ROLES, Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from staffing.models import User


class Perm(StrEnum):
    FAMILY_VIEW = "family.view"
    FAMILY_CREATE = "family.create"
    FAMILY_CHANGE = "family.change"
    FAMILY_VIEW_FULL_CPR = "family.view_full_cpr"
    AUDIT_VIEW = "audit.view"
    STATS_VIEW = "stats.view"
    STAFF_MANAGE = "staff.manage"
    REFERRAL_VIEW = "referral.view"
    REFERRAL_CREATE = "referral.create"
    VISITATION_DECIDE = "visitation.decide"
    ROSTER_MANAGE = "roster.manage"
    PROFILE_EDIT_OWN = "profile.edit_own"
    PLAN_VIEW = "plan.view"
    PLAN_EDIT = "plan.edit"
    VISIT_VIEW = "visit.view"  # visits, FIT graphs and alerts, hours delivered
    VISIT_RECORD = "visit.record"  # record visits and FIT, acknowledge alerts
    VISIT_CORRECT_ANY = "visit.correct_any"  # correct any visit after the author's window
    INTENSITY_CHANGE = "intensity.change"  # turn the granted hours up or down
    STAFF_FIT_VIEW = "staff.fit_view"  # a practitioner's FIT figures (own always; leader: staff)
    OUTCOME_RECORD = "outcome.record"  # measurements, stories of change, school attendance
    COURSE_CLOSE = "course.close"  # the closure form
    COURSE_REOPEN = "course.reopen"  # reopen a closed course, with a reason
    POST_CLOSURE_RECORD = "post_closure.record"  # does the child still live at home?
    REPORT_RUN = "report.run"  # request, watch, cancel, retry report runs; the evaluation PDF
    REPORT_DATASET = "report.dataset"  # the per-course pseudonymised dataset ("fortroligt")
    DASHBOARD_VIEW = "dashboard.view"  # the live management dashboard


_PRACTITIONER = frozenset(
    {
        Perm.FAMILY_VIEW,
        Perm.PROFILE_EDIT_OWN,
        Perm.PLAN_VIEW,
        Perm.PLAN_EDIT,
        Perm.VISIT_VIEW,
        Perm.VISIT_RECORD,
        Perm.OUTCOME_RECORD,
        Perm.COURSE_CLOSE,
    }
)

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.RADGIVER: frozenset(
        {
            Perm.FAMILY_VIEW,
            Perm.FAMILY_CREATE,
            Perm.FAMILY_CHANGE,
            Perm.FAMILY_VIEW_FULL_CPR,
            Perm.REFERRAL_VIEW,
            Perm.REFERRAL_CREATE,
            Perm.PLAN_VIEW,
            Perm.PLAN_EDIT,
            Perm.VISIT_VIEW,
            Perm.INTENSITY_CHANGE,
            Perm.OUTCOME_RECORD,
            Perm.COURSE_CLOSE,
            Perm.POST_CLOSURE_RECORD,
        }
    ),
    Role.BEHANDLER: _PRACTITIONER,
    Role.PAEDAGOG: _PRACTITIONER,
    Role.PSYKOLOG: _PRACTITIONER,
    Role.LEDER: frozenset(
        {
            Perm.FAMILY_VIEW,
            Perm.AUDIT_VIEW,
            Perm.STATS_VIEW,
            Perm.REFERRAL_VIEW,
            Perm.VISITATION_DECIDE,
            Perm.ROSTER_MANAGE,
            Perm.PLAN_VIEW,
            Perm.VISIT_VIEW,
            Perm.VISIT_CORRECT_ANY,
            Perm.INTENSITY_CHANGE,
            Perm.STAFF_FIT_VIEW,
            Perm.COURSE_REOPEN,
            Perm.REPORT_RUN,
            Perm.DASHBOARD_VIEW,
        }
    ),
    Role.PROJEKTLEDER: frozenset({Perm.STATS_VIEW, Perm.REPORT_RUN}),
    # The project's external evaluator: reports and the pseudonymised dataset, no case files.
    Role.EVALUATOR: frozenset({Perm.STATS_VIEW, Perm.REPORT_RUN, Perm.REPORT_DATASET}),
    Role.ADMINISTRATOR: frozenset({Perm.STAFF_MANAGE, Perm.ROSTER_MANAGE}),
}
assert set(ROLE_PERMISSIONS) == set(Role.values), "every role needs an entry"


def permissions_of(user: "User | AnonymousUser") -> frozenset[Perm]:
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    granted: set[Perm] = set()
    for role in user.roles:
        granted |= ROLE_PERMISSIONS[role]
    return frozenset(granted)


def has_permission(user: "User | AnonymousUser", perm: Perm, *, obj: object = None) -> bool:
    """May ``user`` do ``perm`` — and, given ``obj`` (a Family or Referral), on that object?"""
    if perm not in permissions_of(user):
        return False
    if obj is None:
        return True
    referral_model = apps.get_model("visitation", "Referral")
    if isinstance(obj, referral_model):
        return referral_model.objects.filter(referral_scope(user), pk=obj.pk).exists()
    family_model = apps.get_model("cases", "Family")
    if not isinstance(obj, family_model):
        raise TypeError(f"no object rule for {type(obj).__name__}")
    # Changing a family and seeing its full CPR numbers belong to its own rådgiver only.
    scope = (
        family_model.objects.changeable_by
        if perm in (Perm.FAMILY_CHANGE, Perm.FAMILY_VIEW_FULL_CPR)
        else family_model.objects.visible_to
    )
    return scope(user).filter(pk=obj.pk).exists()


_NOTHING = Q(pk__in=[])


def family_scope(user: "User | AnonymousUser", *, change: bool = False) -> Q:
    """The families ``user`` may see (or, with ``change``, change), as a filter on Family.

    * familierådgiver: families of their own municipality that they own (are the caseworker
      for) or created;
    * familiebehandler, pædagog, psykolog: families of a course they are assigned to now (or
      were when it closed, for a month after: ``TeamAssignmentQuerySet.with_access``);
    * leder: families with a course at their provider, or — for a leader on the authority
      side — families of their municipality;
    * projektleder, administrator: none.

    Only the rådgiver changes a family's master data.
    """
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    perm = Perm.FAMILY_CHANGE if change else Perm.FAMILY_VIEW
    if perm not in permissions_of(user):
        return _NOTHING

    referrals = apps.get_model("visitation", "Referral").objects
    q = _NOTHING
    if user.has_role(Role.RADGIVER):
        referred = referrals.filter(referred_by=user).values("family_id")
        q |= Q(municipality_id=user.organisation_id) & (
            Q(caseworker=user) | Q(created_by=user) | Q(pk__in=referred)
        )
    if change:
        return q

    if user.roles & PRACTITIONER_ROLES:
        team = apps.get_model("cases", "TeamAssignment").objects
        assignments = team.with_access().filter(user=user)
        q |= Q(pk__in=assignments.values("course__family_id"))
    if user.has_role(Role.LEDER):
        courses = apps.get_model("cases", "Course").objects.filter(provider_id=user.organisation_id)
        submitted = referrals.filter(
            status__in=["submitted", "decided"], provider_id=user.organisation_id
        )
        q |= (
            Q(pk__in=courses.values("family_id"))
            | Q(pk__in=submitted.values("family_id"))
            | Q(municipality_id=user.organisation_id)
        )
    return q


def referral_scope(user: "User | AnonymousUser") -> Q:
    """The referrals ``user`` may see, as a filter on Referral.

    * familierådgiver: referrals they made, or for families they own, in their municipality
      (drafts included);
    * leder: submitted referrals to their provider, or — on the authority side — of families
      of their municipality;
    * everyone else: none (practitioners meet the family through its course).
    """
    if Perm.REFERRAL_VIEW not in permissions_of(user):
        return _NOTHING
    q = _NOTHING
    if user.has_role(Role.RADGIVER):
        q |= Q(family__municipality_id=user.organisation_id) & (
            Q(referred_by=user) | Q(family__caseworker=user)
        )
    if user.has_role(Role.LEDER):
        q |= ~Q(status="draft") & (
            Q(provider_id=user.organisation_id) | Q(family__municipality_id=user.organisation_id)
        )
    return q


def course_scope(user: "User | AnonymousUser") -> Q:
    """The courses ``user`` may see, as a filter on Course (their family must be visible too).

    * familierådgiver, and a leader on the authority side: every course of their
      municipality's families;
    * a provider's leader: the courses at that provider;
    * familiebehandler, pædagog, psykolog: the courses they are on the team of now.

    A family may have courses at two providers: one team does not read the other's course.
    """
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    own = _NOTHING
    if user.has_role(Role.RADGIVER, Role.LEDER):
        own |= Q(family__municipality_id=user.organisation_id)
    if user.has_role(Role.LEDER):
        own |= Q(provider_id=user.organisation_id)
    if user.roles & PRACTITIONER_ROLES:
        team = apps.get_model("cases", "TeamAssignment").objects
        assignments = team.with_access().filter(user=user)
        own |= Q(pk__in=assignments.values("course_id"))
    visible = apps.get_model("cases", "Family").objects.filter(family_scope(user)).values("pk")
    return Q(family__in=visible) & own


def report_course_scope(user: "User | AnonymousUser") -> Q:
    """The courses whose data a report requested by ``user`` may aggregate, as a filter on
    Course: a provider's staff (projektleder, leader) report on their provider's courses; an
    authority's staff on their municipality's families' courses; the evaluator on the
    courses of the organisation they are attached to, the same way. Reports show only
    suppressed aggregates (and, to the evaluator, pseudonymised rows) — never case files."""
    if not user.is_authenticated or not user.is_active:
        return _NOTHING
    if Perm.REPORT_RUN not in permissions_of(user) and Perm.DASHBOARD_VIEW not in permissions_of(
        user
    ):
        return _NOTHING
    organisation = user.organisation
    if organisation is None:
        return _NOTHING
    if organisation.is_provider:
        return Q(provider_id=organisation.pk)
    return Q(family__municipality_id=organisation.pk)
