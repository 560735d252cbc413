"""Services for Signs of Safety mapping of a course (DOMAIN.md, "Signs of Safety").

A mapping is dated and kept: what we are worried about (harm, danger statements, complicating
factors), what is working well, what needs to happen (a safety goal for each danger statement,
next steps), the family's own words and the scaling question 0–10 per person. The scores of
the dated mappings make the trend per person (:func:`scaling_trend`).

Access is the plan's: Perm.PLAN_VIEW reads, Perm.PLAN_EDIT writes, on the courses of the
user's course scope; 403 without the function, 404 outside the scope. Reads and writes are
audited.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from cases import course_access
from cases.models import (
    Course,
    DangerStatement,
    FamilyMember,
    MemberKind,
    SafetyGoal,
    SafetyMapping,
    ScalingRespondent,
    ScalingScore,
    TeamAssignment,
)
from familieberedskab.audit import audit_log, audit_log_list
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import User

MAPPING_FIELDS = (
    "mapped_on",
    "harm",
    "complicating_factors",
    "working_well",
    "next_steps",
    "family_perspective",
)
RECOMMENDED_DANGER_STATEMENTS = 3


@dataclass(frozen=True)
class Score:
    """One person's answer to the scaling question: a family member, a user (the rådgiver
    or a practitioner) or another person named by ``label``."""

    respondent: str
    score: int
    member: FamilyMember | None = None
    user: User | None = None
    label: str = ""


@dataclass
class TrendPoint:
    mapped_on: dt.date
    score: int


@dataclass
class Trend:
    """The dated scores of one person, oldest first."""

    key: str
    name: str
    respondent: str
    points: list[TrendPoint] = field(default_factory=list)


# Reads --------------------------------------------------------------------------------------


def mapping_queryset() -> QuerySet[SafetyMapping]:
    return SafetyMapping.objects.select_related("created_by").prefetch_related(
        Prefetch(
            "danger_statements",
            queryset=DangerStatement.objects.select_related("safety_goal"),
        ),
        Prefetch("scores", queryset=ScalingScore.objects.select_related("member", "user")),
    )


def get_course_for_user(user: User, course_pk: int, *, perm: Perm = Perm.PLAN_VIEW) -> Course:
    """The course for this screen (see :func:`cases.course_access.get_course_for_user`)."""
    return course_access.get_course_for_user(user, course_pk, perm=perm, detail="safety")


def get_mapping_for_user(
    user: User, course_pk: int, pk: int, *, perm: Perm = Perm.PLAN_VIEW
) -> SafetyMapping:
    """One mapping of a course in ``user``'s scope (403/404 as :func:`get_course_for_user`)."""
    if perm not in permissions_of(user):
        raise PermissionDenied
    scope = Course.objects.filter(course_scope(user)).values("pk")
    try:
        mapping = (
            mapping_queryset()
            .select_related("course__family__caseworker", "course__provider")
            .filter(course__in=scope)
            .get(pk=pk, course_id=course_pk)
        )
    except SafetyMapping.DoesNotExist:
        raise Http404 from None
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=mapping,
        family_id=mapping.course.family_id,
        course_id=mapping.course_id,
    )
    return mapping


def mappings_of(course: Course) -> QuerySet[SafetyMapping]:
    return mapping_queryset().filter(course=course)


def audit_mapping_list(by: User, course: Course, mappings: list[SafetyMapping]) -> None:
    audit_log_list(
        by=by,
        objects=mappings,
        family_ids=[course.family_id] * len(mappings),
        detail="safety",
    )


def latest_mapping(course: Course) -> SafetyMapping | None:
    return mappings_of(course).first()


def score_person_key(score: ScalingScore | Score) -> str:
    if score.member is not None:
        return f"member-{score.member.pk}"
    if score.user is not None:
        return f"user-{score.user.pk}"
    return f"other-{score.label.strip().casefold()}"


def score_name(score: ScalingScore | Score) -> str:
    if score.member is not None:
        return str(score.member)
    if score.user is not None:
        return score.user.get_full_name() or str(score.user)
    return score.label


def scaling_trend(course: Course) -> list[Trend]:
    """Per person, the scores of the course's mappings by date (oldest first). One query."""
    scores = (
        ScalingScore.objects.filter(mapping__course=course)
        .select_related("member", "user", "mapping")
        .order_by("mapping__mapped_on", "mapping__pk", "pk")
    )
    trends: dict[str, Trend] = {}
    for score in scores:
        key = score_person_key(score)
        trend = trends.setdefault(key, Trend(key, score_name(score), score.respondent))
        trend.points.append(TrendPoint(score.mapping.mapped_on, score.score))
    return list(trends.values())


def course_team(course: Course) -> list[User]:
    """The practitioners on the course's team now."""
    assignments = TeamAssignment.objects.current().filter(course=course).select_related("user")
    users = {a.user.pk: a.user for a in assignments.order_by("user__full_name", "user__pk")}
    return list(users.values())


def danger_statement_warnings(count: int) -> list[str]:
    if count > RECOMMENDED_DANGER_STATEMENTS:
        return [
            _(
                "Der er %(count)s farevurderinger. Det anbefales at holde sig til højst "
                "%(max)s, så det er klart, hvad der skal ske."
            )
            % {"count": count, "max": RECOMMENDED_DANGER_STATEMENTS}
        ]
    return []


# Writes -------------------------------------------------------------------------------------


def _check_pairs(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    kept = []
    for danger, goal in pairs:
        danger, goal = (danger or "").strip(), (goal or "").strip()
        if not danger and not goal:
            continue
        if not goal:
            raise ValidationError(
                _("Farevurderingen “%(text)s” mangler sit sikkerhedsmål.") % {"text": danger[:60]},
                code="goal_missing",
            )
        if not danger:
            raise ValidationError(
                _("Sikkerhedsmålet “%(text)s” mangler sin farevurdering.") % {"text": goal[:60]},
                code="danger_missing",
            )
        kept.append((danger, goal))
    return kept


def _check_scores(course: Course, scores: list[Score]) -> None:
    members = {m.pk: m for m in course.family.members.all()}
    team = {u.pk for u in course_team(course)}
    seen: set[str] = set()
    for score in scores:
        if not 0 <= score.score <= 10:
            raise ValidationError(_("Skaleringen skal være et tal fra 0 til 10."), code="range")
        who = score.respondent
        if who in (ScalingRespondent.PARENT, ScalingRespondent.CHILD):
            member = members.get(score.member.pk) if score.member is not None else None
            kind = MemberKind.CHILD if who == ScalingRespondent.CHILD else MemberKind.CAREGIVER
            if member is None or member.kind != kind or score.user is not None:
                raise ValidationError(
                    _("Skaleringen er for en person, der ikke er i familien."), code="who"
                )
        elif who == ScalingRespondent.RADGIVER:
            if score.user is None or score.user.pk != course.family.caseworker_id:
                raise ValidationError(
                    _("Kun familiens rådgiver kan skalere som rådgiver."), code="who"
                )
        elif who == ScalingRespondent.PRACTITIONER:
            if score.user is None or score.user.pk not in team:
                raise ValidationError(
                    _("Skaleringen er for en medarbejder, der ikke er i forløbets team."),
                    code="who",
                )
        elif who == ScalingRespondent.OTHER:
            if not score.label.strip() or score.member is not None or score.user is not None:
                raise ValidationError(_("Skriv navnet på den, der skalerer."), code="who")
        else:
            raise ValidationError(_("Vælg hvem der skalerer."), code="who")
        key = score_person_key(score)
        if key in seen:
            raise ValidationError(
                _("%(name)s har mere end én skalering i kortlægningen.")
                % {"name": score_name(score)},
                code="twice",
            )
        seen.add(key)


@transaction.atomic
def safety_mapping_save(
    *,
    by: User,
    course: Course,
    data: dict[str, Any],
    danger_statements: list[tuple[str, str]],
    scores: list[Score],
    mapping: SafetyMapping | None = None,
) -> tuple[SafetyMapping, list[str]]:
    """Create a mapping of ``course`` or replace the content of ``mapping``: its fields,
    danger statements each with exactly one safety goal, and the scores. Returns the
    mapping and warnings (more danger statements than recommended) that do not refuse."""
    course = course_access.course_for_writing(
        by, course, closed_message=_("Forløbet er afsluttet. Kortlægningen kan ikke ændres.")
    )
    is_new = mapping is None
    if mapping is None:
        mapping = SafetyMapping(course=course, created_by=by)
    elif mapping.course_id != course.pk:
        raise Http404
    if not data.get("mapped_on"):
        raise ValidationError({"mapped_on": [_("Skriv datoen for kortlægningen.")]})
    for name in MAPPING_FIELDS:
        if name in data:
            setattr(mapping, name, data[name] if name == "mapped_on" else (data[name] or ""))
    pairs = _check_pairs(danger_statements)
    _check_scores(course, scores)
    mapping.full_clean(exclude=["course", "created_by"])
    mapping.save()
    if not is_new:
        mapping.danger_statements.all().delete()
        mapping.scores.all().delete()
    for order, (danger, goal) in enumerate(pairs, start=1):
        statement = DangerStatement.objects.create(mapping=mapping, text=danger, order=order)
        SafetyGoal.objects.create(danger_statement=statement, text=goal)
    ScalingScore.objects.bulk_create(
        ScalingScore(
            mapping=mapping,
            respondent=s.respondent,
            member=s.member,
            user=s.user,
            label=s.label.strip() if s.respondent == ScalingRespondent.OTHER else "",
            score=s.score,
        )
        for s in scores
    )
    audit_log(
        by=by,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        obj=mapping,
        family_id=course.family_id,
        course_id=course.pk,
        fields=[*MAPPING_FIELDS, "danger_statements", "scores"],
        values={"danger_statements": len(pairs), "scores": len(scores)},
    )
    return mapping, danger_statement_warnings(len(pairs))
