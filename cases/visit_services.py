"""Home visits and FIT (issue 5): recording a visit with its FIT scores, correcting it (never
silently), the draft kept while it is written, alerts raised by the scores and their
acknowledgement, and changes of the granted intensity.

Access: Perm.VISIT_VIEW reads within ``course_scope``; Perm.VISIT_RECORD (the course's
current team) records visits and acknowledges alerts; the author corrects a visit within
``VISIT_CORRECTION_HOURS`` of recording it, a leader of the provider (Perm.VISIT_CORRECT_ANY)
afterwards; Perm.INTENSITY_CHANGE (the rådgiver, the leader) changes the grant. Every read
and write is audited; journal notes and scores never enter the audit values.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import course_access, fit, visit_time
from cases.models import (
    ActivityType,
    Course,
    CourseStatus,
    FamilyMember,
    FitAlert,
    FitRater,
    FitScale,
    FitScore,
    FitVersion,
    Goal,
    IntensityChange,
    NetworkMember,
    TeamAssignment,
    Visit,
    VisitDraft,
    VisitRevision,
)
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import Role, User

AUDIT_DETAIL = "visits"
MAX_VISIT_HOURS = 16
# A tablet's clock may run a little ahead of the server's.
FUTURE_GRACE = dt.timedelta(minutes=5)
VISIT_FIELDS = (
    "starts_at",
    "ends_at",
    "place",
    "staff_participants",
    "family_participants",
    "network_participants",
    "other_participants",
    "activities",
    "goals",
    "note",
    "fit_scores",
)


# Input ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FitEntry:
    """One FIT rating as entered: whose, which scale, the four item scores (as typed), and
    — for a collateral ORS — who rated."""

    client_id: int
    scale: str
    items: Sequence[Any]
    rater: str = FitRater.SELF
    rater_member_id: int | None = None
    rater_description: str = ""


@dataclass
class VisitInput:
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    place: str
    staff_ids: Sequence[int] = ()
    family_ids: Sequence[int] = ()
    network_ids: Sequence[int] = ()
    other_participants: str = ""
    activity_ids: Sequence[int] = ()
    goal_ids: Sequence[int] = ()
    note: str = ""
    fit: Sequence[FitEntry] = field(default_factory=list)


# Reads ---------------------------------------------------------------------------------------


def get_course_for_user(user: User, course_pk: int, *, perm: Perm = Perm.VISIT_VIEW) -> Course:
    return course_access.get_course_for_user(user, course_pk, perm=perm, detail=AUDIT_DETAIL)


def visits_for_course(course: Course | int) -> QuerySet[Visit]:
    return Visit.objects.filter(course=course).with_details().order_by("-starts_at", "-pk")


def get_visit_for_user(
    user: User, course_pk: int, pk: int, *, perm: Perm = Perm.VISIT_VIEW
) -> Visit:
    """One visit of a course in ``user``'s scope: 403 without ``perm``, 404 outside the
    scope. The read is audited."""
    if perm not in permissions_of(user):
        raise PermissionDenied
    scope = Course.objects.filter(course_scope(user)).values("pk")
    try:
        visit = (
            visits_for_course(course_pk)
            .select_related("course__family", "course__provider")
            .prefetch_related(
                "fit_scores__client", "fit_scores__rater_member", "revisions__changed_by"
            )
            .filter(course__in=scope)
            .get(pk=pk)
        )
    except Visit.DoesNotExist:
        raise Http404 from None
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=visit,
        family_id=visit.course.family_id,
        course_id=visit.course_id,
    )
    return visit


def may_correct(user: User, visit: Visit, now: dt.datetime | None = None) -> bool:
    """The author within the correction window; a leader of the course's provider always."""
    perms = permissions_of(user)
    if (
        Perm.VISIT_CORRECT_ANY in perms
        and user.has_role(Role.LEDER)
        and user.organisation_id == visit.course.provider_id
    ):
        return True
    if Perm.VISIT_RECORD not in perms or visit.author_id != user.pk:
        return False
    window = dt.timedelta(hours=settings.VISIT_CORRECTION_HOURS)
    return (now or timezone.now()) <= visit.created_at + window


def hours_in_force(course: Course, day: dt.date, changes: Sequence[IntensityChange]) -> Decimal:
    """The granted hours per week on ``day``: the latest change in force, else the grant at
    the start. ``changes`` are the course's changes in date order."""
    hours = course.granted_hours or Decimal("0")
    for change in changes:
        if change.effective_on <= day:
            hours = change.hours_per_week
        else:
            break
    return hours


def age_on(member: FamilyMember, day: dt.date) -> int | None:
    """Age in whole years on ``day``; None for a child not yet born."""
    if member.birth_date > day:
        return None
    return member.age_on(day)


# Writes --------------------------------------------------------------------------------------


def _lock_course(by: User, course: Course, *, perm: Perm) -> Course:
    if perm not in permissions_of(by):
        raise PermissionDenied
    if not Course.objects.filter(course_scope(by), pk=course.pk).exists():
        raise Http404
    course = (
        Course.objects.select_for_update().select_related("family", "provider").get(pk=course.pk)
    )
    if course.status == CourseStatus.CLOSED:
        raise ValidationError(_("Forløbet er afsluttet. Besøg kan ikke registreres eller rettes."))
    # Recording (visits, drafts) is the current team's: a person who is also a rådgiver sees
    # more courses than they work on, but records only on their own.
    if (
        perm == Perm.VISIT_RECORD
        and not TeamAssignment.objects.current().filter(course=course, user=by).exists()
    ):
        raise PermissionDenied
    return course


def _ids(values: Iterable[Any]) -> list[int]:
    return sorted({int(v) for v in values or ()})


def _validate(course: Course, data: VisitInput, *, now: dt.datetime) -> dict[str, Any]:
    """Check ``data`` against the course; returns the resolved objects or raises a
    ValidationError with a Danish message per field (the form keeps what was typed)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    starts_at, ends_at = data.starts_at, data.ends_at
    if not starts_at:
        add("starts_at", _("Skriv hvornår besøget startede."))
    if not ends_at:
        add("ends_at", _("Skriv hvornår besøget sluttede."))
    if starts_at and ends_at:
        if ends_at <= starts_at:
            add("ends_at", _("Slut skal ligge efter start."))
        elif ends_at - starts_at > dt.timedelta(hours=MAX_VISIT_HOURS):
            add(
                "ends_at",
                _("Et besøg kan højst vare %(hours)s timer.") % {"hours": MAX_VISIT_HOURS},
            )
        if ends_at > now + FUTURE_GRACE:
            add("ends_at", _("Besøget kan ikke registreres i fremtiden."))
        local_start = timezone.localtime(starts_at).date()
        if course.start_date and local_start < course.start_date:
            add(
                "starts_at",
                _("Besøget ligger før forløbets start (%(date)s).")
                % {"date": f"{course.start_date:%d.%m.%Y}"},
            )
    if data.place not in {c for c, _label in Visit._meta.get_field("place").choices}:
        add("place", _("Vælg hvor besøget foregik."))

    visit_day = timezone.localtime(starts_at).date() if starts_at else timezone.localdate()
    team_ids = set(
        TeamAssignment.objects.filter(course=course, starts_on__lte=visit_day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=visit_day))
        .values_list("user_id", flat=True)
    )
    staff_ids = _ids(data.staff_ids)
    if not staff_ids:
        add("staff_participants", _("Vælg mindst én medarbejder, der var med."))
    elif not set(staff_ids) <= team_ids:
        add("staff_participants", _("Vælg kun medarbejdere fra familiens team."))

    family = {m.pk: m for m in FamilyMember.objects.filter(family_id=course.family_id)}
    family_ids = _ids(data.family_ids)
    if not set(family_ids) <= set(family):
        add("family_participants", _("Vælg kun medlemmer af denne familie."))
    network_ids = _ids(data.network_ids)
    if (
        network_ids
        and NetworkMember.objects.filter(pk__in=network_ids)
        .exclude(family_id=course.family_id)
        .exists()
    ):
        add("network_participants", _("Vælg kun personer fra familiens netværk."))
    activity_ids = _ids(data.activity_ids)
    if not activity_ids:
        add("activities", _("Vælg mindst én aktivitet."))
    elif ActivityType.objects.filter(pk__in=activity_ids, is_active=True).count() != len(
        activity_ids
    ):
        add("activities", _("En af aktiviteterne findes ikke længere. Vælg igen."))
    goal_ids = _ids(data.goal_ids)
    if goal_ids and Goal.objects.filter(pk__in=goal_ids).exclude(plan__course=course).exists():
        add("goals", _("Vælg kun mål fra familiens plan."))

    scores = []
    seen: set[tuple[int, str]] = set()
    for entry in data.fit:
        member = family.get(int(entry.client_id)) if entry.client_id else None
        name = f"fit-{entry.client_id}-{entry.scale}"
        if member is None:
            add("fit", _("FIT kan kun udfyldes for medlemmer af denne familie."))
            continue
        if entry.scale not in FitScale.values:
            add(name, _("Ukendt skema."))
            continue
        rater = entry.rater if entry.rater in FitRater.values else None
        if rater is None:
            add(name, _("Vælg hvem der udfyldte skemaet."))
            continue
        rater_member = None
        if rater == FitRater.SELF:
            if member.pk not in family_ids:
                add(
                    name,
                    _("%(name)s var ikke med i besøget og kan ikke selv udfylde skemaet.")
                    % {"name": member.first_name},
                )
                continue
            if (member.pk, entry.scale) in seen:
                add(
                    name,
                    _("%(name)s har allerede et skema af denne type i besøget.")
                    % {"name": member.first_name},
                )
                continue
            seen.add((member.pk, entry.scale))
        else:
            if entry.scale != FitScale.ORS:
                add(name, _("Kun ORS kan udfyldes af en anden om personen."))
                continue
            if entry.rater_member_id:
                rater_member = family.get(int(entry.rater_member_id))
                if rater_member is None or rater_member.pk == member.pk:
                    add(name, _("Vælg et andet medlem af familien som den, der udfyldte."))
                    continue
            elif not (entry.rater_description or "").strip():
                add(name, _("Skriv hvem der udfyldte skemaet (fx lærer)."))
                continue
        age = age_on(member, visit_day)
        if age is None:
            add(name, _("%(name)s er ikke født endnu.") % {"name": member.first_name})
            continue
        try:
            items = [fit.parse_item(v) for v in entry.items]
            if len(items) != 4:
                raise fit.ItemError("four items")
        except fit.ItemError:
            add(
                name,
                _("%(name)s: hvert punkt skal være et tal fra 0,0 til 10,0 (fire punkter).")
                % {"name": member.first_name},
            )
            continue
        scores.append(
            FitScore(
                client=member,
                scale=entry.scale,
                version=fit.version_for_age(age),
                age_years=age,
                rater=rater,
                rater_member=rater_member,
                rater_description=(entry.rater_description or "").strip()[:100]
                if rater == FitRater.COLLATERAL
                else "",
                item1=items[0],
                item2=items[1],
                item3=items[2],
                item4=items[3],
                total=fit.total(items),
            )
        )
    if errors:
        raise ValidationError(errors)
    split = visit_time.split(starts_at, ends_at)
    return {
        "split": split,
        "staff_ids": staff_ids,
        "family_ids": family_ids,
        "network_ids": network_ids,
        "activity_ids": activity_ids,
        "goal_ids": goal_ids,
        "scores": scores,
    }


def _apply(visit: Visit, data: VisitInput, resolved: dict[str, Any]) -> None:
    split = resolved["split"]
    visit.starts_at = data.starts_at
    visit.ends_at = data.ends_at
    visit.place = data.place
    visit.other_participants = (data.other_participants or "").strip()[:300]
    visit.note = (data.note or "").strip()
    visit.minutes = split.minutes(split.seconds)
    visit.evening_minutes = split.minutes(split.evening)
    visit.early_minutes = split.minutes(split.early)
    visit.weekend_minutes = split.minutes(split.weekend)
    visit.flexible_minutes = split.minutes(split.flexible)


def _save_relations(visit: Visit, resolved: dict[str, Any]) -> None:
    visit.staff_participants.set(resolved["staff_ids"])
    visit.family_participants.set(resolved["family_ids"])
    visit.network_participants.set(resolved["network_ids"])
    visit.activities.set(resolved["activity_ids"])
    visit.goals.set(resolved["goal_ids"])
    visit.fit_scores.all().delete()
    for score in resolved["scores"]:
        score.visit = visit
    FitScore.objects.bulk_create(resolved["scores"])


@transaction.atomic
def visit_record(*, by: User, course: Course, data: VisitInput) -> Visit:
    """Record a visit of the course's team, with its FIT scores; raise the alerts the scores
    call for; discard the author's draft."""
    course = _lock_course(by, course, perm=Perm.VISIT_RECORD)
    resolved = _validate(course, data, now=timezone.now())
    visit = Visit(course=course, author=by)
    _apply(visit, data, resolved)
    visit.full_clean(exclude=["course", "author"])
    visit.save()
    _save_relations(visit, resolved)
    VisitDraft.objects.filter(course=course, user=by).delete()
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=visit,
        family_id=course.family_id,
        course_id=course.pk,
        fields=list(VISIT_FIELDS),
        values={"minutes": visit.minutes, "fit_scores": len(resolved["scores"])},
    )
    fit_alerts_evaluate(course=course, since=visit.starts_at)
    return visit


def visit_snapshot(visit: Visit) -> dict[str, Any]:
    """The visit as stored, for its revision history."""
    return {
        "starts_at": visit.starts_at.astimezone(dt.UTC).isoformat(),
        "ends_at": visit.ends_at.astimezone(dt.UTC).isoformat(),
        "place": visit.place,
        "staff_participants": sorted(u.pk for u in visit.staff_participants.all()),
        "family_participants": sorted(m.pk for m in visit.family_participants.all()),
        "network_participants": sorted(m.pk for m in visit.network_participants.all()),
        "other_participants": visit.other_participants,
        "activities": sorted(a.pk for a in visit.activities.all()),
        "goals": sorted(g.pk for g in visit.goals.all()),
        "note": visit.note,
        "fit_scores": [
            {
                "client": s.client_id,
                "scale": s.scale,
                "rater": s.rater,
                "rater_member": s.rater_member_id,
                "rater_description": s.rater_description,
                "items": [str(v) for v in s.items],
            }
            for s in visit.fit_scores.order_by("client_id", "scale", "pk")
        ],
    }


class VisitConflict(ValidationError):
    """The visit was corrected by someone else since the form was opened."""


@transaction.atomic
def visit_correct(
    *, by: User, visit: Visit, data: VisitInput, reason: str, expected_version: int
) -> Visit:
    """Correct a visit: the author within the window, a leader afterwards. The visit as it
    was is kept as a revision with the reason; alerts from this visit on are re-evaluated
    (acknowledged alerts stay, with their note)."""
    course = _lock_course(by, visit.course, perm=Perm.VISIT_VIEW)
    visit = Visit.objects.select_for_update().get(pk=visit.pk, course=course)
    visit.course = course
    if not may_correct(by, visit):
        raise PermissionDenied
    if visit.version != expected_version:
        raise VisitConflict(
            _("Besøget er rettet af en anden, mens du skrev. Se ændringerne og ret igen.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Skriv hvorfor besøget rettes.")]})
    before = visit_snapshot(visit)
    earliest = min(visit.starts_at, data.starts_at or visit.starts_at)
    resolved = _validate(course, data, now=timezone.now())
    _apply(visit, data, resolved)
    visit.version += 1
    visit.full_clean(exclude=["course", "author"])
    visit.save()
    _save_relations(visit, resolved)
    after = visit_snapshot(visit)
    changed = sorted(k for k in after if after[k] != before[k])
    VisitRevision.objects.create(
        visit=visit,
        number=visit.version - 1,
        snapshot=before,
        reason=reason[:300],
        changed_fields=changed,
        changed_by=by,
    )
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=visit,
        family_id=course.family_id,
        course_id=course.pk,
        fields=changed,
        values={"version": visit.version},
        detail="correction",
    )
    fit_alerts_evaluate(course=course, since=earliest)
    return visit


# FIT alerts ----------------------------------------------------------------------------------


def fit_alerts_evaluate(*, course: Course, since: dt.datetime | None = None) -> list[FitAlert]:
    """Raise the alerts the course's self-rated FIT scores call for, for every visit from
    ``since`` on (all when None). Unacknowledged alerts of those visits are recomputed;
    acknowledged ones are kept. Returns the alerts created."""
    scores = list(
        FitScore.objects.filter(visit__course=course, rater=FitRater.SELF)
        .select_related("visit")
        .order_by("visit__starts_at", "visit_id", "pk")
    )
    if since is not None:
        FitAlert.objects.filter(
            course=course, visit__starts_at__gte=since, acknowledged_at__isnull=True
        ).delete()
    else:
        FitAlert.objects.filter(course=course, acknowledged_at__isnull=True).delete()
    kept = set(FitAlert.objects.filter(course=course).values_list("visit_id", "client_id", "kind"))
    r = fit.rules()
    ors: dict[int, list[Decimal]] = {}
    srs_count: dict[int, int] = {}
    last_srs: dict[int, Decimal] = {}
    new: list[FitAlert] = []
    for score in scores:
        findings: list[fit.Finding] = []
        client = score.client_id
        if score.scale == FitScale.ORS:
            ors.setdefault(client, []).append(score.total)
            session = len(ors[client])
            findings = fit.progress_findings(
                ors[client],
                fit.cutoff_for_age(score.age_years, r),
                engagement_only=score.version == FitVersion.YOUNG_CHILD,
                r=r,
            )
        else:
            srs_count[client] = srs_count.get(client, 0) + 1
            session = srs_count[client]
            if score.version != FitVersion.YOUNG_CHILD:
                finding = fit.alliance_findings(score.items, last_srs.get(client), r)
                findings = [finding] if finding else []
            last_srs[client] = score.total
        if since is not None and score.visit.starts_at < since:
            continue
        for finding in findings:
            key = (score.visit_id, client, finding.kind)
            if key in kept:
                continue
            kept.add(key)
            new.append(
                FitAlert(
                    course=course,
                    client_id=client,
                    visit_id=score.visit_id,
                    kind=finding.kind,
                    level=finding.level,
                    reasons=list(finding.reasons),
                    session_number=session,
                )
            )
    return FitAlert.objects.bulk_create(new)


def may_acknowledge(user: User, course: Course) -> bool:
    """Alerts are acknowledged by the course's current team (Perm.VISIT_RECORD) or by a
    leader of the course's provider (Perm.VISIT_CORRECT_ANY) — not by a leader on the
    authority side, who reads the course but does not run it."""
    perms = permissions_of(user)
    if (
        Perm.VISIT_CORRECT_ANY in perms
        and user.has_role(Role.LEDER)
        and user.organisation_id == course.provider_id
    ):
        return True
    return (
        Perm.VISIT_RECORD in perms
        and TeamAssignment.objects.current().filter(course=course, user=user).exists()
    )


@transaction.atomic
def alert_acknowledge(*, by: User, alert: FitAlert, note: str) -> FitAlert:
    """Acknowledge an alert with what was done about it (the team or a leader of the
    provider: ``may_acknowledge``)."""
    perms = permissions_of(by)
    if Perm.VISIT_RECORD not in perms and Perm.VISIT_CORRECT_ANY not in perms:
        raise PermissionDenied
    if not Course.objects.filter(course_scope(by), pk=alert.course_id).exists():
        raise Http404
    if not may_acknowledge(by, Course.objects.get(pk=alert.course_id)):
        raise PermissionDenied
    try:
        alert = FitAlert.objects.select_for_update().select_related("course").get(pk=alert.pk)
    except FitAlert.DoesNotExist:
        # A correction of the visit re-evaluated (and replaced) the open alert meanwhile.
        raise ValidationError(
            _("Alarmen findes ikke længere, fordi besøget er rettet. Se alarmerne igen.")
        ) from None
    note = (note or "").strip()
    if alert.acknowledged_at is not None:
        raise ValidationError(_("Alarmen er allerede kvitteret."))
    if not note:
        raise ValidationError({"acknowledgement": [_("Skriv hvad I har gjort ved det.")]})
    alert.acknowledged_at = timezone.now()
    alert.acknowledged_by = by
    alert.acknowledgement = note[:2000]
    alert.save(update_fields=["acknowledged_at", "acknowledged_by", "acknowledgement"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=alert,
        family_id=alert.course.family_id,
        course_id=alert.course_id,
        fields=["acknowledged_at", "acknowledgement"],
    )
    return alert


# Drafts --------------------------------------------------------------------------------------

DRAFT_MAX_CHARS = 50_000


@transaction.atomic
def visit_draft_save(*, by: User, course: Course, data: dict[str, Any]) -> VisitDraft:
    """Keep the form as typed so far (only plain strings and lists of strings)."""
    course = _lock_course(by, course, perm=Perm.VISIT_RECORD)
    clean: dict[str, Any] = {}
    for key, value in (data or {}).items():
        if key in {"csrfmiddlewaretoken"} or not isinstance(key, str) or len(key) > 60:
            continue
        if isinstance(value, str):
            clean[key] = value[:10_000]
        elif isinstance(value, list):
            clean[key] = [str(v)[:200] for v in value[:100]]
    if sum(len(str(v)) for v in clean.values()) > DRAFT_MAX_CHARS:
        raise ValidationError(_("Kladden er for stor til at blive gemt."))
    draft, created = VisitDraft.objects.update_or_create(
        course=course, user=by, defaults={"data": clean}
    )
    if created:
        audit_log(
            by=by,
            action=AuditAction.CREATE,
            obj=draft,
            family_id=course.family_id,
            course_id=course.pk,
            detail="visit_draft",
        )
    return draft


def visit_draft_for(user: User, course: Course) -> VisitDraft | None:
    return VisitDraft.objects.filter(course=course, user=user).first()


def visit_draft_discard(*, by: User, course: Course) -> int:
    return VisitDraft.objects.filter(course=course, user=by).delete()[0]


# Intensity -----------------------------------------------------------------------------------


@transaction.atomic
def intensity_change(
    *, by: User, course: Course, effective_on: dt.date | None, hours: Decimal | None, reason: str
) -> IntensityChange:
    """Turn the granted hours up or down from a day (at a day's notice: it may be tomorrow,
    today or a day already passed in this course), with the reason."""
    if Perm.INTENSITY_CHANGE not in permissions_of(by):
        raise PermissionDenied
    if course.status == CourseStatus.CLOSED:
        raise ValidationError(_("Forløbet er afsluttet. Intensiteten kan ikke ændres."))
    course = _lock_course(by, course, perm=Perm.INTENSITY_CHANGE)
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if effective_on is None:
        errors["effective_on"] = [_("Skriv datoen, hvor den nye intensitet gælder fra.")]
    elif course.start_date and effective_on < course.start_date:
        errors["effective_on"] = [_("Datoen ligger før forløbets start.")]
    elif course.end_date and effective_on > course.end_date:
        errors["effective_on"] = [_("Datoen ligger efter forløbets slutdato.")]
    if hours is None or not Decimal("0.5") <= hours <= Decimal("40"):
        errors["hours_per_week"] = [_("Skriv timer pr. uge mellem 0,5 og 40.")]
    elif hours != hours.quantize(Decimal("0.1")):
        # The column keeps one decimal: 0.04 would be stored as 0.0 and break the constraint.
        errors["hours_per_week"] = [_("Skriv timer pr. uge med højst én decimal.")]
    if not reason:
        errors["reason"] = [_("Skriv hvorfor intensiteten ændres.")]
    if errors:
        raise ValidationError(errors)
    changes = list(IntensityChange.objects.filter(course=course).order_by("effective_on", "pk"))
    had_grant = course.granted_hours is not None or any(
        c.effective_on < effective_on for c in changes
    )
    previous = (
        hours_in_force(course, effective_on - dt.timedelta(days=1), changes) if had_grant else None
    )
    change = IntensityChange.objects.create(
        course=course,
        effective_on=effective_on,
        hours_per_week=hours,
        previous_hours=previous,
        reason=reason[:500],
        created_by=by,
    )
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=change,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["effective_on", "hours_per_week", "reason"],
        values={
            "effective_on": str(effective_on),
            "hours_per_week": str(hours),
            "previous_hours": "" if previous is None else str(previous),
        },
    )
    return change
