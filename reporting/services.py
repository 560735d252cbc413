"""Report runs: request, cancel, retry, the files and their download, expiry, schedules.

Who: Perm.REPORT_RUN (projektleder, leader, evaluator) requests evaluation reports and
downloads their PDFs; the per-course dataset ("fortroligt") needs Perm.REPORT_DATASET (the
evaluator) to request and to download. The municipalities a user may report on are those of
their organisation (a provider: the municipalities it serves; an authority: itself); the
figures come from ``report_course_scope`` (familieberedskab/permissions.py). Runs are seen by
the users of the requester's organisation who may run reports. Every request, cancel, retry
and download is audited; nothing personal goes into a log line or an audit value.
"""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from familieberedskab.audit import audit_log
from familieberedskab.models import AuditAction
from familieberedskab.permissions import Perm, permissions_of
from reporting.models import Cadence, ReportFile, ReportKind, ReportRun, ReportSchedule, RunStatus
from staffing.models import Organisation, User


def may_run(user: User) -> bool:
    return Perm.REPORT_RUN in permissions_of(user)


def may_see_file(user: User, file: ReportFile) -> bool:
    perms = permissions_of(user)
    if file.confidential or file.run.kind == ReportKind.DATASET:
        return Perm.REPORT_DATASET in perms
    return Perm.REPORT_RUN in perms


def municipalities_for(user: User) -> QuerySet[Organisation]:
    """The municipalities ``user`` may report on."""
    if not may_run(user) or user.organisation_id is None:
        return Organisation.objects.none()
    organisation = user.organisation
    if organisation.is_provider:
        return organisation.serves.all().order_by("name")
    return Organisation.objects.filter(pk=organisation.pk)


def runs_for(user: User) -> QuerySet[ReportRun]:
    """The runs ``user`` sees: those requested within their organisation (datasets only for
    those who may have them)."""
    if not may_run(user):
        return ReportRun.objects.none()
    runs = ReportRun.objects.filter(requested_by__organisation_id=user.organisation_id)
    if Perm.REPORT_DATASET not in permissions_of(user):
        runs = runs.exclude(kind=ReportKind.DATASET)
    return runs.select_related("requested_by").prefetch_related("municipalities", "files")


def get_run_for_user(user: User, pk: int) -> ReportRun:
    if not may_run(user):
        raise PermissionDenied
    try:
        return runs_for(user).get(pk=pk)
    except ReportRun.DoesNotExist:
        raise Http404 from None


def _queue(run: ReportRun) -> None:
    from reporting.tasks import report_run_build

    transaction.on_commit(lambda: report_run_build.delay(run.pk))


@transaction.atomic
def report_run_request(
    *,
    by: User,
    kind: str,
    period_start: dt.date | None,
    period_end: dt.date | None,
    municipalities: Iterable[Organisation],
    schedule: ReportSchedule | None = None,
) -> ReportRun:
    """Ask for a report; the Celery task builds it (in-process on the embedded default)."""
    perms = permissions_of(by)
    if Perm.REPORT_RUN not in perms:
        raise PermissionDenied
    if kind == ReportKind.DATASET and Perm.REPORT_DATASET not in perms:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    if kind not in ReportKind.values:
        errors["kind"] = [_("Vælg en rapport.")]
    if not period_start or not period_end:
        errors["period_start"] = [_("Skriv periodens start og slut.")]
    elif period_end < period_start:
        errors["period_end"] = [_("Perioden kan ikke slutte, før den begynder.")]
    elif period_start > timezone.localdate():
        errors["period_start"] = [_("Perioden kan ikke begynde i fremtiden.")]
    chosen = list(municipalities)
    allowed = set(municipalities_for(by).values_list("pk", flat=True))
    if not chosen:
        errors["municipalities"] = [_("Vælg mindst én kommune.")]
    elif any(m.pk not in allowed for m in chosen):
        errors["municipalities"] = [_("Du kan kun lave rapporter for dine egne kommuner.")]
    if errors:
        raise ValidationError(errors)
    run = ReportRun.objects.create(
        kind=kind,
        period_start=period_start,
        period_end=period_end,
        requested_by=by,
        schedule=schedule,
    )
    run.municipalities.set(chosen)
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=run,
        fields=["kind", "period", "municipalities"],
        values={
            "kind": kind,
            "period": f"{period_start}/{period_end}",
            "municipalities": sorted(m.pk for m in chosen),
        },
    )
    _queue(run)
    return run


@transaction.atomic
def report_run_cancel(*, by: User, run: ReportRun) -> ReportRun:
    run = ReportRun.objects.select_for_update().get(pk=get_run_for_user(by, run.pk).pk)
    if run.is_finished:
        raise ValidationError(_("Kørslen er allerede afsluttet."))
    run.cancel_requested = True
    if run.status == RunStatus.QUEUED:
        run.status = RunStatus.CANCELLED
        run.finished_at = timezone.now()
    run.save(update_fields=["cancel_requested", "status", "finished_at"])
    audit_log(by=by, action=AuditAction.UPDATE, obj=run, fields=["cancel_requested"])
    return run


@transaction.atomic
def report_run_retry(*, by: User, run: ReportRun) -> ReportRun:
    run = ReportRun.objects.select_for_update().get(pk=get_run_for_user(by, run.pk).pk)
    if run.status not in (RunStatus.FAILED, RunStatus.CANCELLED):
        raise ValidationError(_("Kun en kørsel, der er fejlet eller annulleret, kan prøves igen."))
    if run.kind == ReportKind.DATASET and Perm.REPORT_DATASET not in permissions_of(by):
        raise PermissionDenied
    run.status = RunStatus.QUEUED
    run.cancel_requested = False
    run.progress = 0
    run.step = ""
    run.error = ""
    run.finished_at = None
    run.save()
    audit_log(by=by, action=AuditAction.UPDATE, obj=run, fields=["status"], detail="retry")
    _queue(run)
    return run


def report_file_for_download(user: User, pk: int) -> ReportFile:
    """A file ``user`` may download: 403 without the function, 404 outside their runs or
    when expired. The download is audited as an export."""
    if not may_run(user):
        raise PermissionDenied
    try:
        file = ReportFile.objects.select_related("run").get(
            pk=pk, run__in=runs_for(user).values("pk")
        )
    except ReportFile.DoesNotExist:
        raise Http404 from None
    if not may_see_file(user, file):
        raise PermissionDenied
    audit_log(
        by=user,
        action=AuditAction.EXPORT,
        obj=file,
        fields=[file.kind],
        values={"run": file.run_id, "sha256": file.sha256[:16]},
    )
    return file


def reports_expire(now: dt.datetime | None = None) -> int:
    """Delete files older than REPORT_FILE_DAYS; the runs stay, marked expired."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.REPORT_FILE_DAYS)
    old = ReportFile.objects.filter(created_at__lt=cutoff).select_related("run")
    removed = 0
    runs = set()
    for file in old:
        file.file.delete(save=False)
        runs.add(file.run_id)
        file.delete()
        removed += 1
    ReportRun.objects.filter(pk__in=runs).update(files_expired_at=now)
    return removed


def previous_period(cadence: str, on: dt.date) -> tuple[dt.date, dt.date]:
    """The last whole quarter or year before ``on``."""
    if cadence == Cadence.YEARLY:
        return dt.date(on.year - 1, 1, 1), dt.date(on.year - 1, 12, 31)
    quarter_start_month = 3 * ((on.month - 1) // 3) + 1
    this_quarter = dt.date(on.year, quarter_start_month, 1)
    end = this_quarter - dt.timedelta(days=1)
    start = dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    return start, end


def next_run_date(cadence: str, after: dt.date) -> dt.date:
    """The first day of the next quarter or year after ``after``."""
    if cadence == Cadence.YEARLY:
        return dt.date(after.year + 1, 1, 1)
    month = 3 * ((after.month - 1) // 3) + 4
    return dt.date(after.year + (month > 12), (month - 1) % 12 + 1, 1)


def schedules_run_due(today: dt.date | None = None) -> list[ReportRun]:
    """Request the runs of the schedules that are due (beat, daily). Idempotent per day: a
    schedule's next date moves on in the same transaction as its run is requested."""
    today = today or timezone.localdate()
    made = []
    for schedule in ReportSchedule.objects.filter(is_active=True, next_run_on__lte=today):
        with transaction.atomic():
            schedule = ReportSchedule.objects.select_for_update().get(pk=schedule.pk)
            if schedule.next_run_on > today:
                continue
            start, end = previous_period(schedule.cadence, schedule.next_run_on)
            try:
                run = report_run_request(
                    by=schedule.owner,
                    kind=schedule.kind,
                    period_start=start,
                    period_end=end,
                    municipalities=schedule.municipalities.all(),
                    schedule=schedule,
                )
            except (PermissionDenied, ValidationError):
                schedule.is_active = False  # the owner may no longer run it: stop, visibly
                schedule.save(update_fields=["is_active"])
                continue
            schedule.next_run_on = next_run_date(schedule.cadence, today)
            schedule.save(update_fields=["next_run_on"])
            made.append(run)
    return made


def schedules_for(user: User) -> QuerySet[ReportSchedule]:
    """The schedules ``user`` sees: those owned within their organisation (dataset schedules
    only for those who may have the dataset), active first."""
    if not may_run(user):
        return ReportSchedule.objects.none()
    schedules = ReportSchedule.objects.filter(owner__organisation_id=user.organisation_id)
    if Perm.REPORT_DATASET not in permissions_of(user):
        schedules = schedules.exclude(kind=ReportKind.DATASET)
    return (
        schedules.select_related("owner")
        .prefetch_related("municipalities")
        .order_by("-is_active", "next_run_on", "pk")
    )


def get_schedule_for_user(user: User, pk: int) -> ReportSchedule:
    if not may_run(user):
        raise PermissionDenied
    try:
        return schedules_for(user).get(pk=pk)
    except ReportSchedule.DoesNotExist:
        raise Http404 from None


@transaction.atomic
def report_schedule_create(
    *,
    by: User,
    name: str,
    kind: str,
    cadence: str,
    municipalities: Iterable[Organisation],
    today: dt.date | None = None,
) -> ReportSchedule:
    """A schedule that requests a run of ``kind`` for the last whole quarter or year, on the
    first day after it (the first on the next quarter's or year's first day); the same rules
    as a run requested by hand."""
    perms = permissions_of(by)
    if Perm.REPORT_RUN not in perms:
        raise PermissionDenied
    if kind == ReportKind.DATASET and Perm.REPORT_DATASET not in perms:
        raise PermissionDenied
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("Giv den faste rapport et navn.")]
    if kind not in ReportKind.values:
        errors["kind"] = [_("Vælg en rapport.")]
    if cadence not in Cadence.values:
        errors["cadence"] = [_("Vælg hvor tit rapporten skal laves.")]
    chosen = list(municipalities)
    allowed = set(municipalities_for(by).values_list("pk", flat=True))
    if not chosen:
        errors["municipalities"] = [_("Vælg mindst én kommune.")]
    elif any(m.pk not in allowed for m in chosen):
        errors["municipalities"] = [_("Du kan kun lave rapporter for dine egne kommuner.")]
    if errors:
        raise ValidationError(errors)
    schedule = ReportSchedule.objects.create(
        name=name[:200],
        kind=kind,
        cadence=cadence,
        owner=by,
        next_run_on=next_run_date(cadence, today or timezone.localdate()),
    )
    schedule.municipalities.set(chosen)
    audit_log(
        by=by,
        action=AuditAction.CREATE,
        obj=schedule,
        fields=["name", "kind", "cadence", "municipalities"],
        values={
            "kind": kind,
            "cadence": cadence,
            "municipalities": sorted(m.pk for m in chosen),
        },
    )
    return schedule


@transaction.atomic
def report_schedule_deactivate(*, by: User, schedule: ReportSchedule) -> ReportSchedule:
    """Stop a schedule (it stays listed, inactive); the runs it made are kept."""
    schedule = ReportSchedule.objects.select_for_update().get(
        pk=get_schedule_for_user(by, schedule.pk).pk
    )
    if not schedule.is_active:
        raise ValidationError(_("Den faste rapport er allerede stoppet."))
    schedule.is_active = False
    schedule.save(update_fields=["is_active"])
    audit_log(by=by, action=AuditAction.UPDATE, obj=schedule, fields=["is_active"])
    return schedule
