"""A task run in-process (the embedded default) writes its audit rows with its own task id and
leaves the request's id as it was."""

import pytest

from familieberedskab.celery import app
from familieberedskab.requestid import request_id_var


@app.task(name="tests.request_id_probe")
def request_id_probe() -> str:
    return request_id_var.get()


@pytest.mark.django_db
def test_eager_task_restores_the_request_id() -> None:
    was_eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    token = request_id_var.set("req-1")
    try:
        result = request_id_probe.delay()
        assert result.get().startswith("task-")
        assert request_id_var.get() == "req-1"
    finally:
        request_id_var.reset(token)
        app.conf.task_always_eager = was_eager
