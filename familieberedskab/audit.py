"""Writing the audit trail: one explicit call per service or read helper.

Services call :func:`audit_log` inside their transaction, so the change and its audit row
commit or roll back together. The request id is correlation metadata carried in a context
variable (set by ``RequestIdMiddleware`` and by Celery's ``task_prerun``); everything that
matters — who, what, which object — is passed explicitly. See docs/adr/0003.
"""

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from django.db import models

from familieberedskab.models import AuditAction, AuditEvent
from familieberedskab.requestid import request_id_var

if TYPE_CHECKING:
    from staffing.models import User


def _label(obj: models.Model) -> str:
    return obj._meta.label_lower


def audit_log(
    *,
    by: "User | None",
    action: AuditAction | str,
    obj: models.Model | None = None,
    object_type: str = "",
    family_id: int | None = None,
    course_id: int | None = None,
    fields: Iterable[str] = (),
    values: dict[str, object] | None = None,
    detail: str = "",
) -> AuditEvent:
    """Write one audit row. ``values`` must hold only non-personal values."""
    return AuditEvent.objects.create(
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        object_type=_label(obj) if obj is not None else object_type,
        object_id=str(obj.pk) if obj is not None else "",
        family_id=family_id,
        course_id=course_id,
        fields=sorted(fields),
        values=values or {},
        detail=detail[:500],
        request_id=request_id_var.get(),
    )


def audit_log_list(
    *, by: "User", objects: Sequence[models.Model], family_ids: Sequence[int], detail: str = ""
) -> None:
    """Record that a list showed these objects: one row each, written in one query."""
    request_id = request_id_var.get()
    AuditEvent.objects.bulk_create(
        AuditEvent(
            actor=by,
            action=AuditAction.LIST,
            object_type=_label(obj),
            object_id=str(obj.pk),
            family_id=family_id,
            detail=detail[:500],
            request_id=request_id,
        )
        for obj, family_id in zip(objects, family_ids, strict=True)
    )


def changed_fields(
    instance: models.Model, old: dict[str, object], names: Iterable[str]
) -> list[str]:
    """Names of the fields whose value differs from ``old`` (a snapshot taken before)."""
    return [name for name in names if old.get(name) != getattr(instance, name)]
