"""Running a report: the life of a ReportRun inside the Celery task, made safe to repeat.

* One build per run at a time: on PostgreSQL the task holds an advisory lock on the run for
  as long as it builds; a second delivery of the same message (a redelivery while the first
  still runs) finds the lock taken and leaves — queueing a fresh look a minute later
  (reporting/tasks.py), in case that build dies. A worker that dies drops its connection and
  so the lock, and the redelivered message (``acks_late`` + ``reject_on_worker_lost``) builds
  the run again from the start.
* Idempotent: a run already done, cancelled or failed is left alone (a retry re-queues it as
  "queued" first); a new attempt first removes the files an interrupted attempt may have left.
* Progress and cancellation go through the database: ``step()`` records how far the build has
  come and stops it (``Cancelled``) when someone asked to cancel.
* Failures: transient database/broker errors propagate so Celery retries; anything else marks
  the run failed with a message free of personal data, and the requester is told.
"""

import contextlib
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from familieberedskab.notifications import notify
from reporting.models import ReportFile, ReportRun, RunStatus

logger = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError)


class Cancelled(Exception):
    """Someone asked to cancel the run."""


@dataclass(frozen=True)
class BuiltFile:
    kind: str
    name: str
    content: bytes
    content_type: str
    confidential: bool = False


Progress = Callable[[int, str], None]
Builder = Callable[[ReportRun, Progress], list[BuiltFile]]


def _builders() -> dict[str, Builder]:
    from reporting import dataset, evaluation

    return {"evaluation": evaluation.build, "dataset": dataset.build}


@contextlib.contextmanager
def run_lock(run_id: int) -> Iterator[bool]:
    """True if this process may build the run now (always true off PostgreSQL)."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [7_001, run_id])
        got = cursor.fetchone()[0]
    try:
        yield got
    finally:
        if got:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [7_001, run_id])


def _update(run_id: int, **fields: object) -> None:
    ReportRun.objects.filter(pk=run_id).update(**fields)


def make_progress(run_id: int) -> Progress:
    """The builder's ``progress(percent, text)``: stops the build when a cancel was asked
    for, else records how far it has come. ``settings.REPORT_STEP_DELAY_SECONDS`` (0 in real
    use) makes every step wait that long first — for tests and demonstrations only, so that a
    worker can be killed mid-run (tests/integration/reporting/test_worker.py)."""
    delay = float(getattr(settings, "REPORT_STEP_DELAY_SECONDS", 0) or 0)

    def step(percent: int, text: str) -> None:
        if delay > 0:
            time.sleep(delay)
        if ReportRun.objects.filter(pk=run_id, cancel_requested=True).exists():
            raise Cancelled
        _update(run_id, progress=max(0, min(99, int(percent))), step=text[:200])

    return step


def run_build(run_id: int, *, task_id: str = "") -> str:
    """Build run ``run_id``; returns its final status (or "busy" when another delivery is
    already building it)."""
    with run_lock(run_id) as mine:
        if not mine:
            return "busy"
        with transaction.atomic():
            run = ReportRun.objects.select_for_update().filter(pk=run_id).first()
            # Finished runs are left alone: a stale delivery must not rebuild a failed run
            # nobody asked to retry (report_run_retry queues it again as "queued" first).
            if run is None or run.is_finished:
                return run.status if run else "missing"
            if run.cancel_requested:
                run.status = RunStatus.CANCELLED
                run.finished_at = timezone.now()
                run.save(update_fields=["status", "finished_at"])
                return run.status
            for old in run.files.all():
                old.file.delete(save=False)
                old.delete()
            run.status = RunStatus.RUNNING
            run.attempts += 1
            run.started_at = timezone.now()
            run.progress = 0
            run.step = _("Starter")
            run.error = ""
            run.task_id = task_id or run.task_id
            run.save()
        builder = _builders()[run.kind]
        try:
            built = builder(run, make_progress(run_id))
            with transaction.atomic():
                for item in built:
                    stored = ReportFile(
                        run=run,
                        kind=item.kind,
                        name=item.name,
                        size=len(item.content),
                        sha256=hashlib.sha256(item.content).hexdigest(),
                        confidential=item.confidential,
                        content_type=item.content_type,
                    )
                    stored.file.save(item.name, ContentFile(item.content), save=False)
                    stored.save()
                _update(
                    run_id,
                    status=RunStatus.DONE,
                    progress=100,
                    step=_("Færdig"),
                    finished_at=timezone.now(),
                )
        except Cancelled:
            _update(run_id, status=RunStatus.CANCELLED, finished_at=timezone.now())
            return RunStatus.CANCELLED
        except TRANSIENT:
            raise  # Celery retries; the run stays "running" until the next attempt
        except Exception as exc:  # any other failure ends the run, and the requester is told
            logger.exception("report run %s failed", run_id)
            run_fail(run_id, exc)
            return RunStatus.FAILED
    _tell(run, ok=True)
    return RunStatus.DONE


def run_fail(run_id: int, exc: BaseException) -> None:
    """End a run that could not be built — also one whose transient errors outlived the
    task's retries, which would otherwise stay "running" for ever — and tell the requester.
    The message names the error's type and the run, nothing from the data."""
    updated = (
        ReportRun.objects.filter(pk=run_id)
        .exclude(status__in=[RunStatus.DONE, RunStatus.CANCELLED, RunStatus.FAILED])
        .update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            error=_(
                "Rapporten kunne ikke laves (%(kind)s). Prøv igen, eller kontakt "
                "support med kørslens nummer %(id)s."
            )
            % {"kind": type(exc).__name__, "id": run_id},
        )
    )
    run = ReportRun.objects.select_related("requested_by").filter(pk=run_id).first()
    if updated and run is not None:
        _tell(run, ok=False)


def _tell(run: ReportRun, *, ok: bool) -> None:
    text = (
        _("Rapporten er klar: %(run)s.") if ok else _("Rapporten kunne ikke laves: %(run)s.")
    ) % {"run": run}
    notify(
        recipients=[run.requested_by],
        text=text,
        url=reverse("reporting:run_detail", args=[run.pk]),
        key=f"report-run-{run.pk}-{run.attempts}-{'ok' if ok else 'failed'}",
    )
