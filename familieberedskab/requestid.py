"""The request id: correlation metadata for log lines and audit rows.

Kept in a context variable, set by ``RequestIdMiddleware`` for a request and by Celery's
``task_prerun`` for a task. It holds no personal data. Separate from ``audit`` so that the
logging configuration can load it before Django's apps are ready.
"""

import logging
from contextvars import ContextVar

request_id_var: ContextVar[str] = ContextVar("request_id", default="")


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get() or "-"
        return True
