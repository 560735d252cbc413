"""Report runs through a real Celery worker, Redis as broker, on PostgreSQL (issue 7: "an
integration test runs a report through a real Celery worker … another kills the worker
mid-run and shows the run completes after retry").

* The embedded worker (a thread of this process, tests/celery_worker.py) builds an evaluation
  report requested through ``report_run_request``; its PDF is in private storage with the
  hash its row records.
* The killed worker: a worker started as its own process (prefork, one child) builds slowly
  (``REPORT_STEP_DELAY_SECONDS``); once the run has made progress the whole process group
  gets SIGKILL — no ack, no clean-up, the child's database connection (and with it the
  run's advisory lock) cut. The run is left "running". A second worker, started after the
  broker's visibility timeout (5 s here), gets the unacknowledged message again and builds
  the run from the start: done, on the second attempt, with its file.

The worker processes use this test's database (pytest-django's test database, through
DATABASE_URL), the same Redis and the same private media root; they are always killed at
the end, and their output is part of every failure message.
"""

import contextlib
import datetime as dt
import hashlib
import os
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from celery.result import AsyncResult
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone

from familieberedskab.celery import app as celery_app
from reporting.models import ReportFile, ReportRun, RunStatus
from reporting.services import report_run_request
from tests.celery_worker import REDIS_SETEX_DEPRECATED, purge_queue

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.filterwarnings(REDIS_SETEX_DEPRECATED),
]

BASE_DIR = Path(django_settings.BASE_DIR)
CELERY = BASE_DIR / ".venv" / "bin" / "celery"
WORKER_ARGS = (
    "-A familieberedskab worker --pool prefork --concurrency 1 -Q celery "
    "--without-gossip --without-mingle -l INFO"
)
VISIBILITY_TIMEOUT_S = 5
STEP_DELAY_S = 2.0
TIMEOUT_S = 90
LOCK_CLASS = 7_001  # reporting.runner.run_lock's first key


def _request(by, municipalities, kind: str = "evaluation") -> ReportRun:
    today = timezone.localdate()
    return report_run_request(
        by=by,
        kind=kind,
        period_start=today - dt.timedelta(days=365),
        period_end=today,
        municipalities=municipalities,
    )


def _clear_broker() -> None:
    """Drop waiting messages and the unacknowledged ones a worker of an earlier, interrupted
    run left behind (the broker would hand those to our workers: run ids start again at 1 in
    a new test database)."""
    purge_queue()
    with celery_app.connection_for_write() as conn:
        client = conn.default_channel.client
        client.delete("unacked", "unacked_index")


def _wait_for(condition: Callable[[], bool], *, timeout: float, what: str, logs=lambda: ""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}\n{logs()}")


def _assert_files_intact(run: ReportRun, *, logs=lambda: "") -> list[ReportFile]:
    files = list(run.files.all())
    assert files, f"run {run.pk} has no files\n{logs()}"
    root = Path(django_settings.PRIVATE_MEDIA_ROOT).resolve()
    for stored in files:
        path = Path(stored.file.path).resolve()
        assert path.is_relative_to(root), path
        content = path.read_bytes()
        assert hashlib.sha256(content).hexdigest() == stored.sha256
        assert len(content) == stored.size > 0
        if stored.kind == "pdf":
            assert content.startswith(b"%PDF-")
    return files


# a) The embedded worker ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "requester", "kinds"),
    [
        ("evaluation", "projektleder", ["pdf"]),
        ("dataset", "evaluator", ["courses_csv", "dictionary", "measurements_csv", "xlsx"]),
    ],
)
def test_report_is_built_by_a_real_worker_through_redis(
    settings, celery_mode, embedded_worker, request, family, ishoj, vallensbaek,
    kind, requester, kinds,
) -> None:  # fmt: skip
    by = request.getfixturevalue(requester)
    celery_mode(eager=False, broker=settings.REDIS_URL)
    _clear_broker()  # messages other tests queued without a worker would otherwise go first

    with embedded_worker():
        run = _request(by, [ishoj, vallensbaek], kind)
        _wait_for(
            lambda: ReportRun.objects.get(pk=run.pk).is_finished,
            timeout=TIMEOUT_S,
            what="the run to finish",
        )

    run.refresh_from_db()
    assert run.status == RunStatus.DONE, run.error
    assert (run.progress, run.attempts) == (100, 1)
    assert run.task_id  # set from the worker's task request: it went through the broker
    assert AsyncResult(run.task_id).state == "SUCCESS"
    files = _assert_files_intact(run)
    assert sorted(f.kind for f in files) == kinds


# b) The killed worker ------------------------------------------------------------------------


@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path

    def output(self) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return f"--- worker {self.name} (pid {self.process.pid}) ---\n{text[-6000:]}"

    def kill(self) -> None:
        """SIGKILL to the whole process group: the main process and its pool child (also
        when the main process has already gone)."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)


def _database_url() -> str:
    """pytest-django's test database, as a DATABASE_URL for a worker process."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


@pytest.fixture
def worker_processes(transactional_db, settings, tmp_path) -> Iterator[Callable[..., Worker]]:
    """Start real worker processes (``start(name, step_delay=…)``) on this test's database,
    Redis and private media root; every one is killed at the end (before the database is
    flushed), and their output is printed."""
    started: list[Worker] = []

    def start(name: str, *, step_delay: float = 0.0) -> Worker:
        env = os.environ | {
            "DATABASE_URL": _database_url(),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_BROKER_URL": settings.REDIS_URL,
            "CELERY_RESULT_BACKEND": settings.REDIS_URL,
            "PRIVATE_MEDIA_ROOT": str(settings.PRIVATE_MEDIA_ROOT),
            "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT_S),
            "REPORT_STEP_DELAY_SECONDS": str(step_delay),
            "PYTHONUNBUFFERED": "1",
        }
        log = tmp_path / f"worker-{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own venv's celery, fixed arguments
                [str(CELERY), *WORKER_ARGS.split(), "-n", f"{name}@%h"],
                cwd=BASE_DIR,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, to be killed as one
            )
        worker = Worker(name, process, log)
        started.append(worker)
        return worker

    start.logs = lambda: "\n".join(w.output() for w in started)  # type: ignore[attr-defined]
    try:
        yield start
    finally:
        for worker in started:
            worker.kill()
        print(start.logs())  # shown by pytest when the test fails


def _advisory_locks(run_id: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
            "AND classid = %s AND objid = %s",
            [LOCK_CLASS, run_id],
        )
        return cursor.fetchone()[0]


def test_run_completes_after_its_worker_is_killed_mid_run(
    settings, celery_mode, worker_processes, family, projektleder, ishoj, vallensbaek
) -> None:
    logs = worker_processes.logs
    celery_mode(eager=False, broker=settings.REDIS_URL)
    _clear_broker()
    first = worker_processes("killed", step_delay=STEP_DELAY_S)

    run = _request(projektleder, [ishoj, vallensbaek])

    def making_progress() -> bool:
        current = ReportRun.objects.get(pk=run.pk)
        return current.status == RunStatus.RUNNING and current.progress > 0

    _wait_for(making_progress, timeout=TIMEOUT_S, what="the first worker's progress", logs=logs)
    assert _advisory_locks(run.pk) == 1, logs()  # the build holds its lock
    first.kill()

    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING, logs()
    assert 0 < run.progress < 100
    assert run.attempts == 1
    assert not run.files.exists()
    # The dead worker's connection is gone, and with it the lock.
    _wait_for(lambda: _advisory_locks(run.pk) == 0, timeout=30, what="the lock", logs=logs)

    # The broker gives the unacknowledged message to another worker once the visibility
    # timeout has passed since it was delivered (the new worker looks when it starts).
    visible_at = run.started_at + dt.timedelta(seconds=VISIBILITY_TIMEOUT_S + 1)
    time.sleep(max(0.0, (visible_at - timezone.now()).total_seconds()))
    worker_processes("second")

    _wait_for(
        lambda: ReportRun.objects.get(pk=run.pk).is_finished,
        timeout=TIMEOUT_S,
        what="the run to finish on the second worker",
        logs=logs,
    )
    run.refresh_from_db()
    assert run.status == RunStatus.DONE, f"{run.error}\n{logs()}"
    assert (run.attempts, run.progress) == (2, 100)
    files = _assert_files_intact(run, logs=logs)
    assert [f.kind for f in files] == ["pdf"]
    assert _advisory_locks(run.pk) == 0
