"""Closing a course (issue 6), reopening it, and the checks after closure.

* ``course_close``: the six criteria each judged (met / partly / not met, with a comment), the
  reason and where the family goes next, whether each child lives at home, and the final
  measurements — every instrument measured at baseline must be measured at closure or waived
  with a reason. The course becomes closed (read-only everywhere: the write services refuse a
  closed course) and each child gets checks 3, 6 and 12 months later.
* ``course_reopen``: a leader of the provider reopens with a reason; the closure is kept,
  marked reopened, and unanswered checks are removed.
* ``post_closure_check_record``: the rådgiver records whether the child still lives at home.
* ``post_closure_reminders_send`` (Celery beat): the rådgiver is reminded on the day a check is
  due, once (notification key).
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import outcome_services
from cases.meeting_schedule import add_months
from cases.models import (
    ChildAtClosure,
    Closure,
    ClosureCriterion,
    ClosureReason,
    Course,
    CourseStatus,
    Criterion,
    CriterionStatus,
    Destination,
    FamilyMember,
    Measurement,
    MeasurementDue,
    MemberKind,
    Occasion,
    PlanMeeting,
    PostClosureCheck,
)
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.notifications import notify
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import Role, User

CHECK_MONTHS = (3, 6, 12)


@dataclass(frozen=True)
class FinalMeasure:
    """An instrument measured at baseline for a person: is there a closing measurement?"""

    instrument_id: int
    instrument_name: str
    subject: FamilyMember
    done: bool

    @property
    def key(self) -> str:
        return f"{self.instrument_id}-{self.subject.pk}"


def final_measures(course: Course) -> list[FinalMeasure]:
    """What must be measured (or waived) before the course can close."""
    measurements = list(
        Measurement.objects.filter(course=course).select_related("instrument", "subject")
    )
    baseline = {}
    closing = set()
    for m in measurements:
        key = (m.instrument_id, m.subject_id)
        if m.occasion == Occasion.BASELINE:
            baseline.setdefault(key, m)
        elif m.occasion == Occasion.CLOSURE:
            closing.add(key)
    return [
        FinalMeasure(m.instrument_id, m.instrument.name, m.subject, key in closing)
        for key, m in sorted(baseline.items(), key=lambda kv: (kv[1].subject_id, kv[0][0]))
    ]


def current_closure(course: Course) -> Closure | None:
    return (
        Closure.objects.filter(course=course, reopened_at__isnull=True)
        .prefetch_related("criteria", "children__child", "checks__child")
        .select_related("closed_by")
        .first()
    )


@transaction.atomic
def course_close(*, by: User, course: Course, data: dict[str, Any]) -> Closure:
    """Close ``course``. ``data``: closed_on, reason, reason_note, destination, summary,
    family_perspective, criteria {code: (status, comment)}, children {member_pk: bool},
    waivers {FinalMeasure.key: reason}. Every refusal names what is missing, in Danish."""
    if Perm.COURSE_CLOSE not in permissions_of(by):
        raise PermissionDenied
    if not Course.objects.filter(course_scope(by), pk=course.pk).exists():
        raise Http404
    course = Course.objects.select_for_update().select_related("family").get(pk=course.pk)
    if course.status == CourseStatus.CLOSED:
        raise ValidationError(_("Forløbet er allerede afsluttet."))
    if course.status != CourseStatus.ACTIVE:
        raise ValidationError(_("Kun et aktivt forløb kan afsluttes."))
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    closed_on = data.get("closed_on")
    if not closed_on:
        errors["closed_on"] = [_("Skriv datoen, hvor forløbet afsluttes.")]
    elif closed_on > today:
        errors["closed_on"] = [_("Et forløb kan ikke afsluttes i fremtiden.")]
    elif course.start_date and closed_on < course.start_date:
        errors["closed_on"] = [_("Afslutningen kan ikke ligge før forløbets start.")]
    if data.get("reason") not in ClosureReason.values:
        errors["reason"] = [_("Vælg årsagen til afslutningen.")]
    elif data["reason"] == ClosureReason.OTHER and not (data.get("reason_note") or "").strip():
        errors["reason_note"] = [_("Uddyb årsagen, når du vælger 'Andet'.")]
    if data.get("destination") not in Destination.values:
        errors["destination"] = [_("Vælg hvad familien går videre til.")]
    criteria = data.get("criteria") or {}
    for criterion in Criterion:
        status, _comment = criteria.get(criterion.value, (None, ""))
        if status not in CriterionStatus.values:
            errors[f"criterion_{criterion.value}"] = [
                _("Vurder kriteriet: %(name)s.") % {"name": criterion.label}
            ]
    children = list(
        FamilyMember.objects.filter(family_id=course.family_id, kind=MemberKind.CHILD).filter(
            birth_date__lte=closed_on or today
        )
    )
    at_home = data.get("children") or {}
    for child in children:
        if at_home.get(child.pk) not in (True, False):
            errors[f"child_{child.pk}"] = [
                _("Angiv om %(name)s bor hjemme.") % {"name": child.first_name}
            ]
    waivers = {k: (v or "").strip() for k, v in (data.get("waivers") or {}).items()}
    missing = [f for f in final_measures(course) if not f.done and not waivers.get(f.key)]
    if missing:
        errors["final_measures"] = [
            _(
                "Slutmåling mangler for %(list)s. Registrér målingen, eller skriv hvorfor den "
                "ikke udføres."
            )
            % {"list": "; ".join(f"{f.instrument_name} ({f.subject.first_name})" for f in missing)}
        ]
    if errors:
        raise ValidationError(errors)

    closure = Closure.objects.create(
        course=course,
        closed_on=closed_on,
        reason=data["reason"],
        reason_note=(data.get("reason_note") or "").strip()[:500],
        destination=data["destination"],
        summary=(data.get("summary") or "").strip(),
        family_perspective=(data.get("family_perspective") or "").strip(),
        closed_by=by,
    )
    ClosureCriterion.objects.bulk_create(
        ClosureCriterion(
            closure=closure,
            criterion=criterion.value,
            status=criteria[criterion.value][0],
            comment=(criteria[criterion.value][1] or "").strip()[:2000],
        )
        for criterion in Criterion
    )
    ChildAtClosure.objects.bulk_create(
        ChildAtClosure(closure=closure, child=child, lives_at_home=at_home[child.pk])
        for child in children
    )
    # Waive the final measurements that will not be done, with the reason given.
    for final in final_measures(course):
        reason = waivers.get(final.key)
        if final.done or not reason:
            continue
        due, _created = MeasurementDue.objects.get_or_create(
            course=course,
            instrument_id=final.instrument_id,
            subject=final.subject,
            occasion=Occasion.CLOSURE,
            due_on=closed_on,
        )
        if due.measurement_id is None:
            due.waived_reason = reason[:300]
            due.waived_by = by
            due.save(update_fields=["waived_reason", "waived_by"])
    PostClosureCheck.objects.bulk_create(
        PostClosureCheck(
            closure=closure,
            child=child,
            months_after=months,
            due_on=add_months(closed_on, months),
        )
        for child in children
        for months in CHECK_MONTHS
    )
    course.status = CourseStatus.CLOSED
    course.end_date = closed_on
    course.save(update_fields=["status", "end_date"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=course,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["status", "end_date"],
        values={"status": CourseStatus.CLOSED, "reason": closure.reason},
        detail="closed",
    )
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=closure,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["closed_on", "reason", "destination", "criteria", "children", "summary"],
        values={"reason": closure.reason, "destination": closure.destination},
    )
    return closure


@transaction.atomic
def course_reopen(*, by: User, course: Course, reason: str) -> Course:
    """A leader of the course's provider reopens a closed course, with a reason."""
    if Perm.COURSE_REOPEN not in permissions_of(by) or not by.has_role(Role.LEDER):
        raise PermissionDenied
    if not Course.objects.filter(course_scope(by), pk=course.pk).exists():
        raise Http404
    course = Course.objects.select_for_update().get(pk=course.pk)
    if course.provider_id != by.organisation_id:
        raise PermissionDenied
    if course.status != CourseStatus.CLOSED:
        raise ValidationError(_("Forløbet er ikke afsluttet."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Skriv hvorfor forløbet genåbnes.")]})
    closure = Closure.objects.select_for_update().filter(course=course, reopened_at__isnull=True)
    closure = closure.first()
    if closure is not None:
        closure.reopened_at = timezone.now()
        closure.reopened_by = by
        closure.reopen_reason = reason[:500]
        closure.save(update_fields=["reopened_at", "reopened_by", "reopen_reason"])
        closure.checks.filter(checked_on__isnull=True).delete()
    course.status = CourseStatus.ACTIVE
    course.end_date = None
    course.save(update_fields=["status", "end_date"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=course,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["status", "end_date"],
        values={"status": CourseStatus.ACTIVE},
        detail="reopened",
    )
    return course


@transaction.atomic
def post_closure_check_record(
    *, by: User, check: PostClosureCheck, lives_at_home: bool | None, note: str = ""
) -> PostClosureCheck:
    """The rådgiver records whether the child still lives at home."""
    if Perm.POST_CLOSURE_RECORD not in permissions_of(by):
        raise PermissionDenied
    course = check.closure.course
    if not Course.objects.filter(course_scope(by), pk=course.pk).exists():
        raise Http404
    check = PostClosureCheck.objects.select_for_update().select_related("closure").get(pk=check.pk)
    if check.closure.reopened_at is not None:
        raise ValidationError(_("Forløbet er genåbnet. Opfølgningen gælder ikke længere."))
    if lives_at_home not in (True, False):
        raise ValidationError({"lives_at_home": [_("Angiv om barnet bor hjemme.")]})
    if check.due_on > timezone.localdate() + dt.timedelta(days=14):
        raise ValidationError(
            _("Opfølgningen kan registreres fra to uger før datoen (%(date)s).")
            % {"date": f"{check.due_on:%d.%m.%Y}"}
        )
    check.lives_at_home = lives_at_home
    check.checked_on = timezone.localdate()
    check.checked_by = by
    check.note = (note or "").strip()[:300]
    check.save(update_fields=["lives_at_home", "checked_on", "checked_by", "note"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=check,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["lives_at_home", "note"],
        values={"months_after": check.months_after},
    )
    return check


def post_closure_reminders_send(today: dt.date | None = None) -> int:
    """Remind the family's rådgiver of unanswered checks due today or earlier (once each)."""
    today = today or timezone.localdate()
    checks = (
        PostClosureCheck.objects.filter(checked_on__isnull=True, due_on__lte=today)
        .filter(closure__reopened_at__isnull=True)
        .select_related("closure__course__family__caseworker", "child")
    )
    sent = 0
    for check in checks:
        family = check.closure.course.family
        if family.caseworker is None:
            continue
        text = _(
            "%(months)s måneder efter afslutningen: bor %(child)s i %(family)s stadig hjemme?"
        ) % {"months": check.months_after, "child": check.child.first_name, "family": family}
        url = reverse("cases:closure_detail", args=[check.closure.course_id])
        sent += len(
            notify(
                recipients=[family.caseworker],
                text=text,
                url=url,
                key=f"post-closure-{check.pk}",
            )
        )
    return sent


def checks_due_for(user: User, *, horizon_days: int = 14) -> list[PostClosureCheck]:
    """Unanswered checks of the rådgiver's families, due within ``horizon_days`` or overdue."""
    today = timezone.localdate()
    return list(
        PostClosureCheck.objects.filter(
            checked_on__isnull=True,
            closure__reopened_at__isnull=True,
            closure__course__family__caseworker=user,
            due_on__lte=today + dt.timedelta(days=horizon_days),
        )
        .select_related("closure__course__family", "child")
        .order_by("due_on", "pk")
    )


def schedule_follow_up_measurements(meeting: PlanMeeting) -> None:
    """A scheduled follow-up meeting puts the follow-up measurements on the plan."""
    outcome_services.measurements_plan(
        course=meeting.course,
        occasion=Occasion.FOLLOW_UP,
        due_on=meeting.due_on,
        meeting=meeting,
    )
