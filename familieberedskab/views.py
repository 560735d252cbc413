import datetime as dt
import time
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from familieberedskab import startpage
from familieberedskab.audit import audit_log
from familieberedskab.celery import app as celery_app
from familieberedskab.forms import AuditSearchForm
from familieberedskab.models import AuditAction, AuditEvent
from familieberedskab.permissions import Perm, has_permission
from staffing.models import User


def admin_panel(request: HttpRequest) -> startpage.Panel | None:
    if not has_permission(request.user, Perm.STAFF_MANAGE):
        return None
    users = User.objects.filter(is_active=True).count()
    return startpage.Panel("kernel/panel_admin.html", {"users": users}, order=5)


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "kernel/home.html", {"panels": startpage.panels_for(request)})


def _audit_scope(user: User) -> QuerySet[AuditEvent]:
    """Leaders see the trail of families in their scope and of their own organisation's staff."""
    family_model = apps.get_model("cases", "Family")
    visible = family_model.objects.visible_to(user).values("pk")
    return AuditEvent.objects.filter(
        Q(family_id__in=visible) | Q(actor__organisation=user.organisation)
    )


@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    if not has_permission(request.user, Perm.AUDIT_VIEW):
        raise PermissionDenied
    actors = User.objects.filter(organisation=request.user.organisation_id).order_by("full_name")
    form = AuditSearchForm(request.GET or None, actors=actors)
    events = _audit_scope(request.user).select_related("actor")
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["family_id"]:
            events = events.filter(family_id=data["family_id"])
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["date_from"]:
            events = events.filter(at__gte=_day_start(data["date_from"]))
        if data["date_to"]:
            events = events.filter(at__lt=_day_start(data["date_to"] + dt.timedelta(days=1)))
        criteria = {k: str(getattr(v, "pk", v)) for k, v in data.items() if v}
        audit_log(
            by=request.user,
            action=AuditAction.SEARCH,
            object_type="kernel.auditevent",
            detail=f"logning: {criteria}",
        )
    page = Paginator(events, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "kernel/audit_list.html", {"form": form, "page": page})


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def _timed(check: Callable[[], str]) -> dict[str, object]:
    started = time.monotonic()
    try:
        detail = check()
        ok = True
    except Exception as exc:
        detail, ok = type(exc).__name__, False
    return {"ok": ok, "detail": detail, "ms": round((time.monotonic() - started) * 1000, 1)}


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def _check_cache() -> str:
    key = "healthz:probe"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("cache round trip failed")
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def _check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "redis"


def _check_worker() -> str:
    from familieberedskab.tasks import healthcheck_ping

    result = healthcheck_ping.apply_async(expires=10)
    result.get(timeout=settings.HEALTHZ_TASK_TIMEOUT)
    return "in-process" if settings.CELERY_TASK_ALWAYS_EAGER else "round trip"


_last_health: tuple[float, dict[str, object], int] | None = None


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Database, cache, broker and a real task round trip through a worker, as JSON.

    The answer is kept for HEALTHZ_CACHE_SECONDS per process, so anonymous callers cannot tie
    up web workers by making each request wait for a task round trip."""
    global _last_health
    now = time.monotonic()
    if _last_health is not None and now - _last_health[0] < settings.HEALTHZ_CACHE_SECONDS:
        return JsonResponse(_last_health[1], status=_last_health[2])
    checks = {
        "database": _timed(_check_database),
        "cache": _timed(_check_cache),
        "broker": _timed(_check_broker),
    }
    checks["worker"] = (
        _timed(_check_worker)
        if checks["broker"]["ok"]
        else {"ok": False, "detail": "no broker", "ms": 0}
    )
    healthy = all(c["ok"] for c in checks.values())
    payload = {"status": "ok" if healthy else "fail", "checks": checks}
    _last_health = (now, payload, 200 if healthy else 503)
    return JsonResponse(payload, status=_last_health[2])
