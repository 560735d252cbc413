"""Role-aware navigation: each entry shows only if the user holds its permission; and the
notification bell's unread count, fetched at most once per request and only if shown."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from familieberedskab.models import Notification
from familieberedskab.permissions import Perm, permissions_of

# (url name, label, permission, only for staff of a provider)
_NAV = [
    ("home", _("Forside"), None, False),
    ("cases:family_list", _("Familier"), Perm.FAMILY_VIEW, False),
    ("visitation:referral_list", _("Henvisninger"), Perm.REFERRAL_VIEW, False),
    ("visitation:meeting_list", _("Visitation"), Perm.VISITATION_DECIDE, False),
    ("visitation:waiting_list", _("Venteliste"), Perm.VISITATION_DECIDE, True),
    ("staffing:roster_list", _("Medarbejdere"), Perm.ROSTER_MANAGE, False),
    ("staffing:profile", _("Min profil"), Perm.PROFILE_EDIT_OWN, False),
    ("reporting:run_list", _("Rapporter"), Perm.REPORT_RUN, False),
    ("audit_list", _("Logning"), Perm.AUDIT_VIEW, False),
    ("admin:index", _("Administration"), Perm.STAFF_MANAGE, False),
]


def _is_active(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url))


def _unread_count(request: HttpRequest) -> Callable[[], int]:
    """A callable the template resolves only where the bell is drawn: one COUNT query per
    request, remembered on the request for partials rendered in the same response."""

    def count() -> int:
        if not hasattr(request, "_notifications_unread"):
            request._notifications_unread = Notification.objects.filter(
                recipient=request.user, read_at=None
            ).count()
        return request._notifications_unread

    return count


def navigation(request: HttpRequest) -> dict[str, object]:
    perms = permissions_of(request.user) if hasattr(request, "user") else frozenset()
    items = []
    unread: Callable[[], int] | int = 0
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        is_provider = request.user.organisation.is_provider
        for name, label, perm, provider_only in _NAV:
            if (perm is None or perm in perms) and (is_provider or not provider_only):
                url = reverse(name)
                items.append({"url": url, "label": label, "active": _is_active(request.path, url)})
        unread = _unread_count(request)
    return {
        "nav_items": items,
        "fb_perms": perms,
        "demo_mode": settings.DEMO_MODE,
        "notifications_unread": unread,
    }
