"""The start meeting and the follow-up meetings of a course (issue 4, "Status and follow-up
meetings"). The dates come from cases/meeting_schedule.py; this module keeps the rows:

* course start schedules the start meeting and the first follow-up (3 months after start,
  or the date the committee set);
* recording a follow-up as held schedules the next one the course's cadence later;
* an open meeting can be moved to another date with a reason; the cadence can be changed;
* a Celery beat task (cases.tasks.meeting_reminders_send) tells the rådgiver and the team
  14 days ahead and again on the day a meeting becomes overdue — once each, by notification
  key, however often the task runs.

Access is the plan's: Perm.PLAN_VIEW reads, Perm.PLAN_EDIT writes, within ``course_scope``;
reads and writes are audited, and a closed course is read-only.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import course_access, outcome_services
from cases.meeting_schedule import (
    MeetingState,
    first_follow_up_due,
    meeting_state,
    next_follow_up_due,
    overdue_day,
)
from cases.models import (
    Course,
    FamilyMember,
    Goal,
    MeasurementDue,
    MeetingKind,
    Occasion,
    PlanMeeting,
    TeamAssignment,
)
from familieberedskab.audit import audit_log, audit_log_list
from familieberedskab.models import AuditAction
from familieberedskab.notifications import notify
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import Role, User

AUDIT_DETAIL = "meetings"
RECORD_FIELDS = (
    "held_on",
    "staff_participants",
    "family_participants",
    "other_participants",
    "agreed",
    "revised_goals",
    "revision_note",
    "family_perspective",
)


def reminder_window_days() -> int:
    return settings.MEETING_REMINDER_DAYS


def state_of(meeting: PlanMeeting, today: dt.date | None = None) -> MeetingState:
    return meeting_state(
        meeting.due_on,
        meeting.held_on,
        today or timezone.localdate(),
        window_days=reminder_window_days(),
    )


# Reads --------------------------------------------------------------------------------------


def get_course_for_user(user: User, course_pk: int, *, perm: Perm = Perm.PLAN_VIEW) -> Course:
    return course_access.get_course_for_user(user, course_pk, perm=perm, detail=AUDIT_DETAIL)


def meetings_for_course(course: Course | int) -> QuerySet[PlanMeeting]:
    """All meetings of the course with their participants, in date order (held ones by the
    day they were held, open ones by their due date)."""
    return (
        PlanMeeting.objects.filter(course=course)
        .select_related("recorded_by")
        .prefetch_related(
            "staff_participants",
            "family_participants",
            Prefetch("revised_goals", queryset=Goal.objects.order_by("order", "pk")),
        )
        .order_by("due_on", "pk")
    )


def get_meeting_for_user(
    user: User, course_pk: int, pk: int, *, perm: Perm = Perm.PLAN_VIEW
) -> PlanMeeting:
    """One meeting of a course in ``user``'s scope: 403 without ``perm``, 404 outside the
    scope. Writes the read to the audit trail."""
    if perm not in permissions_of(user):
        raise PermissionDenied
    scope = Course.objects.filter(course_scope(user)).values("pk")
    try:
        meeting = (
            meetings_for_course(course_pk)
            .select_related("course__family__caseworker", "course__provider")
            .filter(course__in=scope)
            .get(pk=pk)
        )
    except PlanMeeting.DoesNotExist:
        raise Http404 from None
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=meeting,
        family_id=meeting.course.family_id,
        course_id=meeting.course_id,
    )
    return meeting


def next_open_meeting(course: Course) -> PlanMeeting | None:
    return (
        PlanMeeting.objects.filter(course=course, held_on__isnull=True).order_by("due_on").first()
    )


def meetings_listed(*, by: User, course: Course, meetings: list[PlanMeeting]) -> None:
    """A course's meetings were shown: one audit row each, written in one query."""
    audit_log_list(
        by=by, objects=meetings, family_ids=[course.family_id] * len(meetings), detail=AUDIT_DETAIL
    )


def next_meeting_annotations() -> dict[str, Subquery]:
    """Annotations for a Course queryset with the next open meeting's pk, kind and due date,
    so that the course cards on the family page need no query of their own."""
    first_open = PlanMeeting.objects.filter(course=OuterRef("pk"), held_on__isnull=True).order_by(
        "due_on", "pk"
    )
    return {
        f"next_meeting_{name}": Subquery(first_open.values(name)[:1])
        for name in ("pk", "kind", "due_on")
    }


def next_meetings_attach(courses: list[Course], today: dt.date | None = None) -> None:
    """Set ``next_meeting`` (for display only) and ``next_meeting_state`` on each course of a
    queryset annotated with ``next_meeting_annotations()``; None when nothing is open."""
    today = today or timezone.localdate()
    for course in courses:
        meeting = None
        if course.next_meeting_pk is not None:
            meeting = PlanMeeting(
                pk=course.next_meeting_pk,
                course_id=course.pk,
                kind=course.next_meeting_kind,
                due_on=course.next_meeting_due_on,
            )
        course.next_meeting = meeting
        course.next_meeting_state = state_of(meeting, today) if meeting else None


def participant_staff(course: Course, meeting: PlanMeeting | None = None) -> list[tuple[User, str]]:
    """The staff who can be ticked as present: the course's current team and the family's
    rådgiver, each with their role — and, when a held meeting is corrected, whoever was
    recorded then (they may have left the team since). One query, two with ``meeting``
    unless its participants are prefetched."""
    people: dict[int, tuple[User, str]] = {}
    for assignment in (
        TeamAssignment.objects.current()
        .filter(course=course)
        .select_related("user")
        .order_by("role", "pk")
    ):
        people.setdefault(assignment.user_id, (assignment.user, assignment.get_role_display()))
    caseworker = course.family.caseworker
    if caseworker is not None:
        people.setdefault(caseworker.pk, (caseworker, str(Role.RADGIVER.label)))
    if meeting is not None:
        for user in meeting.staff_participants.all():
            people.setdefault(user.pk, (user, ""))
    return list(people.values())


@dataclass(frozen=True)
class MeetingRow:
    """A meeting on a start page: the family, the date and how it stands."""

    meeting: PlanMeeting
    state: MeetingState

    @property
    def is_overdue(self) -> bool:
        return self.state == MeetingState.OVERDUE


def meetings_upcoming_for(user: User, *, horizon_days: int = 30) -> list[MeetingRow]:
    """Open meetings overdue or due within ``horizon_days`` on the courses this user works
    on: as the family's rådgiver, as a member of the current team, or (leader) at their
    provider. Overdue first, then by due date. Two queries whatever the number of rows."""
    today = timezone.localdate()
    mine = Q(course__family__caseworker=user) | Q(
        course__in=TeamAssignment.objects.current(today).filter(user=user).values("course")
    )
    if user.has_role(Role.LEDER) and user.organisation_id:
        mine |= Q(course__provider_id=user.organisation_id)
    meetings = (
        PlanMeeting.objects.open()
        .filter(course__in=Course.objects.filter(course_scope(user)).values("pk"))
        .filter(mine)
        .filter(due_on__lte=today + dt.timedelta(days=horizon_days))
        .select_related("course__family")
        .order_by("due_on", "pk")
    )
    return [MeetingRow(m, state_of(m, today)) for m in meetings]


# Writes -------------------------------------------------------------------------------------


def meetings_schedule_initial(*, by: User | None, course: Course) -> list[PlanMeeting]:
    """At course start: the start meeting (on the planned date, else the start date) and the
    first follow-up (the committee's date, else 3 months after start). Idempotent."""
    if course.start_date is None:
        raise ValidationError(_("Forløbet har ingen startdato."))
    created = []
    start_due = course.start_meeting_date or course.start_date
    first_due = course.first_follow_up or first_follow_up_due(course.start_date)
    for kind, due_on in ((MeetingKind.START, start_due), (MeetingKind.FOLLOW_UP, first_due)):
        if PlanMeeting.objects.filter(course=course, kind=kind).exists():
            continue
        meeting = PlanMeeting.objects.create(course=course, kind=kind, due_on=due_on)
        if kind == MeetingKind.FOLLOW_UP:
            _plan_measurements(meeting)
        audit_log(
            by=by,
            action=AuditAction.CREATE,
            obj=meeting,
            family_id=course.family_id,
            course_id=course.pk,
            fields=["kind", "due_on"],
            values={"kind": kind, "due_on": str(due_on)},
        )
        created.append(meeting)
    return created


def _lock(by: User, meeting: PlanMeeting) -> tuple[Course, PlanMeeting]:
    course = course_access.course_for_writing(
        by,
        meeting.course,
        closed_message=_("Forløbet er afsluttet. Møderne kan ikke ændres."),
    )
    meeting = PlanMeeting.objects.select_for_update().get(pk=meeting.pk, course=course)
    return course, meeting


def _ids(values: Any) -> list[int]:
    return sorted({int(getattr(v, "pk", v)) for v in (values or [])})


@transaction.atomic
def meeting_record(*, by: User, meeting: PlanMeeting, data: dict[str, Any]) -> PlanMeeting:
    """Record ``meeting`` as held: date, participants, what was agreed, revised goals and the
    family's words. Recording an open follow-up schedules the next one (cadence after the day
    it was held). Recording an already held meeting again corrects it (no new meeting)."""
    course, meeting = _lock(by, meeting)
    was_open = meeting.held_on is None
    held_before = meeting.held_on
    held_on = data.get("held_on")
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if not held_on:
        errors["held_on"] = [_("Skriv datoen, hvor mødet blev holdt.")]
    elif held_on > today:
        errors["held_on"] = [_("Et møde kan ikke registreres som holdt i fremtiden.")]
    elif course.start_date and held_on < course.start_date - dt.timedelta(days=31):
        errors["held_on"] = [_("Datoen ligger mere end en måned før forløbets start.")]
    staff = _ids(data.get("staff_participants"))
    family = _ids(data.get("family_participants"))
    goals = _ids(data.get("revised_goals"))
    # Counted rather than excluded: an id that does not exist is refused here too, instead
    # of failing on the foreign key when the participants are saved.
    if family and (
        FamilyMember.objects.filter(pk__in=family, family_id=course.family_id).count()
        != len(family)
    ):
        errors["family_participants"] = [_("Vælg kun medlemmer af denne familie.")]
    if goals and Goal.objects.filter(pk__in=goals, plan__course=course).count() != len(goals):
        errors["revised_goals"] = [_("Vælg kun mål fra denne families plan.")]
    if staff and User.objects.filter(pk__in=staff).count() != len(staff):
        errors["staff_participants"] = [_("En af medarbejderne findes ikke.")]
    other = (data.get("other_participants") or "").strip()
    if not (staff or family or other):
        errors.setdefault("staff_participants", []).append(_("Angiv hvem der deltog i mødet."))
    if errors:
        raise ValidationError(errors)
    meeting.held_on = held_on
    for name in ("other_participants", "agreed", "revision_note", "family_perspective"):
        setattr(meeting, name, (data.get(name) or "").strip())
    meeting.recorded_by = by
    meeting.recorded_at = timezone.now()
    if was_open:
        plan = getattr(course, "plan", None)
        meeting.plan_version = plan.version if plan else None
    meeting.full_clean(exclude=["course", "recorded_by"])
    meeting.save()
    meeting.staff_participants.set(staff)
    meeting.family_participants.set(family)
    meeting.revised_goals.set(goals)
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        family_id=course.family_id,
        course_id=course.pk,
        fields=list(RECORD_FIELDS),
        detail="held" if was_open else "corrected",
    )
    if was_open and meeting.kind == MeetingKind.FOLLOW_UP:
        _schedule_next(by, course, held_on)
    elif meeting.kind == MeetingKind.FOLLOW_UP and held_on != held_before:
        # A corrected date moves the next follow-up with it (the cadence counts from the day
        # the last follow-up was really held).
        _redate_open_follow_up(by, course)
    return meeting


def _redate_open_follow_up(by: User | None, course: Course) -> None:
    """Date the open follow-up the course's cadence after the last held follow-up — unless
    someone moved it by hand (it has a reason) or no follow-up has been held yet (the first
    one is the 3-month meeting)."""
    last_held = (
        PlanMeeting.objects.filter(course=course, kind=MeetingKind.FOLLOW_UP, held_on__isnull=False)
        .order_by("-held_on", "-pk")
        .first()
    )
    if last_held is None:
        return
    due_on = next_follow_up_due(last_held.held_on, course.follow_up_months)
    open_follow_up = PlanMeeting.objects.filter(
        course=course, kind=MeetingKind.FOLLOW_UP, held_on__isnull=True, reschedule_reason=""
    ).first()
    if open_follow_up is None or open_follow_up.due_on == due_on:
        return
    old = open_follow_up.due_on
    open_follow_up.due_on = due_on
    open_follow_up.save(update_fields=["due_on"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=open_follow_up,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["due_on"],
        values={"from": str(old), "to": str(due_on)},
    )


def _plan_measurements(meeting: PlanMeeting) -> None:
    """Each follow-up meeting brings the course's follow-up measurements (issue 6)."""
    outcome_services.measurements_plan(
        course=meeting.course, occasion=Occasion.FOLLOW_UP, due_on=meeting.due_on, meeting=meeting
    )


def _schedule_next(by: User | None, course: Course, held_on: dt.date) -> PlanMeeting:
    due_on = next_follow_up_due(held_on, course.follow_up_months)
    meeting = PlanMeeting.objects.create(course=course, kind=MeetingKind.FOLLOW_UP, due_on=due_on)
    _plan_measurements(meeting)
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=meeting,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["kind", "due_on"],
        values={"kind": MeetingKind.FOLLOW_UP, "due_on": str(due_on)},
    )
    return meeting


@transaction.atomic
def meeting_reschedule(
    *, by: User, meeting: PlanMeeting, due_on: dt.date | None, reason: str
) -> PlanMeeting:
    """Move an open meeting to ``due_on``, with a reason. Reminders follow the new date."""
    course, meeting = _lock(by, meeting)
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if meeting.held_on is not None:
        raise ValidationError(_("Mødet er holdt. Ret registreringen i stedet."))
    if not due_on:
        errors["due_on"] = [_("Skriv den nye dato.")]
    elif course.start_date and due_on < course.start_date:
        errors["due_on"] = [_("Mødet kan ikke ligge før forløbets start.")]
    elif due_on < timezone.localdate():
        errors["due_on"] = [_("Et møde kan ikke flyttes til en dato, der er gået.")]
    if not reason:
        errors["reschedule_reason"] = [_("Skriv hvorfor mødet flyttes.")]
    if errors:
        raise ValidationError(errors)
    old = meeting.due_on
    meeting.due_on = due_on
    meeting.reschedule_reason = reason[:300]
    meeting.save(update_fields=["due_on", "reschedule_reason"])
    # The measurements planned for the meeting move with it.
    MeasurementDue.objects.filter(
        meeting=meeting, measurement__isnull=True, waived_reason=""
    ).update(due_on=due_on)
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=meeting,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["due_on", "reschedule_reason"],
        values={"from": str(old), "to": str(due_on)},
    )
    return meeting


@transaction.atomic
def course_cadence_set(*, by: User, course: Course, months: int | None) -> Course:
    """Change how often follow-ups are held after the first. The open follow-up is re-dated
    when it was set by the cadence (i.e. after a held follow-up); the first follow-up keeps
    its date (it is the 3-month meeting)."""
    course = course_access.course_for_writing(
        by, course, closed_message=_("Forløbet er afsluttet. Møderne kan ikke ændres.")
    )
    if not months or not 1 <= int(months) <= 12:
        raise ValidationError({"follow_up_months": [_("Vælg mellem 1 og 12 måneder.")]})
    old = course.follow_up_months
    course.follow_up_months = int(months)
    course.save(update_fields=["follow_up_months"])
    _redate_open_follow_up(by, course)
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=course,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["follow_up_months"],
        values={"from": old, "to": course.follow_up_months},
    )
    return course


# Reminders (Celery beat) --------------------------------------------------------------------


def _recipients(meeting: PlanMeeting) -> list[User]:
    users = [a.user for a in meeting.course.current_team]
    if meeting.course.family.caseworker_id:
        users.append(meeting.course.family.caseworker)
    return users


def meeting_reminders_send(today: dt.date | None = None) -> int:
    """Remind the rådgiver and the team of open meetings: once when a meeting is 14 days (the
    reminder window) ahead — or nearer, if it was scheduled late — and once on the day it
    becomes overdue. Each reminder has a key with the meeting and its due date, so running
    the task again sends nothing twice, and a moved meeting is reminded afresh. Returns the
    number of notifications created."""
    today = today or timezone.localdate()
    window = reminder_window_days()
    team = TeamAssignment.objects.current(today).select_related("user")
    meetings = (
        PlanMeeting.objects.open()
        .filter(due_on__lte=today + dt.timedelta(days=window))
        .select_related("course__family__caseworker")
        .prefetch_related(Prefetch("course__team", queryset=team, to_attr="current_team"))
    )
    sent = 0
    for meeting in meetings:
        family = meeting.course.family
        url = reverse("cases:meeting_list", args=[meeting.course_id])
        if today >= overdue_day(meeting.due_on):
            key = f"meeting-{meeting.pk}-overdue-{meeting.due_on:%Y%m%d}"
            text = _("%(kind)s for %(family)s skulle have været holdt senest %(date)s.") % {
                "kind": meeting.get_kind_display(),
                "family": family,
                "date": f"{meeting.due_on:%d.%m.%Y}",
            }
        else:
            key = f"meeting-{meeting.pk}-ahead-{meeting.due_on:%Y%m%d}"
            text = _("%(kind)s for %(family)s skal holdes senest %(date)s.") % {
                "kind": meeting.get_kind_display(),
                "family": family,
                "date": f"{meeting.due_on:%d.%m.%Y}",
            }
        sent += len(notify(recipients=_recipients(meeting), text=text, url=url, key=key))
    return sent
