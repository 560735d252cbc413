"""The Celery application. Tasks are discovered in every app's ``tasks.py``."""

import os

from celery import Celery
from celery.signals import task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "familieberedskab.settings")

app = Celery("familieberedskab")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
def _bind_request_id(task_id: str, **_: object) -> None:
    """Log lines and audit rows written by a task carry the task id as their request id."""
    from familieberedskab.requestid import request_id_var

    request_id_var.set(f"task-{task_id}")
