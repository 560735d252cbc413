"""The run lifecycle of reporting/runner.py without a broker (SQLite is enough): a build is
safe to repeat, a new attempt clears what an interrupted one left, a cancel between steps
ends the run cancelled, and the task ends a run whose transient errors outlive its retries.
The builder is a stand-in, so these tests are about the runner, not the report."""

import datetime as dt
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError
from django.utils import timezone

from familieberedskab.models import Notification
from reporting import runner, tasks
from reporting.models import FileKind, ReportFile, ReportRun, RunStatus
from reporting.services import report_run_retry


class FakeBuilder:
    """Three progress steps, then one small PDF; counts its calls. ``between`` runs after
    the first step (to cancel, for instance)."""

    def __init__(self, between=None) -> None:
        self.calls = 0
        self.between = between

    def __call__(self, run: ReportRun, progress: runner.Progress) -> list[runner.BuiltFile]:
        self.calls += 1
        progress(10, "første trin")
        if self.between is not None:
            self.between(run)
        progress(50, "andet trin")
        progress(90, "tredje trin")
        content = f"%PDF-1.7 run {run.pk} attempt {self.calls}".encode()
        return [runner.BuiltFile(FileKind.PDF, f"rapport-{run.pk}.pdf", content, "application/pdf")]


def _read(stored: ReportFile) -> bytes:
    with stored.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def builder(monkeypatch) -> FakeBuilder:
    fake = FakeBuilder()
    monkeypatch.setattr(runner, "_builders", lambda: {"evaluation": fake, "dataset": fake})
    return fake


@pytest.fixture
def run(projektleder, ishoj) -> ReportRun:
    today = timezone.localdate()
    made = ReportRun.objects.create(
        kind="evaluation",
        period_start=today - dt.timedelta(days=90),
        period_end=today,
        requested_by=projektleder,
    )
    made.municipalities.set([ishoj])
    return made


def test_build_stores_the_file_with_its_hash_and_finishes(builder, run) -> None:
    assert runner.run_build(run.pk, task_id="t-1") == RunStatus.DONE

    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts, run.task_id) == ("done", 100, 1, "t-1")
    stored = run.files.get()
    content = _read(stored)
    assert content == f"%PDF-1.7 run {run.pk} attempt 1".encode()
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert Notification.objects.filter(recipient=run.requested_by, key__contains="ok").count() == 1


def test_second_build_of_a_done_run_does_nothing(builder, run) -> None:
    runner.run_build(run.pk)
    run.refresh_from_db()
    first = run.files.get()
    finished = run.finished_at

    assert runner.run_build(run.pk) == RunStatus.DONE

    run.refresh_from_db()
    assert builder.calls == 1
    assert (run.attempts, run.finished_at) == (1, finished)
    assert list(run.files.all()) == [first]
    assert first.file.storage.exists(first.file.name)
    assert Notification.objects.filter(recipient=run.requested_by).count() == 1


def test_new_attempt_removes_the_files_of_an_interrupted_one(builder, run) -> None:
    # An attempt that was cut off after it had stored a file: still "running".
    ReportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, attempts=1, progress=40)
    left = ReportFile(
        run=run, kind=FileKind.PDF, name="halv.pdf", size=4, sha256="0" * 64,
        content_type="application/pdf",
    )  # fmt: skip
    left.file.save("halv.pdf", ContentFile(b"halv"), save=False)
    left.save()
    left_name = left.file.name
    storage = left.file.storage
    assert storage.exists(left_name)

    assert runner.run_build(run.pk) == RunStatus.DONE

    run.refresh_from_db()
    assert run.attempts == 2
    assert not storage.exists(left_name)
    assert not ReportFile.objects.filter(pk=left.pk).exists()
    assert _read(run.files.get()) == f"%PDF-1.7 run {run.pk} attempt 1".encode()


def test_cancel_between_steps_ends_the_run_cancelled(monkeypatch, run) -> None:
    def cancel(r: ReportRun) -> None:
        ReportRun.objects.filter(pk=r.pk).update(cancel_requested=True)

    fake = FakeBuilder(between=cancel)
    monkeypatch.setattr(runner, "_builders", lambda: {"evaluation": fake})

    assert runner.run_build(run.pk) == RunStatus.CANCELLED

    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED
    assert run.progress == 10  # the step after the cancel did not record itself
    assert run.finished_at is not None
    assert not run.files.exists()
    # A cancelled run stays cancelled when its message comes again.
    assert runner.run_build(run.pk) == RunStatus.CANCELLED
    assert fake.calls == 1


def test_step_delay_knob_waits_in_every_step(builder, run, settings, monkeypatch) -> None:
    slept = []
    monkeypatch.setattr(runner.time, "sleep", slept.append)
    settings.REPORT_STEP_DELAY_SECONDS = 0.25

    runner.run_build(run.pk)

    assert slept == [0.25, 0.25, 0.25]


def test_step_delay_is_off_by_default(builder, run, monkeypatch) -> None:
    slept = []
    monkeypatch.setattr(runner.time, "sleep", slept.append)

    runner.run_build(run.pk)

    assert slept == []


def test_transient_error_on_the_last_retry_ends_the_run_failed(monkeypatch, run) -> None:
    def broken(r: ReportRun, progress: runner.Progress) -> list[runner.BuiltFile]:
        progress(10, "første trin")
        raise OperationalError("the database went away")

    monkeypatch.setattr(runner, "_builders", lambda: {"evaluation": broken})
    task = tasks.report_run_build

    # An early try: the error goes to Celery's retry and the run waits, still running.
    task.push_request(retries=0)
    try:
        with pytest.raises(OperationalError):
            task.run(run.pk)
    finally:
        task.pop_request()
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING

    task.push_request(retries=task.max_retries)
    try:
        with pytest.raises(OperationalError):
            task.run(run.pk)
    finally:
        task.pop_request()
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED
    assert "OperationalError" in run.error and str(run.pk) in run.error
    assert Notification.objects.filter(key__endswith="failed").count() == 1


def test_busy_delivery_queues_a_fresh_look_instead_of_dropping_the_run(monkeypatch, run) -> None:
    # Another delivery holds the run's lock (a redelivery after the visibility timeout): this
    # one is acknowledged, so it must leave a message behind in case that build dies.
    monkeypatch.setattr(runner, "run_build", lambda run_id, task_id="": "busy")
    sent = []
    monkeypatch.setattr(
        tasks.report_run_build, "apply_async", lambda args, **kw: sent.append((args, kw))
    )
    task = tasks.report_run_build
    task.push_request(retries=0, is_eager=False)
    try:
        assert task.run(run.pk) == "busy"
    finally:
        task.pop_request()

    assert sent == [((run.pk,), {"countdown": tasks.BUSY_RETRY_SECONDS})]


def test_stale_delivery_leaves_a_failed_run_failed_until_it_is_retried(
    builder, run, projektleder, celery_mode, django_capture_on_commit_callbacks
) -> None:
    celery_mode(eager=True)  # the retry's task runs in-process, with or without a broker
    ReportRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, attempts=1, finished_at=timezone.now(), error="Fejl"
    )

    assert runner.run_build(run.pk) == RunStatus.FAILED  # e.g. a redelivered message
    run.refresh_from_db()
    assert (run.status, run.attempts, builder.calls) == ("failed", 1, 0)

    with django_capture_on_commit_callbacks(execute=True):
        report_run_retry(by=projektleder, run=run)  # queued again, built in-process (eager)

    run.refresh_from_db()
    assert (run.status, run.attempts, builder.calls) == ("done", 2, 1)
