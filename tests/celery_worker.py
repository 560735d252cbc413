"""A real Celery worker for integration tests: switch the Celery app between eager mode and a
broker (``celery_mode``), and run a worker in a thread of the test process
(``embedded_worker``). The fixtures are registered for tests/integration in its conftest.py;
first written for /healthz (tests/integration/kernel/test_healthz_services.py)."""

import logging
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager

import pytest
from celery import signals
from celery.contrib.testing.worker import start_worker

from familieberedskab.celery import app as celery_app

# Celery's Redis result backend still calls setex(), which redis-py deprecates; with
# warnings as errors the worker would die storing the result.
REDIS_SETEX_DEPRECATED = "ignore:Call to deprecated setex:DeprecationWarning"
# start_worker() -> app.log.setup() writes these into os.environ.
_CELERY_LOG_ENV = (
    "CELERY_LOG_LEVEL",
    "CELERY_LOG_FILE",
    "_MP_FORK_LOGLEVEL_",
    "_MP_FORK_LOGFILE_",
    "_MP_FORK_LOGFORMAT_",
)


def purge_queue() -> None:
    """Drop the messages waiting in the task queue."""
    with celery_app.connection_for_write() as conn:
        celery_app.control.purge(connection=conn)


def _close_backend(backend: object) -> None:
    """Close a Redis result backend's connections now, rather than leave them to the garbage
    collector, whose ResourceWarning would fail the run at some later moment."""
    client = getattr(backend, "client", None)
    if client is not None:
        client.connection_pool.disconnect()


def _forget_connections() -> None:
    """Let a changed broker URL take effect: drop the app's broker pool (kombu keeps it
    registered for reuse) and close and drop this thread's result backend."""
    _close_backend(celery_app._local.__dict__.pop("backend", None))
    _close_backend(celery_app._backend_cache)
    celery_app._backend_cache = None
    celery_app._after_fork()


@pytest.fixture
def celery_mode(settings) -> Iterator[Callable[..., None]]:
    """Switch Celery between eager and a broker, in Django's settings (which /healthz reads)
    and in the Celery app's own configuration (which sends the task); undone afterwards."""
    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {key: celery_app.conf[key] for key in keys}

    def use(*, eager: bool, broker: str = "") -> None:
        settings.CELERY_TASK_ALWAYS_EAGER = eager
        if broker:
            settings.CELERY_BROKER_URL = settings.CELERY_RESULT_BACKEND = broker
            if broker != celery_app.conf.broker_url:
                _forget_connections()
            celery_app.conf.update(broker_url=broker, result_backend=broker)
        celery_app.conf.task_always_eager = eager

    yield use
    changed_broker = celery_app.conf.broker_url != saved["broker_url"]
    celery_app.conf.update(saved)
    if changed_broker:
        _forget_connections()


@pytest.fixture
def embedded_worker(monkeypatch) -> Iterator[Callable[[], AbstractContextManager[object]]]:
    """A Celery worker in a thread of this process (solo pool), that leaves Django's logging,
    the warning filters and the environment as it found them."""

    def keep_django_logging(**_: object) -> None:
        """A setup_logging receiver: Celery then configures no logging of its own."""

    worker_backends = []

    def remember_worker_backend(**_: object) -> None:
        """Sent in the worker's thread after each task: Celery keeps a result backend per
        thread, and the worker's is closed below."""
        worker_backends.append(celery_app.backend)

    for name in _CELERY_LOG_ENV:
        monkeypatch.setenv(name, os.environ.get(name, ""))
    signals.setup_logging.connect(keep_django_logging)
    signals.task_postrun.connect(remember_worker_backend)
    try:
        yield lambda: start_worker(
            celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30
        )
    finally:
        signals.task_postrun.disconnect(remember_worker_backend)
        signals.setup_logging.disconnect(keep_django_logging)
        for backend in worker_backends:
            _close_backend(backend)
        logging.captureWarnings(False)  # app.log.setup() turned it on
