"""The Celery application. Tasks are discovered in every app's ``tasks.py``."""

import contextvars
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieberedskab.settings")

app = Celery("familieberedskab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The request id each running task replaced, to put back when it ends: a task run in-process
# (the embedded default) must not leave its id on the request that queued it.
_previous: dict[str, contextvars.Token] = {}


@task_prerun.connect
def _bind_request_id(task_id: str, **_: object) -> None:
    """Log lines and audit rows written by a task carry the task id as their request id."""
    from familieberedskab.requestid import request_id_var

    _previous[task_id] = request_id_var.set(f"task-{task_id}")


@task_postrun.connect
def _unbind_request_id(task_id: str, **_: object) -> None:
    from familieberedskab.requestid import request_id_var

    token = _previous.pop(task_id, None)
    if token is not None:
        try:
            request_id_var.reset(token)
        except ValueError:  # set in another context (a worker thread): nothing to restore
            request_id_var.set("")
