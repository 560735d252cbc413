"""Outcome measurement (issue 6): the measurement plan of a course, recording a completed
instrument (answers by item number, scored by cases/instruments.py, banded by the norm set in
use), waiving a planned measurement with a reason, pre/post comparison, stories of change,
and the children's school/daycare attachment with attendance.

Access: Perm.PLAN_VIEW reads within ``course_scope``; Perm.OUTCOME_RECORD (the course's team,
the rådgiver) writes. A closed course is read-only. Reads and writes are audited; answers and
story texts never enter audit values.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import course_access, instruments
from cases.models import (
    AttendancePeriod,
    AttendanceUnit,
    ChangeStory,
    Course,
    CourseStatus,
    FamilyMember,
    Informant,
    Institution,
    InstitutionContact,
    Instrument,
    Measurement,
    MeasurementDue,
    MemberKind,
    NormBand,
    NormSet,
    Occasion,
)
from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, course_scope, permissions_of
from staffing.models import User

AUDIT_DETAIL = "outcomes"
BASELINE_WITHIN_DAYS = 21  # "baseline within the first weeks"

# Which instruments the plan asks for, by the kind of family member (age-checked per instrument).
PLAN_FOR_CHILD = ("sdq_parent", "sdq_self")
PLAN_FOR_CAREGIVER = ("who5", "pss")


# Reads ---------------------------------------------------------------------------------------


def get_course_for_user(user: User, course_pk: int, *, perm: Perm = Perm.PLAN_VIEW) -> Course:
    return course_access.get_course_for_user(user, course_pk, perm=perm, detail=AUDIT_DETAIL)


def instruments_active() -> QuerySet[Instrument]:
    return Instrument.objects.filter(is_active=True).order_by("order", "code")


def measurements_for_course(course: Course | int) -> QuerySet[Measurement]:
    return (
        Measurement.objects.filter(course=course)
        .select_related("instrument", "subject", "informant_member", "norm_set", "created_by")
        .order_by("measured_on", "pk")
    )


def measurements_due_for_course(course: Course | int) -> QuerySet[MeasurementDue]:
    return (
        MeasurementDue.objects.filter(course=course)
        .select_related("instrument", "subject", "measurement", "waived_by")
        .order_by("due_on", "pk")
    )


def get_measurement_for_user(
    user: User, course_pk: int, pk: int, *, perm: Perm = Perm.PLAN_VIEW
) -> Measurement:
    if perm not in permissions_of(user):
        raise PermissionDenied
    scope = Course.objects.filter(course_scope(user)).values("pk")
    try:
        measurement = (
            measurements_for_course(course_pk)
            .select_related("course__family")
            .filter(course__in=scope)
            .get(pk=pk)
        )
    except Measurement.DoesNotExist:
        raise Http404 from None
    audit_log(
        by=user,
        action=AuditAction.VIEW,
        obj=measurement,
        family_id=measurement.course.family_id,
        course_id=measurement.course_id,
    )
    return measurement


def age_on(member: FamilyMember, day: dt.date) -> int | None:
    return None if member.birth_date > day else member.age_on(day)


def instrument_fits(instrument: Instrument, member: FamilyMember, day: dt.date) -> bool:
    age = age_on(member, day)
    if age is None or age < instrument.subject_min_age:
        return False
    return instrument.subject_max_age is None or age <= instrument.subject_max_age


@dataclass(frozen=True)
class PrePost:
    """First (baseline) and last (closure, else latest) measurement of one instrument for one
    person by one informant, with the change per scale."""

    instrument: Instrument
    subject: FamilyMember
    informant: str
    first: Measurement
    last: Measurement | None

    def change(self, scale: str) -> float | None:
        if self.last is None:
            return None
        before = self.first.scores.get("scales", {}).get(scale)
        after = self.last.scores.get("scales", {}).get(scale)
        return None if before is None or after is None else after - before

    def meaningful(self, scale: str) -> bool | None:
        if self.last is None:
            return None
        return instruments.meaningful_change(
            self.instrument.definition,
            scale,
            self.first.scores.get("scales", {}).get(scale),
            self.last.scores.get("scales", {}).get(scale),
        )


def pre_post(measurements: list[Measurement]) -> list[PrePost]:
    """Pair each person's first and last measurement per instrument and informant (from an
    already fetched list: no queries)."""
    groups: dict[tuple[int, int, str], list[Measurement]] = defaultdict(list)
    for m in measurements:
        informant = (m.informant_description or "").strip().casefold() or str(
            m.informant_member_id or "self"
        )
        groups[(m.instrument_id, m.subject_id, informant)].append(m)
    rows = []
    for (_instrument, _subject, informant), items in groups.items():
        items.sort(key=lambda m: (m.measured_on, m.pk))
        baseline = [m for m in items if m.occasion == Occasion.BASELINE]
        first = baseline[0] if baseline else items[0]
        closing = [m for m in items if m.occasion == Occasion.CLOSURE and m is not first]
        later = [m for m in items if m is not first and m.measured_on >= first.measured_on]
        last = closing[-1] if closing else (later[-1] if later else None)
        rows.append(PrePost(first.instrument, first.subject, informant, first, last))
    rows.sort(key=lambda r: (r.subject.pk, r.instrument.order, r.informant))
    return rows


# The measurement plan ------------------------------------------------------------------------


def measurements_plan(
    *, course: Course, occasion: str, due_on: dt.date, meeting: Any = None
) -> list[MeasurementDue]:
    """Put the instruments that fit each family member (by kind and age on ``due_on``) on the
    course's plan for ``occasion``. Idempotent."""
    members = list(FamilyMember.objects.filter(family_id=course.family_id))
    by_code = {i.code: i for i in instruments_active()}
    created = []
    for member in members:
        codes = PLAN_FOR_CHILD if member.kind == MemberKind.CHILD else PLAN_FOR_CAREGIVER
        for code in codes:
            instrument = by_code.get(code)
            if instrument is None or not instrument_fits(instrument, member, due_on):
                continue
            due, made = MeasurementDue.objects.get_or_create(
                course=course,
                instrument=instrument,
                subject=member,
                occasion=occasion,
                due_on=due_on,
                defaults={"meeting": meeting},
            )
            if made:
                created.append(due)
    return created


def measurements_plan_initial(*, course: Course) -> list[MeasurementDue]:
    """At course start: baseline within the first three weeks."""
    if course.start_date is None:
        return []
    return measurements_plan(
        course=course,
        occasion=Occasion.BASELINE,
        due_on=course.start_date + dt.timedelta(days=BASELINE_WITHIN_DAYS),
    )


def measurements_due_open(*, user: User, horizon_days: int = 14) -> QuerySet[MeasurementDue]:
    """Open planned measurements on the user's current courses that are overdue or due within
    ``horizon_days`` (for the team's start page)."""
    today = timezone.localdate()
    return (
        MeasurementDue.objects.filter(
            course__in=Course.objects.filter(course_scope(user)).values("pk"),
            measurement__isnull=True,
            waived_reason="",
            due_on__lte=today + dt.timedelta(days=horizon_days),
        )
        .exclude(course__status=CourseStatus.CLOSED)
        .select_related("course__family", "instrument", "subject")
        .order_by("due_on", "pk")
    )


# Writes --------------------------------------------------------------------------------------


def _lock(by: User, course: Course) -> Course:
    if Perm.OUTCOME_RECORD not in permissions_of(by):
        raise PermissionDenied
    return course_access.course_for_writing(
        by,
        course,
        closed_message=_("Forløbet er afsluttet. Målinger og registreringer kan ikke ændres."),
    )


def bands_for(
    norm_set: NormSet | None, informant: str, age: int, scales: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The band of each scored scale in ``norm_set`` for this informant and age."""
    if norm_set is None:
        return {}
    bands = list(
        NormBand.objects.filter(
            norm_set=norm_set, informant=informant, age_min__lte=age, age_max__gte=age, sex=""
        )
    )
    out = {}
    for scale, value in scales.items():
        if value is None:
            continue
        for band in bands:
            if band.scale == scale and band.low <= Decimal(str(value)) <= band.high:
                out[scale] = {"label": band.label, "rank": band.rank}
                break
    return out


@transaction.atomic
def measurement_record(
    *,
    by: User,
    course: Course,
    instrument: Instrument,
    subject: FamilyMember,
    occasion: str,
    measured_on: dt.date | None,
    answers: dict[Any, Any],
    informant_member: FamilyMember | None = None,
    informant_description: str = "",
) -> Measurement:
    """Record a completed instrument. Refused (Danish messages per field) for: answers the
    instrument does not allow, a person outside the instrument's ages on the date (e.g. an
    SDQ self-report for a child under 11), a date in the future or before the course, an
    informant that does not fit the version. Links the planned measurement it fulfils."""
    course = _lock(by, course)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if subject.family_id != course.family_id:
        raise ValidationError({"subject": [_("Vælg et medlem af denne familie.")]})
    if occasion not in Occasion.values:
        errors["occasion"] = [_("Vælg hvornår i forløbet målingen hører til.")]
    if not measured_on:
        errors["measured_on"] = [_("Skriv datoen for målingen.")]
    elif measured_on > today:
        errors["measured_on"] = [_("En måling kan ikke ligge i fremtiden.")]
    elif course.start_date and measured_on < course.start_date - dt.timedelta(days=60):
        errors["measured_on"] = [_("Datoen ligger mere end to måneder før forløbets start.")]
    day = measured_on if measured_on and measured_on <= today else today
    age = age_on(subject, day)
    if not instrument.is_active:
        errors["instrument"] = [_("Måleredskabet er ikke længere i brug.")]
    elif age is None or not instrument_fits(instrument, subject, day):
        upper = f"–{instrument.subject_max_age}" if instrument.subject_max_age is not None else "+"
        errors["subject"] = [
            _("%(instrument)s kan kun bruges om personer på %(ages)s år (%(name)s er %(age)s).")
            % {
                "instrument": instrument.name,
                "ages": f"{instrument.subject_min_age}{upper}",
                "name": subject.first_name,
                "age": age if age is not None else _("ikke født"),
            }
        ]
    informant_description = (informant_description or "").strip()[:100]
    if instrument.informant == Informant.PARENT:
        if informant_member is None or informant_member.kind != MemberKind.CAREGIVER:
            errors["informant_member"] = [_("Vælg den forælder, der udfyldte skemaet.")]
        elif informant_member.family_id != course.family_id:
            errors["informant_member"] = [_("Vælg et medlem af denne familie.")]
        informant_description = ""
    elif instrument.informant == Informant.TEACHER:
        informant_member = None
        if not informant_description:
            errors["informant_description"] = [
                _("Skriv hvem der udfyldte skemaet (fx klasselærer).")
            ]
    else:
        informant_member, informant_description = None, ""
    try:
        scored = instruments.score(instrument.scoring, instrument.definition, answers)
    except instruments.AnswerError as exc:
        bad = sorted(i for i in exc.errors if i > 0)
        errors["answers"] = [
            _("Ugyldige svar ved punkt %(items)s. Vælg et af de tilladte svar.")
            % {"items": ", ".join(str(i) for i in bad) or "?"}
        ]
        scored = None
    if errors:
        raise ValidationError(errors)
    norm_set = NormSet.objects.filter(instrument_family=instrument.family, is_default=True).first()
    scores = scored.as_json()
    scores["bands"] = bands_for(norm_set, instrument.informant, age, scored.scales)
    measurement = Measurement.objects.create(
        course=course,
        instrument=instrument,
        occasion=occasion,
        subject=subject,
        informant_member=informant_member,
        informant_description=informant_description,
        measured_on=measured_on,
        age_years=age,
        answers={
            str(k): v for k, v in instruments.validate(instrument.definition, answers).items()
        },
        scores=scores,
        norm_set=norm_set if scores["bands"] else None,
        created_by=by,
    )
    due = (
        MeasurementDue.objects.select_for_update()
        .filter(
            course=course,
            instrument=instrument,
            subject=subject,
            occasion=occasion,
            measurement__isnull=True,
            waived_reason="",
        )
        .order_by("due_on")
        .first()
    )
    if due is not None:
        due.measurement = measurement
        due.save(update_fields=["measurement"])
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=measurement,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["instrument", "occasion", "subject", "measured_on", "answers"],
        values={"instrument": instrument.code, "occasion": occasion},
    )
    return measurement


@transaction.atomic
def measurement_due_waive(*, by: User, due: MeasurementDue, reason: str) -> MeasurementDue:
    """Explicitly skip a planned measurement, with the reason (e.g. "mor ønskede ikke")."""
    course = _lock(by, due.course)
    due = MeasurementDue.objects.select_for_update().get(pk=due.pk, course=course)
    reason = (reason or "").strip()
    if due.measurement_id:
        raise ValidationError(_("Målingen er allerede udført."))
    if due.waived_reason:
        raise ValidationError(_("Målingen er allerede undladt."))
    if not reason:
        raise ValidationError({"waived_reason": [_("Skriv hvorfor målingen ikke udføres.")]})
    due.waived_reason = reason[:300]
    due.waived_by = by
    due.save(update_fields=["waived_reason", "waived_by"])
    audit_log(
        by=by,
        action=AuditAction.UPDATE,
        obj=due,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["waived_reason"],
    )
    return due


@transaction.atomic
def change_story_save(
    *, by: User, course: Course, data: dict[str, Any], story: ChangeStory | None = None
) -> ChangeStory:
    """Record (or edit) a story of change in the teller's words."""
    course = _lock(by, course)
    errors: dict[str, list[str]] = {}
    teller = data.get("teller_member")
    if teller is not None and teller.family_id != course.family_id:
        errors["teller_member"] = [_("Vælg et medlem af denne familie.")]
    description = (data.get("teller_description") or "").strip()
    if teller is None and not description:
        errors["teller_member"] = [_("Vælg hvem der fortalte, eller skriv det.")]
    told_on = data.get("told_on")
    if not told_on:
        errors["told_on"] = [_("Skriv datoen.")]
    elif told_on > timezone.localdate():
        errors["told_on"] = [_("Datoen kan ikke ligge i fremtiden.")]
    for name, message in (
        ("title", _("Giv fortællingen en overskrift.")),
        ("story", _("Skriv fortællingen med fortællerens ord.")),
        ("why_significant", _("Skriv hvorfor forandringen betyder noget for fortælleren.")),
    ):
        if not (data.get(name) or "").strip():
            errors[name] = [message]
    if errors:
        raise ValidationError(errors)
    is_new = story is None
    story = story or ChangeStory(course=course, created_by=by)
    if story.course_id != course.pk:
        raise Http404
    story.teller_member = teller
    story.teller_description = description[:100]
    story.told_on = told_on
    story.domain = data.get("domain") or ""
    story.title = data["title"].strip()
    story.story = data["story"].strip()
    story.why_significant = data["why_significant"].strip()
    story.consent_to_use = bool(data.get("consent_to_use"))
    story.full_clean(exclude=["course", "created_by"])
    story.save()
    audit_log(
        by=by,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        obj=story,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["teller", "told_on", "domain", "title", "story", "why_significant", "consent"],
        values={"consent_to_use": story.consent_to_use},
    )
    return story


@transaction.atomic
def institution_save(
    *, by: User, course: Course, data: dict[str, Any], institution: Institution | None = None
) -> Institution:
    course = _lock(by, course)
    child = data.get("child")
    errors: dict[str, list[str]] = {}
    if child is None or child.family_id != course.family_id or child.kind != MemberKind.CHILD:
        errors["child"] = [_("Vælg et af familiens børn.")]
    if not (data.get("name") or "").strip():
        errors["name"] = [_("Skriv institutionens navn.")]
    if errors:
        raise ValidationError(errors)
    is_new = institution is None
    institution = institution or Institution()
    if not is_new and institution.child.family_id != course.family_id:
        raise Http404
    institution.child = child
    for name in ("kind", "name", "contact_person", "contact_details"):
        setattr(institution, name, (data.get(name) or "").strip())
    for name in ("starts_on", "ends_on"):
        setattr(institution, name, data.get(name))
    if (
        institution.starts_on
        and institution.ends_on
        and institution.ends_on < institution.starts_on
    ):
        raise ValidationError({"ends_on": [_("Slutdatoen kan ikke ligge før startdatoen.")]})
    institution.full_clean()
    institution.save()
    audit_log(
        by=by,
        action=AuditAction.CREATE if is_new else AuditAction.UPDATE,
        obj=institution,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["child", "kind", "name", "contact_person", "contact_details"],
    )
    return institution


def _institution_of(course: Course, institution: Institution) -> Institution:
    if institution.child.family_id != course.family_id:
        raise Http404
    return institution


@transaction.atomic
def institution_contact_add(
    *, by: User, course: Course, institution: Institution, data: dict[str, Any]
) -> InstitutionContact:
    course = _lock(by, course)
    institution = _institution_of(course, institution)
    contacted_on = data.get("contacted_on")
    if not contacted_on or contacted_on > timezone.localdate():
        raise ValidationError({"contacted_on": [_("Skriv en dato, der ikke ligger i fremtiden.")]})
    contact = InstitutionContact(
        institution=institution,
        course=course,
        contacted_on=contacted_on,
        kind=data.get("kind") or "",
        note=(data.get("note") or "").strip(),
        created_by=by,
    )
    contact.full_clean(exclude=["institution", "course", "created_by"])
    contact.save()
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=contact,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["contacted_on", "kind", "note"],
    )
    return contact


@transaction.atomic
def attendance_period_save(
    *, by: User, course: Course, institution: Institution, data: dict[str, Any]
) -> AttendancePeriod:
    """Attendance for a period: unlawful ≤ absent ≤ possible, end not before start, and no
    overlap with another period of the same institution."""
    course = _lock(by, course)
    institution = _institution_of(course, institution)
    errors: dict[str, list[str]] = {}
    start, end = data.get("period_start"), data.get("period_end")
    possible, absent, unlawful = (data.get(k) for k in ("possible", "absent", "unlawful"))
    if not start or not end:
        errors["period_start"] = [_("Skriv periodens start og slut.")]
    elif end < start:
        errors["period_end"] = [_("Perioden kan ikke slutte før den starter.")]
    elif AttendancePeriod.objects.filter(
        institution=institution, period_start__lte=end, period_end__gte=start
    ).exists():
        errors["period_start"] = [_("Perioden overlapper en periode, der allerede er registreret.")]
    if possible is None or possible < 1:
        errors["possible"] = [_("Skriv hvor mange dage eller lektioner perioden havde.")]
    if absent is None or absent < 0 or (possible and absent > possible):
        errors["absent"] = [_("Fraværet skal ligge mellem 0 og antallet af mulige.")]
    if unlawful is None or unlawful < 0 or (absent is not None and unlawful > absent):
        errors["unlawful"] = [_("Det ulovlige fravær kan ikke være større end fraværet i alt.")]
    if (data.get("unit") or AttendanceUnit.DAYS) not in AttendanceUnit.values:
        errors["unit"] = [_("Vælg om fraværet tælles i dage eller lektioner.")]
    if errors:
        raise ValidationError(errors)
    period = AttendancePeriod.objects.create(
        institution=institution,
        period_start=start,
        period_end=end,
        unit=data.get("unit") or AttendanceUnit.DAYS,
        possible=possible,
        absent=absent,
        unlawful=unlawful,
        created_by=by,
    )
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=period,
        family_id=course.family_id,
        course_id=course.pk,
        fields=["period_start", "period_end", "unit", "possible", "absent", "unlawful"],
    )
    return period


def institutions_for_course(course: Course) -> QuerySet[Institution]:
    return (
        Institution.objects.filter(child__family_id=course.family_id)
        .select_related("child")
        .prefetch_related("attendance", "contacts")
        .order_by("child__birth_date", "pk")
    )


def attendance_trend(periods: list[AttendancePeriod]) -> list[tuple[dt.date, float, float]]:
    """(period start, absence %, unlawful %) per period, in date order."""
    rows = []
    for p in sorted(periods, key=lambda p: p.period_start):
        if p.possible:
            rows.append(
                (p.period_start, 100 * p.absent / p.possible, 100 * p.unlawful / p.possible)
            )
    return rows


def ever_unlawful_absence(periods: list[AttendancePeriod], since: dt.date | None) -> bool:
    return any(p.unlawful > 0 for p in periods if since is None or p.period_end >= since)
